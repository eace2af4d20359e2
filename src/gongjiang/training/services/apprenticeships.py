"""Apprenticeship agreements, their status machine, progress reviews and mentor allowances."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.models import Occupation
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import RuleError
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people.models import Person
from gongjiang.training import lock_objects, rules
from gongjiang.training.models import (
    Apprenticeship,
    ApprenticeshipStatusChange,
    MentorAllowance,
    ProgressReview,
    TrainingProgram,
)
from gongjiang.training.selectors import apprenticeship_queryset

ERR_EMPLOYER_SCOPE = gettext_noop("用人企业须在您的管理范围内。")
ERR_EMPLOYER_KIND = gettext_noop("用人单位须为企业。")
ERR_SCHOOL_KIND = gettext_noop("培养院校须为技工院校、职业院校或培训机构。")
ERR_MENTOR_IS_APPRENTICE = gettext_noop("导师不能是学徒本人。")
ERR_MENTORS_SAME = gettext_noop("企业导师和院校导师须为两个人（双导师）。")
ERR_ENTERPRISE_MENTOR_EMPLOYER = gettext_noop("企业导师须为用人企业（或其下属单位）的在职人员。")
ERR_APPRENTICE_EMPLOYER = gettext_noop("学徒须为用人企业（或其下属单位）的在职人员（须签订劳动合同）。")
ERR_ALREADY_ACTIVE = gettext_noop("{name} 已有一项未结束的学徒培养，不能重复登记。")
ERR_TARGET_LEVEL = gettext_noop("企业新型学徒制的培养目标应为中级工、高级工、技师或高级技师。")
ERR_KIND = gettext_noop("学徒类型不正确。")
ERR_SIDE = gettext_noop("签字方应为企业导师（enterprise）或院校导师（school）。")
ERR_NOT_MENTOR = gettext_noop("只有该学徒的{side}本人（或其所在单位的管理员）可以签字。")
ERR_ALREADY_SIGNED = gettext_noop("{side}已签字，不能重复签字。")
ERR_REVIEW_STATE = gettext_noop("学徒培养状态为“{status}”，不能新增培养进度考核。")
ERR_REVIEW_DATE = gettext_noop("考核日期不能早于培养期开始日期，也不能晚于今天。")
ERR_ALLOWANCE_MENTOR = gettext_noop("带徒津贴只能发给该学徒的企业导师或院校导师。")
ERR_ALLOWANCE_AMOUNT = gettext_noop("津贴金额须为大于 0 的数字。")
ERR_ALLOWANCE_PERIOD = gettext_noop("津贴期间的结束日期不能早于开始日期。")
ERR_ALLOWANCE_DUPLICATE = gettext_noop("该导师这一期间的带徒津贴已登记。")

SCHOOL_KINDS = (
    Organization.Kind.TECHNICAL_COLLEGE, Organization.Kind.VOCATIONAL_SCHOOL, Organization.Kind.TRAINING_INSTITUTION,
)
ENTERPRISE_NEW_TYPE_LEVELS = (2, 3, 4, 5)  # 中级工、高级工、技师、高级技师 (DOMAIN.md §9, 2021)
SIDE_LABELS = {"enterprise": "企业导师", "school": "院校导师"}


def _works_at(person: Person, organization: Organization) -> bool:
    employer = person.current_employer
    return employer is not None and employer.path.startswith(organization.path)


def _may_write(actor: Any, apprenticeship: Apprenticeship) -> bool:
    return apprenticeship_queryset(actor, write=True).filter(pk=apprenticeship.pk).exists()


@transaction.atomic
def apprenticeship_create(
    *,
    actor: Any,
    kind: str,
    apprentice: Person,
    employer: Organization,
    school: Organization,
    enterprise_mentor: Person,
    school_mentor: Person,
    target_level: int,
    start_date: dt.date,
    planned_end_date: dt.date,
    contract_start: dt.date,
    contract_end: dt.date | None = None,
    occupation: Occupation | None = None,
    occupation_name: str = "",
    extension_reason: str = "",
    program: TrainingProgram | None = None,
    agreement_number: str = "",
    notes: str = "",
) -> Apprenticeship:
    """Register an apprenticeship agreement (status "waiting"). The employer must be in the
    actor's scope; period, labour contract, mentors and level follow DOMAIN.md §9."""
    if actor is not None:
        if not scope_for(actor).can_write:
            raise PermissionDeniedError()
        if not organization_queryset(actor, write=True).filter(pk=employer.pk).exists() and not (
            organization_queryset(actor, write=True).filter(pk=school.pk).exists()
        ):
            raise ApplicationError(_(ERR_EMPLOYER_SCOPE), field="employer")
    errors: dict[str, list[str]] = {}
    if kind not in Apprenticeship.Kind.values:
        errors.setdefault("kind", []).append(_(ERR_KIND))
    if employer.kind != Organization.Kind.ENTERPRISE:
        errors.setdefault("employer", []).append(_(ERR_EMPLOYER_KIND))
    if school.kind not in SCHOOL_KINDS:
        errors.setdefault("school", []).append(_(ERR_SCHOOL_KIND))
    if apprentice.pk in (enterprise_mentor.pk, school_mentor.pk):
        errors.setdefault("enterprise_mentor", []).append(_(ERR_MENTOR_IS_APPRENTICE))
    if enterprise_mentor.pk == school_mentor.pk:
        errors.setdefault("school_mentor", []).append(_(ERR_MENTORS_SAME))
    if not _works_at(enterprise_mentor, employer):
        errors.setdefault("enterprise_mentor", []).append(_(ERR_ENTERPRISE_MENTOR_EMPLOYER))
    if kind == Apprenticeship.Kind.ENTERPRISE_NEW_TYPE:
        if not _works_at(apprentice, employer):
            errors.setdefault("apprentice", []).append(_(ERR_APPRENTICE_EMPLOYER))
        if int(target_level) not in ENTERPRISE_NEW_TYPE_LEVELS:
            errors.setdefault("target_level", []).append(_(ERR_TARGET_LEVEL))
    try:
        rules.check_period(start=start_date, end=planned_end_date, extension_reason=extension_reason)
    except RuleError as exc:
        errors.setdefault("planned_end_date", []).append(str(exc.message))
    try:
        rules.check_labour_contract(start=contract_start, end=contract_end)
    except RuleError as exc:
        errors.setdefault("contract_end", []).append(str(exc.message))
    if Apprenticeship.objects.filter(apprentice=apprentice, status__in=(
        Apprenticeship.Status.WAITING, Apprenticeship.Status.ACTIVE, Apprenticeship.Status.PAUSED
    )).exists():
        errors.setdefault("apprentice", []).append(_(ERR_ALREADY_ACTIVE).format(name=apprentice.name))
    if errors:
        raise ApplicationError(_("学徒培养信息有误，请按提示修改。"), errors=errors)
    apprenticeship = Apprenticeship(
        kind=kind, apprentice=apprentice, employer=employer, school=school, enterprise_mentor=enterprise_mentor,
        school_mentor=school_mentor, target_level=target_level, start_date=start_date,
        planned_end_date=planned_end_date, extension_reason=extension_reason.strip(), contract_start=contract_start,
        contract_end=contract_end, occupation=occupation,
        occupation_name=occupation_name or (occupation.name if occupation else ""), program=program,
        agreement_number=agreement_number.strip(), notes=notes, status=Apprenticeship.Status.WAITING,
    )
    apprenticeship.full_clean()
    apprenticeship.save()
    ApprenticeshipStatusChange.objects.create(
        apprenticeship=apprenticeship, from_status="", to_status=Apprenticeship.Status.WAITING,
        # A registration made after the period began is dated at its start, so history stays in order.
        changed_on=min(timezone.localdate(), start_date), reason=_("签订培养协议，登记学徒"),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record("training.apprenticeship.created", obj=apprenticeship, changes=audit.snapshot(apprenticeship),
                 actor=actor)
    return apprenticeship


@transaction.atomic
def apprenticeship_change_status(
    *, actor: Any, apprenticeship: Apprenticeship, status: str, on: dt.date, reason: str
) -> Apprenticeship:
    """Move an apprenticeship along waiting → active → paused/stopped → completed, dated and
    reasoned; completing needs a progress review signed by both mentors."""
    if actor is not None and not _may_write(actor, apprenticeship):
        raise PermissionDeniedError()
    apprenticeship = lock_objects.apprenticeship_for_update(apprenticeship)
    last = apprenticeship.status_changes.order_by("-changed_on", "-id").first()
    signed = sum(1 for review in apprenticeship.reviews.all() if review.is_fully_signed)
    try:
        rules.check_transition(
            current=apprenticeship.status, target=status, on=on, reason=reason,
            last_change_on=last.changed_on if last and last.from_status else None,
            start_date=apprenticeship.start_date, fully_signed_reviews=signed,
        )
    except RuleError as exc:
        raise ApplicationError(exc.message, field="reason" if exc.code == "reason" else "status") from None
    if on > timezone.localdate():
        raise ApplicationError(_("变更日期不能晚于今天。"), field="on")
    previous = apprenticeship.status
    ApprenticeshipStatusChange.objects.create(
        apprenticeship=apprenticeship, from_status=previous, to_status=status, changed_on=on, reason=reason.strip(),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    apprenticeship.status = status
    apprenticeship.status_changed_on = on
    apprenticeship.save(update_fields=["status", "status_changed_on", "updated_at"])
    audit.record("training.apprenticeship.status_changed", obj=apprenticeship,
                 changes={"status": [previous, status], "on": on, "reason": reason}, actor=actor)
    return apprenticeship


@transaction.atomic
def review_create(
    *, actor: Any, apprenticeship: Apprenticeship, period_label: str, review_date: dt.date, progress_percent: int,
    summary: str,
) -> ProgressReview:
    if actor is not None and not _may_write(actor, apprenticeship):
        raise PermissionDeniedError()
    apprenticeship = lock_objects.apprenticeship_for_update(apprenticeship)
    if apprenticeship.status not in (Apprenticeship.Status.ACTIVE, Apprenticeship.Status.PAUSED):
        raise ApplicationError(_(ERR_REVIEW_STATE).format(status=apprenticeship.get_status_display()))
    if review_date < apprenticeship.start_date or review_date > timezone.localdate():
        raise ApplicationError(_(ERR_REVIEW_DATE), field="review_date")
    review = ProgressReview(apprenticeship=apprenticeship, period_label=period_label.strip(), review_date=review_date,
                            progress_percent=progress_percent, summary=summary.strip())
    review.full_clean()
    review.save()
    audit.record("training.review.created", obj=review, changes=audit.snapshot(review), actor=actor)
    return review


def _may_sign(actor: Any, apprenticeship: Apprenticeship, side: str) -> bool:
    mentor = apprenticeship.enterprise_mentor if side == "enterprise" else apprenticeship.school_mentor
    organization = apprenticeship.employer if side == "enterprise" else apprenticeship.school
    if getattr(getattr(actor, "person", None), "pk", None) == mentor.pk:
        return True
    return organization_queryset(actor, write=True).filter(pk=organization.pk).exists()


@transaction.atomic
def review_sign(*, actor: Any, review: ProgressReview, side: str) -> ProgressReview:
    """A mentor signs a progress review: the mentor themselves, or an administrator of the
    mentor's organisation signing on their behalf (recorded as such)."""
    if side not in SIDE_LABELS:
        raise ApplicationError(_(ERR_SIDE), field="side")
    review = lock_objects.lock(review)
    apprenticeship = review.apprenticeship
    label = _(SIDE_LABELS[side])
    if actor is not None and not _may_sign(actor, apprenticeship, side):
        raise PermissionDeniedError(_(ERR_NOT_MENTOR).format(side=label))
    at_field, by_field = f"{side}_signed_at", f"{side}_signed_by"
    if getattr(review, at_field) is not None:
        raise ApplicationError(_(ERR_ALREADY_SIGNED).format(side=label), field="side")
    setattr(review, at_field, timezone.now())
    setattr(review, by_field, actor if getattr(actor, "is_authenticated", False) else None)
    review.save(update_fields=[at_field, by_field, "updated_at"])
    on_behalf = getattr(getattr(actor, "person", None), "pk", None) != (
        apprenticeship.enterprise_mentor_id if side == "enterprise" else apprenticeship.school_mentor_id
    )
    audit.record("training.review.signed", obj=review, changes={"side": side, "on_behalf": on_behalf}, actor=actor)
    return review


@transaction.atomic
def mentor_allowance_record(
    *, actor: Any, apprenticeship: Apprenticeship, mentor: Person, period_start: dt.date, period_end: dt.date,
    amount: Any, paid_on: dt.date | None = None, note: str = "",
) -> MentorAllowance:
    """Record a mentor allowance (导师带徒津贴) the enterprise set and paid."""
    if actor is not None and not _may_write(actor, apprenticeship):
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    if mentor.pk not in (apprenticeship.enterprise_mentor_id, apprenticeship.school_mentor_id):
        errors.setdefault("mentor", []).append(_(ERR_ALLOWANCE_MENTOR))
    try:
        value = Decimal(str(amount))
        if value <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.setdefault("amount", []).append(_(ERR_ALLOWANCE_AMOUNT))
        value = Decimal("0")
    if period_end < period_start:
        errors.setdefault("period_end", []).append(_(ERR_ALLOWANCE_PERIOD))
    if errors:
        raise ApplicationError(_("带徒津贴信息有误。"), errors=errors)
    allowance = MentorAllowance(apprenticeship=apprenticeship, mentor=mentor, period_start=period_start,
                                period_end=period_end, amount=value, paid_on=paid_on, note=note.strip())
    allowance.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            allowance.save()
    except IntegrityError:
        raise ApplicationError(_(ERR_ALLOWANCE_DUPLICATE), field="period_start") from None
    audit.record("training.mentor_allowance.recorded", obj=allowance, changes=audit.snapshot(allowance), actor=actor)
    return allowance
