"""Table specifications for training lists, and their Excel export.

One specification (:class:`Column` list) drives both the page table and the export, so what a
user sees is what they download. The export is written by the platform's one writer
(``gongjiang.imports.exporters``: write-only workbook, every page of the list in its order,
formula-safe cells, audited with the row count); ID numbers appear only masked. International
lists use the same specifications.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongjiang.core.text import clauses
from gongjiang.imports.exporters import Column, export_response, table_rows
from gongjiang.imports.rules import formula_safe
from gongjiang.training.models import (
    Apprenticeship,
    Enrollment,
    MentorAllowance,
    Nomination,
    SubsidyClaim,
    SubsidyPolicy,
    TrainingProgram,
)

__all__ = ["Column", "table_rows", "xlsx_response"]
# The platform's one rule for formula-safe cells (also full-width ＝＋－＠ and line breaks).
safe_cell_value = formula_safe


def _display(obj: Any, field: str) -> str:
    value = getattr(obj, field)
    if value in (None, ""):
        return ""
    return str(getattr(obj, f"get_{field}_display")())


def _name(obj: Any) -> str:
    return obj.name if obj is not None else ""


def _date(value: Any) -> Any:
    return value if value else ""


PROGRAM_COLUMNS = [
    Column(gettext_lazy("项目名称"), lambda p: p.name, lambda p: reverse("training:program_detail", args=[p.pk])),
    Column(gettext_lazy("类型"), lambda p: p.get_kind_display()),
    Column(gettext_lazy("状态"), lambda p: p.get_status_display()),
    Column(gettext_lazy("主办单位"), lambda p: p.organizer.name),
    Column(gettext_lazy("承办/培训机构"), lambda p: _name(p.provider)),
    Column(gettext_lazy("目的国"), lambda p: p.destination_country),
    Column(gettext_lazy("开始日期"), lambda p: p.start_date),
    Column(gettext_lazy("结束日期"), lambda p: p.end_date),
    Column(gettext_lazy("天数"), lambda p: p.days or ""),
    Column(gettext_lazy("学时"), lambda p: p.hours),
    Column(gettext_lazy("名额"), lambda p: p.capacity if p.capacity is not None else ""),
    Column(gettext_lazy("推荐/报名"), lambda p: getattr(p, "nominated_count", "")),
    Column(gettext_lazy("学员"), lambda p: getattr(p, "enrolled_count", "")),
    Column(gettext_lazy("经费来源"), lambda p: p.get_funding_source_display()),
]

NOMINATION_COLUMNS = [
    Column(gettext_lazy("姓名"), lambda n: n.person.name),
    Column(gettext_lazy("证件号码（脱敏）"), lambda n: n.person.id_number_masked),
    Column(gettext_lazy("推荐单位"), lambda n: _name(n.employer)),
    Column(gettext_lazy("报名方式"), lambda n: n.get_channel_display()),
    Column(gettext_lazy("推荐理由"), lambda n: n.reason),
    Column(gettext_lazy("遴选评分"), lambda n: n.score if n.score is not None else ""),
    Column(gettext_lazy("状态"), lambda n: n.get_status_display()),
    Column(gettext_lazy("遴选意见"), lambda n: n.decision_note),
]

ENROLLMENT_COLUMNS = [
    Column(gettext_lazy("姓名"), lambda e: e.person.name),
    Column(gettext_lazy("证件号码（脱敏）"), lambda e: e.person.id_number_masked),
    Column(gettext_lazy("所在单位"), lambda e: _name(e.employer)),
    Column(gettext_lazy("状态"), lambda e: e.get_status_display()),
    Column(gettext_lazy("报到日期"), lambda e: e.enrolled_on),
    Column(gettext_lazy("实际学时"), lambda e: e.hours_attended),
    Column(gettext_lazy("考核成绩"), lambda e: e.assessment_score if e.assessment_score is not None else ""),
    Column(gettext_lazy("考核结果"), lambda e: "" if e.assessment_passed is None else (
        _("合格") if e.assessment_passed else _("不合格"))),
    Column(gettext_lazy("结业日期"), lambda e: _date(e.completed_on)),
    Column(gettext_lazy("结业证书编号"), lambda e: e.completion_certificate_number),
    Column(gettext_lazy("退出原因"), lambda e: e.dropout_reason),
]

APPRENTICESHIP_COLUMNS = [
    Column(gettext_lazy("学徒"), lambda a: a.apprentice.name,
           lambda a: reverse("training:apprenticeship_detail", args=[a.pk])),
    Column(gettext_lazy("学徒类型"), lambda a: a.get_kind_display()),
    Column(gettext_lazy("状态"), lambda a: a.get_status_display()),
    Column(gettext_lazy("用人企业"), lambda a: a.employer.name),
    Column(gettext_lazy("院校/培训机构"), lambda a: a.school.name),
    Column(gettext_lazy("企业导师"), lambda a: a.enterprise_mentor.name),
    Column(gettext_lazy("院校导师"), lambda a: a.school_mentor.name),
    Column(gettext_lazy("职业（工种）"), lambda a: a.occupation_name),
    Column(gettext_lazy("目标等级"), lambda a: a.get_target_level_display()),
    Column(gettext_lazy("培养期开始"), lambda a: a.start_date),
    Column(gettext_lazy("培养期结束"), lambda a: a.planned_end_date),
]

CLAIM_COLUMNS = [
    Column(gettext_lazy("申领人"), lambda c: c.person.name),
    Column(gettext_lazy("证件号码（脱敏）"), lambda c: c.person.id_number_masked),
    Column(gettext_lazy("所在单位"), lambda c: _name(c.employer)),
    Column(gettext_lazy("补贴类型"), lambda c: c.get_kind_display()),
    Column(gettext_lazy("政策"), lambda c: c.policy.name),
    Column(gettext_lazy("职业编码"), lambda c: c.occupation_code),
    Column(gettext_lazy("职业（工种）"), lambda c: c.occupation_name),
    Column(gettext_lazy("等级"), lambda c: _display(c, "level")),
    Column(gettext_lazy("申领日期"), lambda c: c.claim_date),
    Column(gettext_lazy("符合条件"), lambda c: _("是") if c.eligible else _("否")),
    Column(gettext_lazy("核定金额（元）"), lambda c: c.amount),
    Column(gettext_lazy("状态"), lambda c: c.get_status_display()),
    Column(gettext_lazy("发放日期"), lambda c: _date(c.paid_on)),
    Column(gettext_lazy("核算说明"), lambda c: clauses(
        check["message"] for check in c.explanation.get("checks", []) if not check["passed"]
    ) or clauses(c.explanation.get("derivation", []))),
]

POLICY_COLUMNS = [
    Column(gettext_lazy("年度"), lambda p: p.year),
    Column(gettext_lazy("地区"), lambda p: p.region.name),
    Column(gettext_lazy("补贴类型"), lambda p: p.get_kind_display()),
    Column(gettext_lazy("政策名称"), lambda p: p.name),
    Column(gettext_lazy("文号"), lambda p: p.document_number),
    Column(gettext_lazy("各等级标准"), lambda p: "，".join(f"{k}:{v}" for k, v in sorted(p.amounts_by_level.items()))),
    Column(gettext_lazy("每人每年"), lambda p: p.per_person_year if p.per_person_year is not None else ""),
    Column(gettext_lazy("封顶"), lambda p: p.amount_cap if p.amount_cap is not None else ""),
    Column(gettext_lazy("每年最多次数"), lambda p: p.max_claims_per_year or ""),
    Column(gettext_lazy("最少参保月数"), lambda p: p.min_insured_months),
    Column(gettext_lazy("申领期限（月）"), lambda p: p.claim_window_months or ""),
]

ALLOWANCE_COLUMNS = [
    Column(gettext_lazy("导师"), lambda m: m.mentor.name),
    Column(gettext_lazy("学徒"), lambda m: m.apprenticeship.apprentice.name),
    Column(gettext_lazy("企业"), lambda m: m.apprenticeship.employer.name),
    Column(gettext_lazy("期间起"), lambda m: m.period_start),
    Column(gettext_lazy("期间止"), lambda m: m.period_end),
    Column(gettext_lazy("金额（元）"), lambda m: m.amount),
    Column(gettext_lazy("发放日期"), lambda m: _date(m.paid_on)),
]

RANKING_COLUMNS = [
    Column(gettext_lazy("名次"), lambda r: r["rank"]),
    Column(gettext_lazy("姓名"), lambda r: r["person__name"]),
    Column(gettext_lazy("单位"), lambda r: r["organization__name"] or ""),
    Column(gettext_lazy("积分"), lambda r: r["total"]),
]

MODEL_COLUMNS: dict[type, list[Column]] = {
    TrainingProgram: PROGRAM_COLUMNS, Nomination: NOMINATION_COLUMNS, Enrollment: ENROLLMENT_COLUMNS,
    Apprenticeship: APPRENTICESHIP_COLUMNS, SubsidyClaim: CLAIM_COLUMNS, SubsidyPolicy: POLICY_COLUMNS,
    MentorAllowance: ALLOWANCE_COLUMNS,
}


def xlsx_response(*, title: str, columns: list[Column], objects: Any, action: str,
                  filters: dict[str, Any] | None = None) -> FileResponse:
    """Every row of ``objects`` (all pages, in order) as an .xlsx download; the export is audited."""
    return export_response(user=None, title=title, columns=columns, objects=objects, action=action,
                           filters=filters)
