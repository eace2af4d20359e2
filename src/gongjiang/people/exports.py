"""Export of the registry's current view to Excel: masked, scoped, formula-safe and audited.

The columns are a :class:`~gongjiang.imports.exporters.Column` list and the file is written by
the platform's one writer (``imports.exporters.export_list``): write-only workbook in a
temporary file, every page of the current view in its order, audited with its filters and row
count. The file is then streamed to the browser.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core.rules import age_on
from gongjiang.imports.exporters import ID_NUMBER_REDACTED, Column, export_list
from gongjiang.imports.exporters import filter_summary as _filter_summary
from gongjiang.imports.rules import formula_safe
from gongjiang.people.models import Person
from gongjiang.people.selectors import PersonFilters, person_list

__all__ = ["COLUMNS", "EXPORT_ACTION", "ID_NUMBER_REDACTED", "filter_summary", "person_export", "safe_cell_value"]

EXPORT_ACTION = "people.person.exported"
# The platform's one rule for formula-safe cells (CSV/formula injection, OWASP).
safe_cell_value = formula_safe


def _age(person: Person) -> int | None:
    return age_on(person.birth_date, timezone.localdate()) if person.birth_date else None


COLUMNS: list[Column] = [
    Column(gettext_lazy("姓名"), lambda p: p.name, width=12),
    Column(gettext_lazy("证件类型"), lambda p: p.get_id_type_display(), width=14),
    Column(gettext_lazy("证件号码（脱敏）"), lambda p: p.id_number_masked, width=22),
    Column(gettext_lazy("性别"), lambda p: p.get_sex_display(), width=8),
    Column(gettext_lazy("出生日期"), lambda p: p.birth_date, width=12),
    Column(gettext_lazy("年龄"), _age, width=8),
    Column(gettext_lazy("学历"), lambda p: p.get_education_display() if p.education else "", width=14),
    Column(gettext_lazy("当前技能等级"), lambda p: p.get_current_level_display() if p.current_level is not None else ""),
    Column(gettext_lazy("高技能人才"), lambda p: _("是") if p.is_high_skilled else _("否"), width=10),
    Column(gettext_lazy("主要职业"), lambda p: p.primary_occupation.name if p.primary_occupation else ""),
    Column(gettext_lazy("职业编码"), lambda p: p.primary_occupation.code if p.primary_occupation else "", width=12),
    Column(gettext_lazy("现工作单位"), lambda p: p.current_employer.name if p.current_employer else "", width=24),
    Column(gettext_lazy("常住地"), lambda p: p.residence_region.name if p.residence_region else "", width=12),
    Column(gettext_lazy("手机号码（脱敏）"), lambda p: p.mobile_masked, width=14),
]


def filter_summary(filters: PersonFilters) -> dict[str, Any]:
    """The filters that were set, for the audit entry. An ID number is never written to the log."""
    return _filter_summary(asdict(filters))


def person_export(*, user: Any, filters: PersonFilters, order_by: tuple[Any, ...] | None = None) -> tuple[IO[bytes], int]:
    """Write the people ``user`` sees under ``filters`` to an .xlsx temporary file and audit it.

    Returns the open file (positioned at the start; the caller streams and closes it) and the
    number of people exported.
    """
    queryset = person_list(user=user, filters=filters).select_related(
        "primary_occupation", "current_employer", "residence_region"
    )
    if order_by:
        queryset = queryset.order_by(*order_by)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response streams and closes it
    try:
        rows = export_list(
            user=user, title=gettext_lazy("技能人才"), columns=COLUMNS, objects=queryset, action=EXPORT_ACTION,
            target=handle, object_type="people.person", filters=asdict(filters),
        )
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    return handle, rows
