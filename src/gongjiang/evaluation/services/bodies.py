"""Evaluation bodies: filing (备案), filed scope, status, evaluator and supervisor rosters."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.levels import SkillLevel
from gongjiang.catalog.models import Occupation, WorkType
from gongjiang.core import audit
from gongjiang.core.text import enumeration
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import (
    GRADE_LABELS,
    BodyScope,
    EvaluationBody,
    Evaluator,
)
from gongjiang.evaluation.services._common import (
    collect,
    fail,
    raise_if,
    require_body_write,
    require_filing,
)
from gongjiang.orgs.models import Organization
from gongjiang.people.models import Person

ERR_ORG_TAKEN = gettext_noop("单位“{name}”已备案为评价机构。")
ERR_CATEGORY = gettext_noop("机构类别应为 Y（用人单位）或 S（社会培训评价组织）。")
ERR_CATEGORY_KIND = gettext_noop("类别 Y（用人单位自主评价）只适用于企业等用人单位；社会培训评价组织请选 S。")
ERR_CODE = gettext_noop("{label}应为 {width} 位数字。")
ERR_CODES_TAKEN = gettext_noop("该类别、机构代码、省级代码和站点序列码的组合已被其他评价机构使用，证书编号会重复。")
ERR_FILING_NUMBER_TAKEN = gettext_noop("备案编号 {number} 已被使用。")
ERR_VALIDITY = gettext_noop("备案有效期至不能早于有效期自。")
ERR_REQUIRED = gettext_noop("请填写{label}。")
ERR_STATUS = gettext_noop("状态应为：正常、暂停、撤销备案。")
ERR_STATUS_REASON = gettext_noop("暂停或撤销备案须填写原因。")
ERR_REVOKED_FINAL = gettext_noop("已撤销备案的机构不能恢复，请重新备案。")
ERR_GRADES = gettext_noop("可认定等级应为 1–5 中的一个或多个（1 = 一级/高级技师 … 5 = 五级/初级工）。")
ERR_GRADE_NOT_IN_OCCUPATION = gettext_noop("职业“{occupation}”的标准未设置{grade}。")
ERR_WORK_TYPE = gettext_noop("工种“{work_type}”不属于职业“{occupation}”。")
ERR_EVALUATOR_LEVEL = gettext_noop("考评员本人技能等级应不低于高级工（三级）；高级考评员应为高级技师（一级）。")
ERR_EVALUATOR_TAKEN = gettext_noop("{name}已在本机构{role}名册中。")
ERR_FILING_INVALID = gettext_noop("备案信息有误，请按提示修改。")
ERR_SCOPE_INVALID = gettext_noop("备案范围有误，请按提示修改。")
ERR_ROLE = gettext_noop("类别应为考评员、高级考评员或督导员。")
ERR_ROSTER_INVALID = gettext_noop("名册信息有误，请按提示修改。")
# Why a body may not run a batch (scope_problems), joined into batches.ERR_OUT_OF_SCOPE.
ERR_SCOPE_STATUS = gettext_noop("评价机构备案状态为“{state}”，不能开展认定")
ERR_SCOPE_VALIDITY = gettext_noop("不在备案有效期内（{start} 至 {end}）")
ERR_SCOPE_OCCUPATION = gettext_noop("职业“{occupation}”不在备案范围内")
ERR_SCOPE_GRADES = gettext_noop("备案范围不含{grades}")
# Why an evaluator may not assess (evaluator_may_assess), joined into batch assignment errors.
ERR_ASSESS_INACTIVE = gettext_noop("{name}不在册")
ERR_ASSESS_EXPIRED = gettext_noop("{name}的考评员资格已过期")
ERR_ASSESS_SUPERVISOR = gettext_noop("{name}是督导员，不参与评分")
ERR_ASSESS_LEVEL = gettext_noop("{name}本人等级低于申报等级")
ERR_ASSESS_SENIOR = gettext_noop("{name}不是高级考评员，不能考评二级、一级")

EMPLOYER_KINDS = {Organization.Kind.ENTERPRISE}


@transaction.atomic
def body_file(
    *,
    actor: Any,
    organization: Organization,
    category: str,
    filing_authority: str,
    filing_number: str,
    institution_code: str,
    province_code: str,
    site_code: str,
    valid_from: dt.date,
    valid_until: dt.date,
    filed_name: str = "",
) -> EvaluationBody:
    """File (备案) an organisation as an evaluation body. Bureaus and platform admins only."""
    require_filing(actor)
    if actor is not None:
        from gongjiang.orgs.scope import organization_queryset

        if not organization_queryset(actor, write=True).filter(pk=organization.pk).exists():
            from gongjiang.core.exceptions import PermissionDeniedError

            raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    filed_name = (filed_name or organization.name).strip()
    if EvaluationBody.objects.filter(organization=organization).exists():
        collect(errors, "organization", ERR_ORG_TAKEN, name=organization.name)
    if category not in EvaluationBody.Category.values:
        collect(errors, "category", ERR_CATEGORY)
    elif category == EvaluationBody.Category.EMPLOYER and organization.kind not in EMPLOYER_KINDS:
        collect(errors, "category", ERR_CATEGORY_KIND)
    for field, value, width, label in (
        ("institution_code", institution_code, 4, "评价机构代码"),
        ("province_code", province_code, 2, "省级代码"),
        ("site_code", site_code, 6, "站点序列码"),
    ):
        if not re.fullmatch(rf"\d{{{width}}}", value or ""):
            collect(errors, field, ERR_CODE, label=label, width=width)
    for field, value, label in (("filing_authority", filing_authority, "备案机关"), ("filing_number", filing_number, "备案编号")):
        if not (value or "").strip():
            collect(errors, field, ERR_REQUIRED, label=label)
    if filing_number and EvaluationBody.objects.filter(filing_number=filing_number.strip()).exists():
        collect(errors, "filing_number", ERR_FILING_NUMBER_TAKEN, number=filing_number.strip())
    if valid_until < valid_from:
        collect(errors, "valid_until", ERR_VALIDITY)
    if not errors and EvaluationBody.objects.filter(
        category=category, institution_code=institution_code, province_code=province_code, site_code=site_code
    ).exists():
        collect(errors, "site_code", ERR_CODES_TAKEN)
    raise_if(errors, ERR_FILING_INVALID)
    body = EvaluationBody(
        organization=organization, filed_name=filed_name, category=category,
        filing_authority=filing_authority.strip(), filing_number=filing_number.strip(),
        institution_code=institution_code, province_code=province_code, site_code=site_code,
        valid_from=valid_from, valid_until=valid_until,
    )
    body.full_clean()
    body.save()
    audit.record("evaluation.body.filed", obj=body, changes=audit.snapshot(body), actor=actor)
    return body


@transaction.atomic
def body_set_status(*, actor: Any, body: EvaluationBody, status: str, reason: str = "") -> EvaluationBody:
    """Suspend, restore or revoke a filing. A body that is not active cannot open batches or issue."""
    require_filing(actor, body)
    if status not in EvaluationBody.Status.values:
        raise fail(ERR_STATUS, "status")
    if status != EvaluationBody.Status.ACTIVE and not reason.strip():
        raise fail(ERR_STATUS_REASON, "reason")
    if body.status == EvaluationBody.Status.REVOKED and status != EvaluationBody.Status.REVOKED:
        raise fail(ERR_REVOKED_FINAL, "status")
    before = body.status
    body.status = status
    body.status_reason = reason.strip()[:300]
    body.save(update_fields=["status", "status_reason", "updated_at"])
    audit.record("evaluation.body.status_changed", obj=body, changes={"status": [before, status], "reason": reason}, actor=actor)
    return body


@transaction.atomic
def body_extend_validity(*, actor: Any, body: EvaluationBody, valid_until: dt.date) -> EvaluationBody:
    require_filing(actor, body)
    if valid_until < body.valid_from:
        raise fail(ERR_VALIDITY, "valid_until")
    before = body.valid_until
    body.valid_until = valid_until
    body.save(update_fields=["valid_until", "updated_at"])
    audit.record("evaluation.body.validity_changed", obj=body,
                 changes={"valid_until": [before.isoformat(), valid_until.isoformat()]}, actor=actor)
    return body


def _clean_grades(grades: Any, occupation: Occupation, errors: dict[str, list[str]]) -> list[int]:
    try:
        values = sorted({int(g) for g in grades}, reverse=True)
    except (TypeError, ValueError):
        values = []
    if not values or any(g not in rules.GRADE_NAMES for g in values):
        collect(errors, "grades", ERR_GRADES)
        return []
    if occupation.national_grades:
        for grade in values:
            if grade not in occupation.national_grades:
                collect(errors, "grades", ERR_GRADE_NOT_IN_OCCUPATION, occupation=occupation.name, grade=GRADE_LABELS[grade])
    return values


@transaction.atomic
def body_scope_set(
    *, actor: Any, body: EvaluationBody, occupation: Occupation, grades: list[int], work_type: WorkType | None = None
) -> BodyScope:
    """Add or change one line of the filed scope (occupation × 工种 × levels). Filing authorities only."""
    require_filing(actor, body)
    errors: dict[str, list[str]] = {}
    values = _clean_grades(grades, occupation, errors)
    if work_type is not None and work_type.occupation_id != occupation.pk:
        collect(errors, "work_type", ERR_WORK_TYPE, work_type=work_type.name, occupation=occupation.name)
    raise_if(errors, ERR_SCOPE_INVALID)
    line, created = BodyScope.objects.update_or_create(
        body=body, occupation=occupation, work_type=work_type, defaults={"grades": values}
    )
    audit.record(
        "evaluation.body.scope_set", obj=body,
        changes={"occupation": occupation.code, "work_type": work_type.name if work_type else None, "grades": values,
                 "created": created},
        actor=actor,
    )
    return line


@transaction.atomic
def body_scope_remove(*, actor: Any, line: BodyScope) -> None:
    require_filing(actor, line.body)
    audit.record("evaluation.body.scope_removed", obj=line.body,
                 changes={"occupation": line.occupation.code, "grades": line.grades}, actor=actor)
    line.delete()


def scope_problems(
    body: EvaluationBody, *, occupation: Occupation, work_type: WorkType | None, grades: list[int], on: dt.date
) -> list[str]:
    """Why ``body`` may not run a batch of this occupation and levels on ``on`` ([] when it may)."""
    problems = []
    if body.status != EvaluationBody.Status.ACTIVE:
        problems.append(_(ERR_SCOPE_STATUS).format(state=body.get_status_display()))
    if not body.valid_from <= on <= body.valid_until:
        problems.append(_(ERR_SCOPE_VALIDITY).format(start=body.valid_from, end=body.valid_until))
    lines = list(body.scopes.filter(occupation=occupation))
    line = next((s for s in lines if s.work_type_id == (work_type.pk if work_type else None)), None)
    if line is None:
        line = next((s for s in lines if s.work_type_id is None), None)
    if line is None:
        name = f"{occupation.name}（{work_type.name}）" if work_type else occupation.name
        problems.append(_(ERR_SCOPE_OCCUPATION).format(occupation=name))
    else:
        outside = [g for g in grades if g not in line.grades]
        if outside:
            problems.append(_(ERR_SCOPE_GRADES).format(grades=enumeration(GRADE_LABELS[g] for g in outside)))
    return problems


@transaction.atomic
def evaluator_add(
    *,
    actor: Any,
    body: EvaluationBody,
    person: Person,
    role: str = Evaluator.Role.EVALUATOR,
    level: int | None = None,
    occupation: Occupation | None = None,
    card_number: str = "",
    valid_until: dt.date | None = None,
) -> Evaluator:
    """Put a person on the body's roster. Evaluators hold at least 高级工 (三级) themselves;
    高级考评员 (who may assess 二级/一级) hold 高级技师 (DOMAIN.md §3.4, configurable rule)."""
    require_body_write(actor, body)
    level = level if level is not None else person.current_level
    errors: dict[str, list[str]] = {}
    if role not in Evaluator.Role.values:
        collect(errors, "role", ERR_ROLE)
    if level is None or (role == Evaluator.Role.EVALUATOR and level < SkillLevel.SENIOR) or (
        role == Evaluator.Role.SENIOR_EVALUATOR and level < SkillLevel.SENIOR_TECHNICIAN
    ):
        collect(errors, "level", ERR_EVALUATOR_LEVEL)
    if Evaluator.objects.filter(body=body, person=person, role=role).exists():
        collect(errors, "person", ERR_EVALUATOR_TAKEN, name=person.name, role=Evaluator.Role(role).label if role in Evaluator.Role.values else role)
    raise_if(errors, ERR_ROSTER_INVALID)
    assert level is not None  # a missing level is an error above
    evaluator = Evaluator(
        body=body, person=person, role=role, level=level, occupation=occupation, card_number=card_number.strip(),
        valid_until=valid_until,
    )
    evaluator.full_clean()
    evaluator.save()
    audit.record("evaluation.evaluator.added", obj=evaluator, changes=audit.snapshot(evaluator), actor=actor)
    return evaluator


@transaction.atomic
def evaluator_deactivate(*, actor: Any, evaluator: Evaluator) -> Evaluator:
    require_body_write(actor, evaluator.body)
    evaluator.is_active = False
    evaluator.save(update_fields=["is_active", "updated_at"])
    audit.record("evaluation.evaluator.deactivated", obj=evaluator, actor=actor)
    return evaluator


def evaluator_may_assess(evaluator: Evaluator, grade: int, on: dt.date | None = None) -> list[str]:
    """Why the evaluator may not assess candidates for ``grade`` ([] when they may)."""
    problems = []
    on = on or timezone.localdate()
    if not evaluator.is_active:
        problems.append(_(ERR_ASSESS_INACTIVE).format(name=evaluator.person.name))
    if evaluator.valid_until and evaluator.valid_until < on:
        problems.append(_(ERR_ASSESS_EXPIRED).format(name=evaluator.person.name))
    if evaluator.role == Evaluator.Role.SUPERVISOR:
        problems.append(_(ERR_ASSESS_SUPERVISOR).format(name=evaluator.person.name))
    target_level = rules_level(grade)
    if evaluator.level < target_level:
        problems.append(_(ERR_ASSESS_LEVEL).format(name=evaluator.person.name))
    if grade <= 2 and evaluator.role != Evaluator.Role.SENIOR_EVALUATOR:
        problems.append(_(ERR_ASSESS_SENIOR).format(name=evaluator.person.name))
    return problems


def rules_level(grade: int) -> int:
    from gongjiang.catalog.levels import level_from_national_grade

    return int(level_from_national_grade(grade))

