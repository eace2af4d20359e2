"""Reading a reference-data file (CSV or Excel) into numbered rows with canonical column names.

CSV is read as UTF-8 (with or without BOM) and, failing that, as GB18030, the encoding Excel
on a Chinese Windows writes. Excel files (.xlsx, .xlsm, .xls, .ods) are read with
python-calamine. Column headers are matched case-insensitively against each column's aliases
(English, simplified and traditional Chinese), after full-width characters are made half-width.
Row numbers are those a user sees in the spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.core.rules import normalize_text
from gongjiang.core.text import enumeration

CSV_SUFFIXES = {".csv", ".txt"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}

ERR_FILE_MISSING = gettext_noop("找不到文件：{path}。")
ERR_FILE_SUFFIX = gettext_noop("不支持的文件类型“{suffix}”：请使用 CSV（.csv）或 Excel（.xlsx/.xls）文件。")
ERR_FILE_UNREADABLE = gettext_noop("无法读取文件：{reason}。")
ERR_FILE_ENCODING = gettext_noop("CSV 文件的编码无法识别：请另存为 UTF-8 或 GB18030（GBK）编码。")
ERR_FILE_EMPTY = gettext_noop("文件中没有表头行。")
ERR_FILE_NO_ROWS = gettext_noop("文件只有表头，没有数据行。")
ERR_FILE_MISSING_COLUMNS = gettext_noop("缺少必需的列：{columns}。表头应包含：{expected}。")
ERR_FILE_DUPLICATE_COLUMN = gettext_noop("表头中“{column}”列出现了两次。")


class UnusableFileError(Exception):
    """The file as a whole cannot be used (missing, wrong type, no header, missing columns)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass
class Table:
    path: Path
    headers: dict[str, str]  # canonical key → header as written in the file
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)


def _header_key(text: object) -> str:
    return normalize_text(str(text or "")).lower().replace(" ", "").replace("_", "")


def _read_csv(path: Path) -> list[list[object]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    raise UnusableFileError(_(ERR_FILE_ENCODING))


def _read_excel(path: Path) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            return [list(row) for row in workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)]
        finally:
            workbook.close()
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise UnusableFileError(_(ERR_FILE_UNREADABLE).format(reason=exc)) from exc


def read_table(path: str | Path, columns: list[Column]) -> Table:
    """Read ``path`` into a :class:`Table`; raise :class:`UnusableFileError` if it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise UnusableFileError(_(ERR_FILE_MISSING).format(path=path))
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        cells = _read_csv(path)
    elif suffix in EXCEL_SUFFIXES:
        cells = _read_excel(path)
    else:
        raise UnusableFileError(_(ERR_FILE_SUFFIX).format(suffix=suffix or _("（无扩展名）")))
    skipped = 0
    while cells and not any(str(c or "").strip() for c in cells[0]):
        cells.pop(0)
        skipped += 1
    if not cells:
        raise UnusableFileError(_(ERR_FILE_EMPTY))
    lookup = {_header_key(alias): column for column in columns for alias in (column.key, *column.aliases)}
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, header in enumerate(cells[0]):
        column = lookup.get(_header_key(header))
        if column is None:
            continue  # extra columns are ignored
        if column.key in positions:
            raise UnusableFileError(_(ERR_FILE_DUPLICATE_COLUMN).format(column=header))
        positions[column.key] = index
        headers[column.key] = str(header).strip()
    missing = [c for c in columns if c.required and c.key not in positions]
    if missing:
        raise UnusableFileError(
            _(ERR_FILE_MISSING_COLUMNS).format(
                columns=enumeration(f"{c.key}（{c.label}）" for c in missing),
                expected=",".join(c.key for c in columns),
            )
        )
    table = Table(path=path, headers=headers)
    header_row = skipped + 1
    for offset, row in enumerate(cells[1:], start=header_row + 1):
        if not any(str(c if c is not None else "").strip() for c in row):
            continue
        values = {key: (row[i] if i < len(row) else "") for key, i in positions.items()}
        table.rows.append((offset, values))
    if not table.rows:
        raise UnusableFileError(_(ERR_FILE_NO_ROWS))
    return table
