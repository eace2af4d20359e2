"""Columns of the evaluation body, batch and batch-application lists for their Excel exports
(as on the pages). ID numbers appear masked only (list exports never reveal)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gongjiang.imports.exporters import Column

BODY_EXPORT_ACTION = "evaluation.body.exported"
BATCH_EXPORT_ACTION = "evaluation.batch.exported"
APPLICATION_EXPORT_ACTION = "evaluation.application.exported"

BODY_COLUMNS = [
    Column(_("备案名称"), lambda b: b.filed_name, width=28),
    Column(_("类别"), lambda b: b.get_category_display(), width=22),
    Column(_("备案编号"), lambda b: b.filing_number, width=20),
    Column(_("机构代码"), lambda b: b.number_prefix, width=12),
    Column(_("单位"), lambda b: b.organization.name, width=28),
    Column(_("有效期自"), lambda b: b.valid_from, width=12),
    Column(_("有效期至"), lambda b: b.valid_until, width=12),
    Column(_("批次"), lambda b: b.batch_count, width=8),
    Column(_("状态"), lambda b: b.get_status_display(), width=10),
]

BATCH_COLUMNS = [
    Column(_("批次"), lambda b: b.name, width=28),
    Column(_("评价机构"), lambda b: b.body.filed_name, width=28),
    Column(_("职业"), lambda b: b.occupation.name, width=16),
    Column(_("工种"), lambda b: b.work_type.name if b.work_type else "", width=16),
    Column(_("等级"), lambda b: b.grade_names, width=16),
    Column(_("报名开始"), lambda b: b.applications_open, width=12),
    Column(_("报名截止"), lambda b: b.applications_close, width=12),
    Column(_("申报"), lambda b: b.application_count, width=8),
    Column(_("状态"), lambda b: b.get_status_display(), width=10),
]


def _route(application: Any) -> str:
    route = str(application.get_route_display())
    return f"{route} · {_('集体')}" if application.is_bulk else route


def _status(application: Any) -> str:
    status = str(application.get_status_display())
    return f"{status} · {_('破格')}" if application.is_exception else status


# The applications table of a batch's page, in its order, plus the masked ID number.
APPLICATION_COLUMNS = [
    Column(_("申报编号"), lambda a: a.pk, width=10),
    Column(_("姓名"), lambda a: a.person.name, width=12),
    Column(_("身份证号码"), lambda a: a.person.id_number_masked, width=22),
    Column(_("工作单位"), lambda a: a.employer.name if a.employer else "", width=28),
    Column(_("等级"), lambda a: a.get_grade_display(), width=14),
    Column(_("方式"), _route, width=14),
    Column(_("受理"), _status, width=14),
    Column(_("资格审查"), lambda a: (a.eligibility or {}).get("explanation", ""), width=40),
    Column(_("结果"), lambda a: a.get_result_display(), width=12),
    Column(_("证书编号"), lambda a: a.certificate.number if a.certificate else "", width=24),
]
