"""Subsidy policies (data per region and year) and claims with computed eligibility."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.levels import SkillLevel
from gongjiang.catalog.models import Region
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import enumeration
from gongjiang.orgs import roles
from gongjiang.orgs.scope import scope_for
from gongjiang.people.models import Certificate, Person
from gongjiang.people.selectors import person_queryset
from gongjiang.training import lock_objects, rules
from gongjiang.training.models import Apprenticeship, Enrollment, SubsidyClaim, SubsidyPolicy
from gongjiang.training.selectors import apprenticeship_queryset, claim_queryset

ERR_POLICY_SCOPE = gettext_noop("只能为您所在地区（或下级地区）制定补贴政策。")
ERR_POLICY_DUPLICATE = gettext_noop("{region} {year} 年度已有“{kind}”政策，请修改原政策。")
ERR_POLICY_AMOUNTS = gettext_noop("各等级补贴标准应为“等级: 金额”，金额为不小于 0 的数字。")
ERR_POLICY_PER_YEAR = gettext_noop("学徒培训补贴须填写每人每年标准。")
ERR_POLICY_EXCLUSIVE = gettext_noop("不得叠加的补贴类型不正确。")
ERR_POLICY_DATES = gettext_noop("有效期止不能早于有效期起。")
ERR_POLICY_KIND = gettext_noop("补贴类型不正确，可选：技能提升补贴、职业培训补贴、学徒培训补贴。")
ERR_CLAIM_SCOPE = gettext_noop("只能为您管理范围内的人员申领补贴。")
ERR_CLAIM_POLICY_KIND = gettext_noop("申领类型与政策类型不符。")
ERR_CLAIM_APPRENTICESHIP = gettext_noop("学徒培训补贴须指定学徒培养记录。")
ERR_CLAIM_APPRENTICESHIP_PERSON = gettext_noop("学徒培养记录的学徒与申领人不一致。")
ERR_CLAIM_LEVEL = gettext_noop("请填写申领等级。")
ERR_CLAIM_DUPLICATE = gettext_noop("该人员已就同一职业同一等级申领过此类补贴，不能重复申领。")
ERR_CLAIM_TRANSITION = gettext_noop("补贴申领状态为“{status}”，不能{action}。")
ERR_CLAIM_DECIDE_ROLE = gettext_noop("只有人社部门管理员可以审核和发放补贴。")
ERR_CANCEL_REASON = gettext_noop("撤销申领须填写原因。")

POLICY_FIELDS = (
    "name", "document_number", "amounts_by_level", "per_person_year", "amount_cap", "shortage_uplift_percent",
    "max_claims_per_year", "min_insured_months", "claim_window_months", "exclusive_with", "valid_from",
    "valid_until", "notes", "is_active",
)


def _clean_policy(data: dict[str, Any], kind: str) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    amounts: dict[str, str] = {}
    for key, value in (cleaned.get("amounts_by_level") or {}).items():
        try:
            level = int(key)
            amount = Decimal(str(value))
            if level not in SkillLevel.values or amount < 0:
                raise ValueError
        except (ValueError, InvalidOperation):
            errors.setdefault("amounts_by_level", []).append(_(ERR_POLICY_AMOUNTS))
            break
        amounts[str(level)] = str(amount)
    cleaned["amounts_by_level"] = amounts
    for field in ("per_person_year", "amount_cap"):
        value = cleaned.get(field)
        if value not in (None, ""):
            try:
                cleaned[field] = Decimal(str(value))
            except InvalidOperation:
                errors.setdefault(field, []).append(_(ERR_POLICY_AMOUNTS))
        else:
            cleaned[field] = None
    if kind == rules.APPRENTICESHIP and cleaned.get("per_person_year") is None:
        errors.setdefault("per_person_year", []).append(_(ERR_POLICY_PER_YEAR))
    exclusive = list(cleaned.get("exclusive_with") or [])
    if set(exclusive) - set(SubsidyPolicy.Kind.values):
        errors.setdefault("exclusive_with", []).append(_(ERR_POLICY_EXCLUSIVE))
    cleaned["exclusive_with"] = sorted(set(exclusive) - {kind})
    start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
    if start and end and end < start:
        errors.setdefault("valid_until", []).append(_(ERR_POLICY_DATES))
    if errors:
        raise ApplicationError(_("补贴政策信息有误，请按提示修改。"), errors=errors)
    return cleaned


def _may_write_region(actor: Any, region: Region) -> bool:
    scope = scope_for(actor)
    return scope.write_everything or any(region.code.startswith(p) for p in scope.write_region_prefixes)


@transaction.atomic
def policy_create(*, actor: Any, region: Region, year: int, kind: str, name: str, **data: Any) -> SubsidyPolicy:
    """Record a region's policy for a year. Only bureaus of that region (or above) may."""
    if actor is not None and not _may_write_region(actor, region):
        raise PermissionDeniedError(_(ERR_POLICY_SCOPE))
    if kind not in SubsidyPolicy.Kind.values:
        raise ApplicationError(_(ERR_POLICY_KIND), field="kind")
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise ApplicationError(_("不能设置这些字段：{fields}。").format(fields=enumeration(sorted(unknown))))
    cleaned = _clean_policy({**data, "name": name}, kind)
    if SubsidyPolicy.objects.filter(region=region, year=year, kind=kind).exists():
        raise ApplicationError(_(ERR_POLICY_DUPLICATE).format(
            region=region.name, year=year, kind=SubsidyPolicy.Kind(kind).label), field="year")
    policy = SubsidyPolicy(region=region, year=year, kind=kind, **cleaned)
    policy.full_clean()
    policy.save()
    audit.record("training.subsidy_policy.created", obj=policy, changes=audit.snapshot(policy), actor=actor)
    return policy


@transaction.atomic
def policy_update(*, actor: Any, policy: SubsidyPolicy, **data: Any) -> SubsidyPolicy:
    if actor is not None and not _may_write_region(actor, policy.region):
        raise PermissionDeniedError(_(ERR_POLICY_SCOPE))
    unknown = set(data) - set(POLICY_FIELDS)
    if unknown:
        raise ApplicationError(_("不能设置这些字段：{fields}。").format(fields=enumeration(sorted(unknown))))
    before = audit.snapshot(policy)
    merged = {name: getattr(policy, name) for name in POLICY_FIELDS}
    merged.update(data)
    cleaned = _clean_policy(merged, policy.kind)
    for name in POLICY_FIELDS:
        setattr(policy, name, cleaned[name])
    policy.full_clean()
    policy.save()
    audit.record("training.subsidy_policy.updated", obj=policy, changes=audit.diff(before, audit.snapshot(policy)),
                 actor=actor)
    return policy


def _prior_claims(person: Person, *, exclude: SubsidyClaim | None = None) -> list[rules.PriorClaim]:
    queryset = SubsidyClaim.objects.filter(person=person, status__in=SubsidyClaim.LIVE_STATUSES)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return [
        rules.PriorClaim(kind=c.kind, claim_date=c.claim_date, occupation=c.occupation_code, level=c.level,
                         subject=f"apprenticeship:{c.apprenticeship_id}" if c.apprenticeship_id else "",
                         amount=c.amount)
        for c in queryset
    ]


def claim_facts(
    *,
    policy: SubsidyPolicy,
    claim_date: dt.date,
    occupation_code: str = "",
    level: int | None = None,
    certificate_date: dt.date | None = None,
    insured_months: int = 0,
    is_shortage_occupation: bool = False,
    apprenticeship: Apprenticeship | None = None,
    months_covered: int = 12,
) -> rules.ClaimFacts:
    contract_months = None
    if apprenticeship is not None:
        contract_months = (
            None if apprenticeship.contract_end is None
            else rules.period_months(apprenticeship.contract_start, apprenticeship.contract_end)
        )
        occupation_code = occupation_code or (apprenticeship.occupation.code if apprenticeship.occupation else "")
        level = level if level is not None else apprenticeship.target_level
    return rules.ClaimFacts(
        kind=policy.kind, claim_date=claim_date, occupation=occupation_code, level=level,
        certificate_date=certificate_date, insured_months=insured_months,
        is_shortage_occupation=is_shortage_occupation,
        subject=f"apprenticeship:{apprenticeship.pk}" if apprenticeship is not None else "",
        months_covered=months_covered, contract_months=contract_months,
    )


def subsidy_preview(*, person: Person, policy: SubsidyPolicy, **facts: Any) -> rules.SubsidyAssessment:
    """What a claim would get now, with the reasons; writes nothing."""
    return rules.assess_subsidy(policy.terms(), claim_facts(policy=policy, **facts), _prior_claims(person))


@transaction.atomic
def claim_create(
    *,
    actor: Any,
    policy: SubsidyPolicy,
    person: Person,
    claim_date: dt.date | None = None,
    level: int | None = None,
    occupation_code: str = "",
    occupation_name: str = "",
    certificate: Certificate | None = None,
    certificate_date: dt.date | None = None,
    insured_months: int = 0,
    is_shortage_occupation: bool = False,
    enrollment: Enrollment | None = None,
    apprenticeship: Apprenticeship | None = None,
    months_covered: int = 12,
    note: str = "",
) -> SubsidyClaim:
    """Compute and record a claim. An ineligible claim is recorded as refused with its reasons
    (so the applicant sees why); an eligible one waits for the bureau's approval. Double claims
    are refused by the rules, and, should two requests race, by the database."""
    if actor is not None:
        in_scope = person_queryset(actor, write=True).filter(pk=person.pk).exists() or (
            apprenticeship is not None
            and apprenticeship_queryset(actor, write=True).filter(pk=apprenticeship.pk).exists()
        )
        if not in_scope:
            raise PermissionDeniedError(_(ERR_CLAIM_SCOPE))
    if policy.kind == rules.APPRENTICESHIP:
        if apprenticeship is None:
            raise ApplicationError(_(ERR_CLAIM_APPRENTICESHIP), field="apprenticeship")
        if apprenticeship.apprentice_id != person.pk:
            raise ApplicationError(_(ERR_CLAIM_APPRENTICESHIP_PERSON), field="apprenticeship")
    if certificate is not None:
        level = level if level is not None else certificate.level
        occupation_code = occupation_code or (certificate.occupation.code if certificate.occupation else "")
        occupation_name = occupation_name or certificate.occupation_name
        certificate_date = certificate_date or certificate.issue_date
    if policy.kind != rules.APPRENTICESHIP and level is None:
        raise ApplicationError(_(ERR_CLAIM_LEVEL), field="level")
    person = lock_objects.person_for_update(person)
    day = claim_date or timezone.localdate()
    facts = claim_facts(
        policy=policy, claim_date=day, occupation_code=occupation_code, level=level,
        certificate_date=certificate_date, insured_months=insured_months,
        is_shortage_occupation=is_shortage_occupation, apprenticeship=apprenticeship, months_covered=months_covered,
    )
    assessment = rules.assess_subsidy(policy.terms(), facts, _prior_claims(person))
    if apprenticeship is not None and not occupation_name:
        occupation_name = apprenticeship.occupation_name
    claim = SubsidyClaim(
        policy=policy, kind=policy.kind, person=person,
        employer=apprenticeship.employer if apprenticeship is not None else person.current_employer,
        enrollment=enrollment, apprenticeship=apprenticeship, certificate=certificate,
        occupation_code=facts.occupation, occupation_name=occupation_name, level=facts.level, claim_date=day,
        claim_year=day.year, certificate_date=certificate_date, insured_months=insured_months,
        is_shortage_occupation=is_shortage_occupation, months_covered=months_covered,
        contract_months=facts.contract_months, eligible=assessment.eligible, amount=assessment.amount,
        explanation=assessment.as_json(),
        status=SubsidyClaim.Status.ASSESSED if assessment.eligible else SubsidyClaim.Status.REFUSED,
        note=note.strip(),
    )
    claim.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError:
        raise ApplicationError(_(ERR_CLAIM_DUPLICATE), field="level") from None
    audit.record("training.subsidy_claim.created", obj=claim, changes={
        **audit.snapshot(claim, ["kind", "person", "level", "occupation_code", "amount", "eligible", "status"]),
        "checks": [c.code for c in assessment.failures],
    }, actor=actor)
    return claim


def _require_bureau(actor: Any, claim: SubsidyClaim) -> None:
    if actor is None:
        return
    scope = scope_for(actor)
    if not (scope.everything or scope.has_role(*roles.REGION_ROLES)):
        raise PermissionDeniedError(_(ERR_CLAIM_DECIDE_ROLE))
    if not claim_queryset(actor, write=True).filter(pk=claim.pk).exists():
        raise PermissionDeniedError()


def _move(claim: SubsidyClaim, allowed_from: tuple[str, ...], target: str, action: str) -> str:
    if claim.status not in allowed_from:
        raise ApplicationError(_(ERR_CLAIM_TRANSITION).format(status=claim.get_status_display(), action=action),
                               field="status")
    previous = claim.status
    claim.status = target
    return previous


@transaction.atomic
def claim_approve(*, actor: Any, claim: SubsidyClaim, note: str = "") -> SubsidyClaim:
    _require_bureau(actor, claim)
    claim = lock_objects.lock(claim)
    previous = _move(claim, (SubsidyClaim.Status.ASSESSED,), SubsidyClaim.Status.APPROVED, _("审核"))
    claim.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    claim.note = note.strip() or claim.note
    claim.save(update_fields=["status", "decided_by", "note", "updated_at"])
    audit.record("training.subsidy_claim.approved", obj=claim, changes={"status": [previous, claim.status]},
                 actor=actor)
    return claim


@transaction.atomic
def claim_mark_paid(*, actor: Any, claim: SubsidyClaim, paid_on: dt.date | None = None) -> SubsidyClaim:
    _require_bureau(actor, claim)
    claim = lock_objects.lock(claim)
    previous = _move(claim, (SubsidyClaim.Status.APPROVED,), SubsidyClaim.Status.PAID, _("标记发放"))
    claim.paid_on = paid_on or timezone.localdate()
    claim.save(update_fields=["status", "paid_on", "updated_at"])
    audit.record("training.subsidy_claim.paid", obj=claim,
                 changes={"status": [previous, claim.status], "paid_on": claim.paid_on}, actor=actor)
    return claim


@transaction.atomic
def claim_cancel(*, actor: Any, claim: SubsidyClaim, reason: str) -> SubsidyClaim:
    """Withdraw a claim not yet paid; it then no longer counts against the person's limits."""
    if actor is not None and not claim_queryset(actor, write=True).filter(pk=claim.pk).exists():
        raise PermissionDeniedError()
    if not (reason or "").strip():
        raise ApplicationError(_(ERR_CANCEL_REASON), field="reason")
    claim = lock_objects.lock(claim)
    previous = _move(claim, (SubsidyClaim.Status.ASSESSED, SubsidyClaim.Status.APPROVED),
                     SubsidyClaim.Status.CANCELLED, _("撤销"))
    claim.note = reason.strip()[:300]
    claim.save(update_fields=["status", "note", "updated_at"])
    audit.record("training.subsidy_claim.cancelled", obj=claim,
                 changes={"status": [previous, claim.status], "reason": reason}, actor=actor)
    return claim
