"""Reads of evaluation data, always inside the user's data scope (orgs.scope).

* a body's own staff (its organisation's admins and staff) see the body and its batches;
* bureaus see the bodies of their region and everything under them;
* an employer's admins see the applications of their staff;
* a worker sees their own applications;
* an evaluator sees the score sheets of the batches they are assigned to.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gongjiang.catalog.levels import national_grade
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import (
    Application,
    EligibilityRuleSet,
    EvaluationBatch,
    EvaluationBody,
    Evaluator,
    EvaluatorAssignment,
    Objection,
    ScoreSheet,
)
from gongjiang.orgs import scope as data_scope
from gongjiang.people.models import Certificate

BODY_REGION = ("organization__region__code",)
BODY_ORG = ("organization",)
BATCH_REGION = ("body__organization__region__code",)
BATCH_ORG = ("body__organization",)


def body_queryset(user: Any, *, write: bool = False) -> QuerySet[EvaluationBody]:
    return data_scope.filter_queryset(
        EvaluationBody.objects.all(), user, region_fields=BODY_REGION, org_fields=BODY_ORG, write=write
    )


def body_filing_queryset(user: Any) -> QuerySet[EvaluationBody]:
    """Bodies the user may file, suspend or revoke: bureaus (by region) and platform admins only."""
    return data_scope.filter_queryset(
        EvaluationBody.objects.all(), user, region_fields=BODY_REGION, write=True
    )


def can_file_bodies(user: Any) -> bool:
    scope = data_scope.scope_for(user)
    return scope.write_everything or bool(scope.write_region_prefixes)


def body_list(*, user: Any, q: str = "", status: str = "") -> QuerySet[EvaluationBody]:
    queryset = body_queryset(user).select_related("organization", "organization__region").annotate(
        batch_count=Count("batches", distinct=True)
    )
    if q:
        queryset = queryset.filter(Q(filed_name__icontains=q) | Q(filing_number__icontains=q))
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("filed_name", "id")


def body_get_for_user(*, user: Any, pk: int, write: bool = False) -> EvaluationBody:
    try:
        return body_queryset(user, write=write).select_related("organization").get(pk=pk)
    except (EvaluationBody.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def batch_queryset(user: Any, *, write: bool = False) -> QuerySet[EvaluationBatch]:
    queryset = data_scope.filter_queryset(
        EvaluationBatch.objects.all(), user, region_fields=BATCH_REGION, org_fields=BATCH_ORG, write=write
    )
    if not write:
        # Evaluators see the batches they are assigned to; workers see batches they applied to.
        scope = data_scope.scope_for(user)
        if not scope.everything and getattr(user, "is_authenticated", False):
            queryset = EvaluationBatch.objects.filter(
                Q(pk__in=queryset.values("pk"))
                | Q(assignments__evaluator__person__user=user)
                | Q(applications__person__user=user)
            ).distinct()
    return queryset


def open_batches() -> QuerySet[EvaluationBatch]:
    """Batches accepting applications: any worker may see and apply to them."""
    return EvaluationBatch.objects.filter(status=EvaluationBatch.Status.OPEN).select_related(
        "body", "occupation", "work_type"
    )


def batch_list(*, user: Any, status: str = "", body: int | None = None, q: str = "") -> QuerySet[EvaluationBatch]:
    queryset = batch_queryset(user).select_related("body", "occupation", "work_type").annotate(
        application_count=Count("applications", filter=~Q(applications__status="withdrawn"), distinct=True)
    )
    if status:
        queryset = queryset.filter(status=status)
    if body:
        queryset = queryset.filter(body_id=body)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(occupation__name__icontains=q))
    return queryset.order_by("-applications_open", "-id")


def batch_get_for_user(*, user: Any, pk: int, write: bool = False) -> EvaluationBatch:
    try:
        return batch_queryset(user, write=write).select_related(
            "body", "body__organization", "occupation", "work_type", "rule_set"
        ).get(pk=pk)
    except (EvaluationBatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def application_queryset(user: Any, *, write: bool = False) -> QuerySet[Application]:
    if write:
        return data_scope.filter_queryset(
            Application.objects.all(), user,
            region_fields=("batch__body__organization__region__code",), org_fields=("batch__body__organization",),
            write=True,
        )
    return data_scope.filter_queryset(
        Application.objects.all(), user,
        region_fields=("batch__body__organization__region__code",),
        org_fields=("batch__body__organization", "employer"),
        person_fields=("person_id",),
    )


def application_list(*, user: Any, batch: EvaluationBatch | None = None, status: str = "", result: str = "") -> QuerySet[Application]:
    queryset = application_queryset(user).select_related("person", "batch", "employer", "certificate")
    if batch is not None:
        queryset = queryset.filter(batch=batch)
    if status:
        queryset = queryset.filter(status=status)
    if result:
        queryset = queryset.filter(result=result)
    return queryset.order_by("batch", "id")


def application_get_for_user(*, user: Any, pk: int, write: bool = False) -> Application:
    try:
        return application_queryset(user, write=write).select_related(
            "person", "batch", "batch__body", "batch__occupation", "employer", "certificate"
        ).get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def rule_set_for(occupation: Any) -> EligibilityRuleSet:
    """The rule set a new batch of this occupation uses: the occupation's own, else the 2018 template."""
    own = EligibilityRuleSet.objects.filter(occupation=occupation, is_active=True).order_by("-id").first()
    if own is not None:
        return own
    template = EligibilityRuleSet.objects.filter(
        occupation__isnull=True, template=EligibilityRuleSet.Template.T2018, is_active=True
    ).order_by("id").first()
    if template is None:
        template = EligibilityRuleSet.objects.filter(occupation__isnull=True, is_active=True).order_by("id").first()
    if template is None:
        template = ensure_template_rule_sets()[0]
    return template


def ensure_template_rule_sets() -> list[EligibilityRuleSet]:
    """The shipped templates (2018, relaxed) as rule sets, created if missing (migration 0002
    seeds them; this covers a database whose rows were removed)."""
    found = []
    for name in ("2018", "relaxed"):
        data = rules.load_template(name)
        rule_set = EligibilityRuleSet.objects.filter(occupation__isnull=True, template=data["template"]).first()
        if rule_set is None:
            rule_set = EligibilityRuleSet.objects.create(
                name=data["name"], template=data["template"], source=data["source"], grades=data["grades"]
            )
        found.append(rule_set)
    return found


def facts_for(application: Application, *, on: dt.date | None = None) -> rules.Facts:
    """The facts the eligibility engine checks: what was declared plus the registry's certificates
    of the batch's occupation or a related one (rule set ``related_occupations``)."""
    batch = application.batch
    person = application.person
    related = set(batch.rule_set.related_occupations or [])
    priors: list[rules.PriorCertificate] = []
    certificates = Certificate.objects.filter(
        holder=person, status=Certificate.Status.VALID, level__gte=1, level__lte=5,
        kind__in=[Certificate.Kind.SKILL_LEVEL, Certificate.Kind.QUALIFICATION],
    ).filter(Q(occupation=batch.occupation) | Q(occupation__code__in=related))
    for certificate in certificates:
        grade = national_grade(certificate.level) if certificate.level is not None else None
        if grade is not None:
            priors.append(rules.PriorCertificate(grade=grade, issued_on=certificate.issue_date))
    if application.prior_grade and application.prior_certificate_date:
        priors.append(rules.PriorCertificate(grade=application.prior_grade, issued_on=application.prior_certificate_date))
    return rules.Facts(
        on=on or batch.applications_close,
        birth_date=person.birth_date,
        occupation_start=application.occupation_start,
        prior_certificates=tuple(priors),
        education=application.education or person.education or "",
        education_related=application.education_related,
        is_graduating=application.is_graduating,
        programs=frozenset(application.programs or []),
        title_level=application.title_level or "",
        title_date=application.title_date,
        apprenticeship_completed=application.apprenticeship_completed,
        flags=frozenset(application.flags or []),
    )


def evaluator_for_user(user: Any, body: EvaluationBody) -> Evaluator | None:
    """The active roster entry of the signed-in user at ``body`` (evaluators log in as themselves)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Evaluator.objects.filter(body=body, person__user=user, is_active=True)
        .exclude(role=Evaluator.Role.SUPERVISOR)
        .select_related("person")
        .first()
    )


def assignments_for(batch: EvaluationBatch) -> QuerySet[EvaluatorAssignment]:
    return batch.assignments.select_related("evaluator", "evaluator__person", "evaluator__person__current_employer")


def sheet_list(*, batch: EvaluationBatch) -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.filter(application__batch=batch).select_related(
        "application", "application__person", "recheck_by__person"
    ).prefetch_related("entries__evaluator__person").order_by("application_id", "component")


def pass_list(batch: EvaluationBatch) -> QuerySet[Application]:
    return batch.applications.filter(result=Application.Result.PASSED).select_related("person").order_by("id")


def open_objections(batch: EvaluationBatch) -> QuerySet[Objection]:
    return batch.objections.filter(status=Objection.Status.OPEN)


# --- Upward reporting (证书上报) --------------------------------------------------------------

REPORT_COLUMNS = [
    ("certificate_number", "证书编号"),
    ("name", "姓名"),
    ("id_type", "证件类型"),
    ("id_number", "证件号码"),
    ("sex", "性别"),
    ("occupation_code", "职业编码"),
    ("occupation_name", "职业名称"),
    ("work_type", "工种/职业方向"),
    ("level_code", "等级代码"),
    ("level_name", "职业技能等级"),
    ("theory_score", "理论知识考试成绩"),
    ("practical_score", "技能考核成绩"),
    ("review_score", "综合评审成绩"),
    ("issue_date", "发证日期"),
    ("body_name", "评价机构名称"),
    ("body_code", "评价机构代码"),
    ("batch", "认定批次"),
    ("status", "证书状态"),
]


def report_rows(batch: EvaluationBatch) -> list[dict[str, str]]:
    """One row per certificate the batch issued, for the provincial authority (docs/formats).

    Contains full ID numbers: only for the export service, which checks scope and logs it."""
    from gongjiang.core.crypto import get_provider
    from gongjiang.people.services import ID_CIPHER_AAD

    provider = get_provider()
    rows = []
    applications = batch.applications.filter(certificate__isnull=False).select_related(
        "person", "certificate", "batch__occupation", "batch__work_type", "batch__body"
    ).prefetch_related("score_sheets").order_by("certificate__number")
    for application in applications:
        person = application.person
        certificate = application.certificate
        assert certificate is not None
        scores = {s.component: s.score for s in application.score_sheets.all()}
        rows.append({
            "certificate_number": certificate.number,
            "name": person.name,
            "id_type": person.get_id_type_display(),
            "id_number": provider.decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD),
            "sex": person.get_sex_display(),
            "occupation_code": batch.occupation.code,
            "occupation_name": batch.occupation.name,
            "work_type": batch.work_type.name if batch.work_type else "--",
            "level_code": str(application.grade),
            "level_name": rules.GRADE_NAMES[application.grade],
            "theory_score": _fmt(scores.get("theory")),
            "practical_score": _fmt(scores.get("practical")),
            "review_score": _fmt(scores.get("review")),
            "issue_date": certificate.issue_date.isoformat(),
            "body_name": batch.body.filed_name,
            "body_code": batch.body.number_prefix,
            "batch": batch.name,
            "status": certificate.get_status_display(),
        })
    return rows


def _fmt(value: Any) -> str:
    return "" if value is None else str(value)
