"""Error reports: the user's own file back with the problems marked, and a JSON report.

The workbook keeps every row where it was (title rows, header, data), adds a column "错误说明"
after the last one, and fills each bad cell red, so the user fixes the file they know and
uploads it again. It is written with openpyxl's write-only mode, row by row, so a large file
does not need a large memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from gongjiang.core.text import clauses
from gongjiang.imports import readers, rules
from gongjiang.imports.models import ImportJob
from gongjiang.imports.pipeline import RowIssue
from gongjiang.imports.safety import CheckedFile

ERROR_FILL = PatternFill(fill_type="solid", start_color="FFFFC7CE", end_color="FFFFC7CE")
ROW_FILL = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
ERROR_FONT = Font(color="FF9C0006")
HEADER_FONT = Font(bold=True, color="FF9C0006")
MAX_COMMENTS = 2000  # comments are heavy in xlsx; beyond this the error column carries the text


def _letter_index(letter: str) -> int:
    index = 0
    for char in letter:
        index = index * 26 + (ord(char) - 64)
    return index - 1


def full_report_max_rows() -> int:
    from django.conf import settings

    return int(getattr(settings, "IMPORT_REPORT_FULL_MAX_ROWS", 100_000))


def build_error_workbook(
    *, job: ImportJob, checked: CheckedFile, errors: Iterable[RowIssue], target: Path, failed_rows: set[int]
) -> Path:
    """The user's file with the errors marked. A file of more than ``IMPORT_REPORT_FULL_MAX_ROWS``
    rows comes back with its header and the rows that have errors only (each with its original
    row number in a last column), so a few bad rows in a huge file give a small report."""
    only_failed = job.rows_total > full_report_max_rows()
    by_row: dict[int, list[RowIssue]] = defaultdict(list)
    for issue in errors:
        by_row[issue.row].append(issue)
    table = readers.open_table(checked)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(table.sheet_name or _("导入数据"))[:31])
    header_row = job.header_row or 1
    width = 0
    comments = 0
    expected = 1
    for number, cells in table.rows:
        if only_failed and number > header_row and number not in failed_rows:
            continue
        while not only_failed and expected < number:
            sheet.append([])
            expected += 1
        expected = number + 1
        if number == header_row:
            width = len(cells)
        issues = by_row.get(number, [])
        bad_columns: dict[int, list[str]] = defaultdict(list)
        for issue in issues:
            if issue.letter:
                bad_columns[_letter_index(issue.letter)].append(issue.message)
        row: list[Any] = []
        for index, value in enumerate(cells):
            cell = WriteOnlyCell(sheet, value=rules.formula_safe(value))
            if index in bad_columns:
                cell.fill = ERROR_FILL
                cell.font = ERROR_FONT
                if comments < MAX_COMMENTS:
                    cell.comment = Comment("\n".join(bad_columns[index])[:1000], "工匠")
                    comments += 1
            row.append(cell)
        if number == header_row or issues or number in failed_rows:
            pad = max(width, len(cells)) - len(cells)
            row.extend([None] * pad)
            if number == header_row:
                label = WriteOnlyCell(sheet, value=_("错误说明"))
                label.font = HEADER_FONT
                row.append(label)
                if only_failed:
                    original = WriteOnlyCell(sheet, value=_("原行号"))
                    original.font = HEADER_FONT
                    row.append(original)
            else:
                text = clauses(
                    f"【{issue.header or issue.letter or _('整行')}】{issue.message}" for issue in issues
                ) or _("该行有错误（超出可列出的错误数）")
                note = WriteOnlyCell(sheet, value=rules.formula_safe(text))
                note.fill = ROW_FILL
                note.font = ERROR_FONT
                row.append(note)
                if only_failed:
                    row.append(number)
        sheet.append(row)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def json_report(job: ImportJob) -> dict[str, Any]:
    """Everything a program needs to know about a job's outcome."""
    errors = [
        {"row": e.row, "column": e.column, "column_letter": e.column_letter, "code": e.code, "message": e.message}
        for e in job.row_errors.all().order_by("row", "id")
    ]
    summary = job.summary or {}
    return {
        "job": str(job.public_id),
        "entity": job.entity,
        "file": job.original_filename,
        "sha256": job.file_sha256,
        "status": job.status,
        "mode": job.mode,
        "dry_run": job.dry_run,
        "sheet": job.sheet_name,
        "header_row": job.header_row,
        "rows": {"total": job.rows_total, "ok": job.rows_ok, "failed": job.rows_failed},
        "result": {"created": job.rows_created, "updated": job.rows_updated, "unchanged": job.rows_unchanged},
        "preview": summary.get("actions", {}),
        "columns": summary.get("columns", {}),
        "unknown_columns": summary.get("unknown_columns", []),
        "file_error": {"code": job.error_code, "message": job.error_message} if job.error_code else None,
        "errors_total": job.errors_total,
        "errors_truncated": bool(summary.get("errors_truncated")),
        "errors": errors,
    }
