"""Export of the registry's current view to Excel: masked, scoped, formula-safe and audited.

The workbook is written row by row with openpyxl's write-only mode into a temporary file (so a
large export never sits in memory), the export is audited with its filters and row count, and
the file is then streamed to the browser.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from gongjiang.core import audit
from gongjiang.core.rules import age_on
from gongjiang.people.models import Person
from gongjiang.people.selectors import PersonFilters, person_list

EXPORT_ACTION = "people.person.exported"
# Characters that make a spreadsheet treat a cell as a formula (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 1000
ID_NUMBER_REDACTED = "[证件号码]"

Column = tuple[Any, Callable[[Person], Any]]


def _age(person: Person) -> int | None:
    return age_on(person.birth_date, timezone.localdate()) if person.birth_date else None


COLUMNS: list[Column] = [
    (gettext_lazy("姓名"), lambda p: p.name),
    (gettext_lazy("证件类型"), lambda p: p.get_id_type_display()),
    (gettext_lazy("证件号码（脱敏）"), lambda p: p.id_number_masked),
    (gettext_lazy("性别"), lambda p: p.get_sex_display()),
    (gettext_lazy("出生日期"), lambda p: p.birth_date),
    (gettext_lazy("年龄"), _age),
    (gettext_lazy("学历"), lambda p: p.get_education_display() if p.education else ""),
    (gettext_lazy("当前技能等级"), lambda p: p.get_current_level_display() if p.current_level is not None else ""),
    (gettext_lazy("高技能人才"), lambda p: _("是") if p.is_high_skilled else _("否")),
    (gettext_lazy("主要职业"), lambda p: p.primary_occupation.name if p.primary_occupation else ""),
    (gettext_lazy("职业编码"), lambda p: p.primary_occupation.code if p.primary_occupation else ""),
    (gettext_lazy("现工作单位"), lambda p: p.current_employer.name if p.current_employer else ""),
    (gettext_lazy("常住地"), lambda p: p.residence_region.name if p.residence_region else ""),
    (gettext_lazy("手机号码（脱敏）"), lambda p: p.mobile_masked),
]


def safe_cell_value(value: Any) -> Any:
    """A value a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def filter_summary(filters: PersonFilters) -> dict[str, Any]:
    """The filters that were set, for the audit entry. An ID number is never written to the log."""
    from gongjiang.core.rules import normalize_id_number

    summary = {key: value for key, value in asdict(filters).items() if value not in ("", None)}
    if summary.pop("id_number", None):
        summary["id_number"] = ID_NUMBER_REDACTED
    q = summary.get("q", "")
    if q and len(normalize_id_number(q)) >= 15 and normalize_id_number(q)[:6].isdigit():
        summary["q"] = ID_NUMBER_REDACTED
    return summary


def export_rows(queryset: Any) -> Iterator[list[Any]]:
    for person in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [safe_cell_value(getter(person)) for _label, getter in COLUMNS]


def person_export(*, user: Any, filters: PersonFilters, order_by: tuple[Any, ...] | None = None) -> tuple[IO[bytes], int]:
    """Write the people ``user`` sees under ``filters`` to an .xlsx temporary file and audit it.

    Returns the open file (positioned at the start; the caller streams and closes it) and the
    number of people exported.
    """
    queryset = person_list(user=user, filters=filters)
    if order_by:
        queryset = queryset.order_by(*order_by)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(gettext_lazy("技能人才")))
    sheet.freeze_panes = "A2"
    header = []
    for label, _getter in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    rows = 0
    for row in export_rows(queryset):
        sheet.append(row)
        rows += 1
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response streams and closes it
    workbook.save(handle)
    handle.seek(0)
    audit.record(
        EXPORT_ACTION,
        object_type="people.person",
        object_repr=str(gettext_lazy("技能人才库导出")),
        changes={"filters": filter_summary(filters), "rows": rows, "format": "xlsx"},
        actor=user,
    )
    return handle, rows
