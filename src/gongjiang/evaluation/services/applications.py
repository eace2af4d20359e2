"""Applications (申报): by the worker, or in bulk by the employer; eligibility; exceptions (破格)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.core import audit
from gongjiang.core.exceptions import PermissionDeniedError
from gongjiang.core.text import enumeration
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import Application, EvaluationBatch, EvaluationBody
from gongjiang.evaluation.selectors import facts_for
from gongjiang.evaluation.services._common import collect, fail, raise_if, require_batch_write
from gongjiang.orgs.models import Organization
from gongjiang.orgs.scope import organization_queryset, scope_for
from gongjiang.people.models import Person

ERR_NOT_OPEN = gettext_noop("批次“{name}”当前为“{state}”，不接受申报。")
ERR_WINDOW = gettext_noop("不在报名时间内（{opens} 至 {closes}）。")
ERR_GRADE = gettext_noop("申报等级应为本批次的认定等级：{grades}。")
ERR_DUPLICATE = gettext_noop("{name}已申报本批次，不能重复申报。")
ERR_CAPACITY = gettext_noop("本批次计划 {capacity} 人，已额满。")
ERR_SELF_ONLY = gettext_noop("个人只能为本人申报。")
ERR_NOT_EMPLOYEE = gettext_noop("{name}不是本单位在职人员，不能由本单位集体申报。")
ERR_ROUTE = gettext_noop("申报方式应为正常申报、直接认定或破格晋升。")
ERR_ROUTE_BODY = gettext_noop("直接认定和破格晋升只适用于企业自主评价（Y 类）机构，且只限本企业职工。")
ERR_DIRECT_GRADE = gettext_noop("直接认定只适用于高级工（三级）及以上等级。")
ERR_GROUNDS = gettext_noop("直接认定或破格晋升须写明依据（业绩、获奖、解决的技术难题等）。")
ERR_EDUCATION = gettext_noop("学历取值不正确。")
ERR_PROGRAM = gettext_noop("培养类别取值不正确：{values}。")
ERR_FLAG = gettext_noop("其他情形取值不正确：{values}。")
ERR_DATE_FUTURE = gettext_noop("{label}不能晚于今天。")
ERR_PRIOR_PAIR = gettext_noop("已有证书等级和发证日期须同时填写。")
ERR_WITHDRAW_STATE = gettext_noop("批次已开考，不能撤回申报。")
ERR_EXCEPTION_STATE = gettext_noop("只有“不符合条件”的申报可以破格受理。")
ERR_EXCEPTION_REASON = gettext_noop("破格受理须填写理由。")
ERR_EXCEPTION_BATCH = gettext_noop("批次已报名截止后开考，不能再破格受理。")
ERR_NOT_IN_BODY_ORG = gettext_noop("{name}不是本企业（或下属单位）职工，企业自主评价只面向本企业职工。")
ERR_UNKNOWN_FACTS = gettext_noop("未知的申报材料项：{fields}。")
ERR_TITLE = gettext_noop("职称取值不正确：初级、中级、高级。")
ERR_INVALID = gettext_noop("申报信息有误，请按提示修改。")
ERR_BULK_ROW = gettext_noop("第 {index} 行（{name}）：{message}")
ERR_BULK_INVALID = gettext_noop("集体申报有误，请按提示修改（未保存任何一行）。")

FACT_FIELDS = (
    "occupation_start", "prior_grade", "prior_certificate_number", "prior_certificate_date", "education",
    "education_related", "is_graduating", "programs", "title_level", "title_date", "apprenticeship_completed", "flags",
)


def _clean_facts(facts: dict[str, Any], errors: dict[str, list[str]], prefix: str = "") -> dict[str, Any]:
    unknown = set(facts) - set(FACT_FIELDS)
    if unknown:
        collect(errors, prefix + "facts", ERR_UNKNOWN_FACTS, fields=enumeration(sorted(unknown)))
    clean = {key: facts[key] for key in FACT_FIELDS if key in facts and facts[key] not in (None, "")}
    today = timezone.localdate()
    for field, label in (("occupation_start", "开始从事本职业工作日期"), ("prior_certificate_date", "已有证书发证日期"),
                         ("title_date", "职称取得日期")):
        if field in clean and clean[field] > today:
            collect(errors, prefix + field, ERR_DATE_FUTURE, label=label)
    if "education" in clean and clean["education"] not in Person.Education.values:
        collect(errors, prefix + "education", ERR_EDUCATION)
    if bool(clean.get("prior_grade")) != bool(clean.get("prior_certificate_date")):
        collect(errors, prefix + "prior_grade", ERR_PRIOR_PAIR)
    bad_programs = set(clean.get("programs", [])) - set(rules.PROGRAM_LABELS)
    if bad_programs:
        collect(errors, prefix + "programs", ERR_PROGRAM, values=enumeration(sorted(bad_programs)))
    bad_flags = set(clean.get("flags", [])) - set(rules.FLAG_LABELS)
    if bad_flags:
        collect(errors, prefix + "flags", ERR_FLAG, values=enumeration(sorted(bad_flags)))
    if "title_level" in clean and clean["title_level"] not in Application.Title.values:
        collect(errors, prefix + "title_level", ERR_TITLE)
    return clean


def _check_batch_accepts(batch: EvaluationBatch, grade: int, errors: dict[str, list[str]]) -> None:
    today = timezone.localdate()
    if batch.status != EvaluationBatch.Status.OPEN:
        collect(errors, "batch", ERR_NOT_OPEN, name=batch.name, state=batch.get_status_display())
    elif not batch.applications_open <= today <= batch.applications_close:
        collect(errors, "batch", ERR_WINDOW, opens=batch.applications_open, closes=batch.applications_close)
    if grade not in batch.grades:
        collect(errors, "grade", ERR_GRADE, grades=batch.grade_names)


def _in_body_organization(body: EvaluationBody, person: Person) -> bool:
    employer = person.current_employer
    return employer is not None and employer.path.startswith(body.organization.path)


def _decide(application: Application) -> None:
    """Apply the rule set (regular route) and set status and the explanation."""
    if application.route != Application.Route.REGULAR:
        application.status = Application.Status.ACCEPTED
        application.eligibility = {
            "grade": application.grade, "eligible": True, "met": application.route,
            "explanation": f"{Application.Route(application.route).label}：{application.get_grounds_kind_display() or ''}"
                           f"{application.grounds[:200]}",
            "alternatives": [],
        }
        return
    result = rules.evaluate(application.batch.rule_set.as_rule_data(), application.grade, facts_for(application))
    application.eligibility = result.as_dict()
    application.status = Application.Status.ACCEPTED if result.eligible else Application.Status.REFUSED


def _build(
    *, actor: Any, batch: EvaluationBatch, person: Person, grade: int, facts: dict[str, Any], route: str,
    grounds_kind: str, grounds: str, is_bulk: bool, errors: dict[str, list[str]], prefix: str = "",
) -> Application | None:
    clean = _clean_facts(facts, errors, prefix)
    if route not in Application.Route.values:
        collect(errors, prefix + "route", ERR_ROUTE)
    elif route != Application.Route.REGULAR:
        if batch.body.category != EvaluationBody.Category.EMPLOYER or not _in_body_organization(batch.body, person):
            collect(errors, prefix + "route", ERR_ROUTE_BODY)
        if route == Application.Route.DIRECT and grade > 3:
            collect(errors, prefix + "grade", ERR_DIRECT_GRADE)
        if not grounds.strip() or grounds_kind not in Application.Grounds.values:
            collect(errors, prefix + "grounds", ERR_GROUNDS)
    if batch.body.category == EvaluationBody.Category.EMPLOYER and not _in_body_organization(batch.body, person):
        collect(errors, prefix + "person", ERR_NOT_IN_BODY_ORG, name=person.name)
    if Application.objects.filter(batch=batch, person=person).exclude(status=Application.Status.WITHDRAWN).exists():
        collect(errors, prefix + "person", ERR_DUPLICATE, name=person.name)
    application = Application(
        batch=batch, person=person, grade=grade, route=route, grounds_kind=grounds_kind if route != "regular" else "",
        grounds=grounds.strip() if route != "regular" else "", employer=person.current_employer,
        applied_by=actor if getattr(actor, "is_authenticated", False) else None, is_bulk=is_bulk,
        **clean,
    )
    return application


def _save(application: Application, actor: Any) -> Application:
    _decide(application)
    application.full_clean(exclude=["eligibility"])
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise fail(ERR_DUPLICATE, "person", name=application.person.name) from None
    audit.record(
        "evaluation.application.submitted", obj=application,
        changes={"batch": application.batch_id, "person": application.person_id, "grade": application.grade,
                 "route": application.route, "status": application.status, "met": application.eligibility.get("met"),
                 "bulk": application.is_bulk},
        actor=actor,
    )
    return application


def _check_capacity(batch: EvaluationBatch, adding: int) -> None:
    if batch.capacity:
        taken = batch.applications.filter(status=Application.Status.ACCEPTED).count()
        if taken + adding > batch.capacity:
            raise fail(ERR_CAPACITY, "batch", capacity=batch.capacity)


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    batch: EvaluationBatch,
    person: Person,
    grade: int,
    facts: dict[str, Any] | None = None,
    route: str = Application.Route.REGULAR,
    grounds_kind: str = "",
    grounds: str = "",
) -> Application:
    """A worker applies for themselves (or staff apply for one person in their scope).

    The rule set decides at once: the application is accepted, or refused with the Chinese
    explanation of what is missing (kept on the record so an admin may grant 破格)."""
    batch = EvaluationBatch.objects.select_for_update(of=("self",)).select_related("body", "body__organization", "rule_set").get(pk=batch.pk)
    if actor is not None:
        scope = scope_for(actor)
        own = getattr(getattr(actor, "person", None), "pk", None) == person.pk
        employer = person.current_employer
        staff = (
            (employer is not None and organization_queryset(actor, write=True).filter(pk=employer.pk).exists())
            or scope.write_everything
        )
        if not own and not staff:
            raise PermissionDeniedError(_(ERR_SELF_ONLY))
        if route != Application.Route.REGULAR and not staff:
            raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    _check_batch_accepts(batch, grade, errors)
    application = _build(
        actor=actor, batch=batch, person=person, grade=grade, facts=facts or {}, route=route,
        grounds_kind=grounds_kind, grounds=grounds, is_bulk=False, errors=errors,
    )
    raise_if(errors, ERR_INVALID)
    assert application is not None
    _decide(application)
    if application.status == Application.Status.ACCEPTED:
        _check_capacity(batch, 1)
    return _save(application, actor)


@transaction.atomic
def application_bulk_submit(
    *, actor: Any, batch: EvaluationBatch, employer: Organization, rows: list[dict[str, Any]]
) -> list[Application]:
    """An employer applies for several of its staff at once. ``rows``: ``person``, ``grade`` and
    the facts. All or nothing: any invalid row refuses the whole submission with the row named;
    ineligible people are recorded as refused with their explanation, like single applications."""
    batch = EvaluationBatch.objects.select_for_update(of=("self",)).select_related("body", "body__organization", "rule_set").get(pk=batch.pk)
    if actor is not None and not organization_queryset(actor, write=True).filter(pk=employer.pk).exists():
        raise PermissionDeniedError()
    errors: dict[str, list[str]] = {}
    built: list[Application] = []
    seen: set[int] = set()
    for index, row in enumerate(rows, start=1):
        prefix = f"row{index}."
        person: Person = row["person"]
        grade = int(row.get("grade") or 0)
        row_errors: dict[str, list[str]] = {}
        employer_path = person.current_employer.path if person.current_employer else ""
        if not employer_path.startswith(employer.path):
            collect(row_errors, prefix + "person", ERR_NOT_EMPLOYEE, name=person.name)
        if person.pk in seen:
            collect(row_errors, prefix + "person", ERR_DUPLICATE, name=person.name)
        seen.add(person.pk)
        if grade not in batch.grades:
            collect(row_errors, prefix + "grade", ERR_GRADE, grades=batch.grade_names)
        facts = {k: v for k, v in row.items() if k in FACT_FIELDS}
        application = _build(
            actor=actor, batch=batch, person=person, grade=grade, facts=facts,
            route=row.get("route", Application.Route.REGULAR), grounds_kind=row.get("grounds_kind", ""),
            grounds=row.get("grounds", ""), is_bulk=True, errors=row_errors, prefix=prefix,
        )
        for key, messages in row_errors.items():
            errors.setdefault(key, []).extend(_(ERR_BULK_ROW).format(index=index, name=person.name, message=m) for m in messages)
        if application is not None:
            built.append(application)
    batch_errors: dict[str, list[str]] = {}
    _check_batch_accepts(batch, batch.grades[0] if batch.grades else 0, batch_errors)
    errors.update(batch_errors)
    raise_if(errors, ERR_BULK_INVALID)
    for application in built:
        _decide(application)
    _check_capacity(batch, sum(1 for a in built if a.status == Application.Status.ACCEPTED))
    saved = [_save(application, actor) for application in built]
    audit.record("evaluation.application.bulk_submitted", obj=batch,
                 changes={"employer": employer.pk, "count": len(saved)}, actor=actor)
    return saved


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application) -> Application:
    """The applicant (or the body) withdraws before the exams start."""
    application = Application.objects.select_for_update(of=("self",)).select_related("batch").get(pk=application.pk)
    own = getattr(getattr(actor, "person", None), "pk", None) == application.person_id
    if actor is not None and not own:
        require_batch_write(actor, application.batch)
    if application.batch.status not in (EvaluationBatch.Status.OPEN, EvaluationBatch.Status.CLOSED):
        raise fail(ERR_WITHDRAW_STATE, "status")
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit.record("evaluation.application.withdrawn", obj=application, actor=actor)
    return application


@transaction.atomic
def application_approve_exception(*, actor: Any, application: Application, reason: str) -> Application:
    """破格: an administrator accepts an application the rule set refused, with a reason."""
    require_batch_write(actor, application.batch)
    application = Application.objects.select_for_update(of=("self",)).select_related("batch").get(pk=application.pk)
    if application.status != Application.Status.REFUSED:
        raise fail(ERR_EXCEPTION_STATE, "status")
    if not (reason or "").strip():
        raise fail(ERR_EXCEPTION_REASON, "reason")
    if application.batch.status not in (EvaluationBatch.Status.OPEN, EvaluationBatch.Status.CLOSED):
        raise fail(ERR_EXCEPTION_BATCH, "status")
    _check_capacity(application.batch, 1)
    application.status = Application.Status.ACCEPTED
    application.is_exception = True
    application.exception_reason = reason.strip()[:300]
    application.exception_by = actor if getattr(actor, "is_authenticated", False) else None
    application.save(update_fields=["status", "is_exception", "exception_reason", "exception_by", "updated_at"])
    audit.record("evaluation.application.exception_approved", obj=application,
                 changes={"reason": application.exception_reason}, actor=actor)
    return application


def eligibility_preview(*, batch: EvaluationBatch, person: Person, grade: int, facts: dict[str, Any],
                        on: dt.date | None = None) -> rules.Eligibility:
    """What the engine would say, without saving (the application form shows it live)."""
    application = Application(batch=batch, person=person, grade=grade,
                              **{k: v for k, v in facts.items() if k in FACT_FIELDS})
    return rules.evaluate(batch.rule_set.as_rule_data(), grade, facts_for(application, on=on))

