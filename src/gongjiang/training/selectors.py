"""Reads of training data, always through the user's data scope (orgs.scope).

Who sees what:

* programmes: the organiser's and provider's people and the bureaus of the programme's region
  see (and, with a write role, manage) a programme; every signed-in user sees programmes that are
  published (not drafts), so employers can nominate and workers can apply;
* nominations and enrolments: the programme's managers, the person's employer, the bureaus of
  either region, and the person themselves;
* apprenticeships: employer, school, the bureaus of their regions, the apprentice and mentors;
* subsidy claims and points: the employer, the bureau, the person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from gongjiang.orgs import scope as data_scope
from gongjiang.training.models import (
    Apprenticeship,
    Enrollment,
    MentorAllowance,
    Nomination,
    PointsEntry,
    ProgressReview,
    SubsidyClaim,
    SubsidyPolicy,
    TrainingProgram,
    TrainingSession,
)

PROGRAM_REGION_FIELDS = ("region__code",)


def for_aggregation(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """The same rows as a scoped queryset, fit for ``values().annotate()``.

    Scoped querysets are DISTINCT (a row can match the scope through several joins), and
    DISTINCT puts the model's ordering columns into the GROUP BY, which splits every group; the
    rows are therefore selected by primary key instead.
    """
    return queryset.model.objects.filter(pk__in=queryset.order_by().values("pk")).order_by()
PROGRAM_ORG_FIELDS = ("organizer", "provider")


def program_queryset(user: Any, *, write: bool = False) -> QuerySet[TrainingProgram]:
    managed = data_scope.filter_queryset(
        TrainingProgram.objects.all(), user, region_fields=PROGRAM_REGION_FIELDS, org_fields=PROGRAM_ORG_FIELDS,
        write=write,
    )
    if write or not getattr(user, "is_authenticated", False):
        return managed
    scope = data_scope.scope_for(user)
    if scope.is_empty or scope.everything:
        return managed
    return TrainingProgram.objects.filter(
        Q(pk__in=managed.values("pk")) | ~Q(status=TrainingProgram.Status.DRAFT)
    )


def program_can_manage(user: Any, program: TrainingProgram) -> bool:
    return program_queryset(user, write=True).filter(pk=program.pk).exists()


@dataclass
class ProgramFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    year: int | None = None
    organizer: int | None = None


def program_list(*, user: Any, filters: ProgramFilters | None = None) -> QuerySet[TrainingProgram]:
    filters = filters or ProgramFilters()
    queryset = program_queryset(user).select_related("organizer", "provider", "region", "occupation", "host_partner")
    if filters.q:
        queryset = queryset.filter(Q(name__icontains=filters.q) | Q(occupation_name__icontains=filters.q))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.year:
        queryset = queryset.filter(start_date__year=filters.year)
    if filters.organizer:
        queryset = queryset.filter(organizer_id=filters.organizer)
    return queryset.annotate(
        nominated_count=Count("nominations", distinct=True),
        enrolled_count=Count("enrollments", distinct=True),
    ).order_by("-start_date", "-id")


def program_get_for_user(*, user: Any, pk: Any, write: bool = False) -> TrainingProgram:
    try:
        return program_queryset(user, write=write).select_related(
            "organizer", "provider", "region", "occupation", "host_partner", "subsidy_policy"
        ).get(pk=pk)
    except (TrainingProgram.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def session_list(*, program: TrainingProgram) -> list[TrainingSession]:
    return list(program.sessions.order_by("sequence"))


# --- nominations and enrolments ------------------------------------------------------------------
PARTICIPANT_REGION_FIELDS = ("program__region__code", "employer__region__code")
PARTICIPANT_ORG_FIELDS = ("program__organizer", "program__provider", "employer")
PARTICIPANT_PERSON_FIELDS = ("person_id",)


def nomination_queryset(user: Any, *, write: bool = False) -> QuerySet[Nomination]:
    return data_scope.filter_queryset(
        Nomination.objects.all(), user, region_fields=PARTICIPANT_REGION_FIELDS, org_fields=PARTICIPANT_ORG_FIELDS,
        person_fields=() if write else PARTICIPANT_PERSON_FIELDS, write=write,
    )


def nomination_list(*, user: Any, program: TrainingProgram | None = None, status: str = "") -> QuerySet[Nomination]:
    queryset = nomination_queryset(user).select_related("person", "employer", "program", "decided_by")
    if program is not None:
        queryset = queryset.filter(program=program)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("program_id", "status", "-score", "id")


def nomination_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Nomination:
    try:
        return nomination_queryset(user, write=write).select_related("program", "person", "employer").get(pk=pk)
    except (Nomination.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def enrollment_queryset(user: Any, *, write: bool = False) -> QuerySet[Enrollment]:
    return data_scope.filter_queryset(
        Enrollment.objects.all(), user, region_fields=PARTICIPANT_REGION_FIELDS, org_fields=PARTICIPANT_ORG_FIELDS,
        person_fields=() if write else PARTICIPANT_PERSON_FIELDS, write=write,
    )


def enrollment_list(*, user: Any, program: TrainingProgram | None = None, status: str = "") -> QuerySet[Enrollment]:
    queryset = enrollment_queryset(user).select_related("person", "employer", "program", "international_certificate")
    if program is not None:
        queryset = queryset.filter(program=program)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("program_id", "person__name", "id")


def enrollment_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Enrollment:
    try:
        return enrollment_queryset(user, write=write).select_related("program", "person", "employer").get(pk=pk)
    except (Enrollment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class AttendanceSheet:
    sessions: list[TrainingSession]
    rows: list[tuple[Enrollment, list[str]]]  # enrolment, status per session ("" = not recorded)


def attendance_sheet(*, user: Any, program: TrainingProgram) -> AttendanceSheet:
    """The grid of enrolments × sessions, in two queries plus the sessions."""
    sessions = session_list(program=program)
    enrollments = list(enrollment_list(user=user, program=program).prefetch_related("attendances"))
    rows = []
    for enrollment in enrollments:
        marks = {a.session_id: a.status for a in enrollment.attendances.all()}
        rows.append((enrollment, [marks.get(s.pk, "") for s in sessions]))
    return AttendanceSheet(sessions=sessions, rows=rows)


# --- the person's training history (for the profile page) --------------------------------------
@dataclass
class TrainingHistory:
    enrollments: list[Enrollment]
    nominations: list[Nomination]
    apprenticeships: list[Apprenticeship]
    points_total: int
    hours_total: Decimal
    completed_count: int = 0
    abroad_count: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def training_history_for_person(*, user: Any, person: Any) -> TrainingHistory:
    """Everything the profile page shows about a person's training, inside the user's scope.

    Enrolments the user may not see are left out (a bureau sees all in its region; an employer
    sees the enrolments made while the person worked for it; the person sees their own).
    """
    enrollments = list(
        enrollment_queryset(user).filter(person=person)
        .select_related("program", "program__organizer", "program__provider", "employer", "international_certificate")
        .order_by("-program__start_date", "-id")
    )
    nominations = list(
        nomination_queryset(user).filter(person=person, status=Nomination.Status.NOMINATED)
        .select_related("program").order_by("-created_at")
    )
    apprenticeships = list(
        apprenticeship_queryset(user).filter(apprentice=person)
        .select_related("employer", "school", "enterprise_mentor", "school_mentor", "occupation")
    )
    points = for_aggregation(points_queryset(user)).filter(person=person).aggregate(total=Sum("points"))["total"] or 0
    hours = sum((e.hours_attended for e in enrollments), Decimal("0"))
    return TrainingHistory(
        enrollments=enrollments,
        nominations=nominations,
        apprenticeships=apprenticeships,
        points_total=int(points),
        hours_total=hours,
        completed_count=sum(1 for e in enrollments if e.status == Enrollment.Status.COMPLETED),
        abroad_count=sum(1 for e in enrollments if e.program.kind == TrainingProgram.Kind.OVERSEAS_STUDY
                         and e.status != Enrollment.Status.DROPPED),
    )


# --- points ----------------------------------------------------------------------------------------
def points_queryset(user: Any) -> QuerySet[PointsEntry]:
    return data_scope.filter_queryset(
        PointsEntry.objects.all(), user, region_fields=("organization__region__code",),
        org_fields=("organization",), person_fields=("person_id",),
    )


def points_statement(*, user: Any, person: Any, year: int | None = None) -> tuple[list[PointsEntry], int]:
    """A person's ledger lines (newest first) and their total."""
    queryset = points_queryset(user).filter(person=person).select_related("program", "organization")
    if year:
        queryset = queryset.filter(occurred_on__year=year)
    lines = list(queryset.order_by("-occurred_on", "-id"))
    return lines, sum(line.points for line in lines)


def points_ranking(*, user: Any, organization: Any = None, year: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """People ranked by points earned (inside one organisation and below when given)."""
    queryset = for_aggregation(points_queryset(user))
    if organization is not None:
        queryset = queryset.filter(organization__path__startswith=organization.path)
    if year:
        queryset = queryset.filter(occurred_on__year=year)
    rows = (
        queryset.values("person_id", "person__name", "organization__name")
        .annotate(total=Sum("points"), lines=Count("id"))
        .order_by("-total", "person__name", "person_id")[:limit]
    )
    ranked = []
    previous_total = None
    rank = 0
    for index, row in enumerate(rows, start=1):
        if row["total"] != previous_total:
            rank = index
            previous_total = row["total"]
        ranked.append({**row, "rank": rank})
    return ranked


# --- apprenticeships -------------------------------------------------------------------------------
APPRENTICESHIP_REGION_FIELDS = ("employer__region__code", "school__region__code")
APPRENTICESHIP_ORG_FIELDS = ("employer", "school")
APPRENTICESHIP_PERSON_FIELDS = ("apprentice_id", "enterprise_mentor_id", "school_mentor_id")


def apprenticeship_queryset(user: Any, *, write: bool = False) -> QuerySet[Apprenticeship]:
    return data_scope.filter_queryset(
        Apprenticeship.objects.all(), user, region_fields=APPRENTICESHIP_REGION_FIELDS,
        org_fields=APPRENTICESHIP_ORG_FIELDS, person_fields=() if write else APPRENTICESHIP_PERSON_FIELDS,
        write=write,
    )


@dataclass
class ApprenticeshipFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    employer: int | None = None
    school: int | None = None


def apprenticeship_list(*, user: Any, filters: ApprenticeshipFilters | None = None) -> QuerySet[Apprenticeship]:
    filters = filters or ApprenticeshipFilters()
    queryset = apprenticeship_queryset(user).select_related(
        "apprentice", "employer", "school", "enterprise_mentor", "school_mentor", "occupation"
    )
    if filters.q:
        queryset = queryset.filter(Q(apprentice__name__icontains=filters.q) | Q(occupation_name__icontains=filters.q))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.employer:
        queryset = queryset.filter(employer_id=filters.employer)
    if filters.school:
        queryset = queryset.filter(school_id=filters.school)
    return queryset.order_by("-start_date", "-id")


def apprenticeship_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Apprenticeship:
    try:
        return apprenticeship_queryset(user, write=write).select_related(
            "apprentice", "employer", "school", "enterprise_mentor", "school_mentor", "occupation", "program"
        ).get(pk=pk)
    except (Apprenticeship.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def apprenticeship_detail(*, user: Any, pk: Any) -> dict[str, Any]:
    apprenticeship = apprenticeship_get_for_user(user=user, pk=pk)
    return {
        "apprenticeship": apprenticeship,
        "changes": list(apprenticeship.status_changes.select_related("changed_by").order_by("changed_on", "id")),
        "reviews": list(apprenticeship.reviews.order_by("review_date", "id")),
        "allowances": list(apprenticeship.mentor_allowances.select_related("mentor").order_by("period_start", "id")),
        "claims": list(apprenticeship.subsidy_claims.select_related("policy").order_by("claim_date", "id")),
    }


def review_get_for_user(*, user: Any, pk: Any) -> ProgressReview:
    try:
        return ProgressReview.objects.select_related(
            "apprenticeship", "apprenticeship__enterprise_mentor", "apprenticeship__school_mentor",
            "apprenticeship__employer", "apprenticeship__school",
        ).get(pk=pk, apprenticeship__in=apprenticeship_queryset(user))
    except (ProgressReview.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def mentor_allowance_list(*, user: Any) -> QuerySet[MentorAllowance]:
    return MentorAllowance.objects.filter(apprenticeship__in=apprenticeship_queryset(user)).select_related(
        "mentor", "apprenticeship", "apprenticeship__apprentice", "apprenticeship__employer"
    ).order_by("-period_start", "-id")


# --- subsidies -------------------------------------------------------------------------------------
def policy_queryset(user: Any, *, write: bool = False) -> QuerySet[SubsidyPolicy]:
    """Policies are public to every signed-in user; bureaus write those of their regions."""
    if write:
        return data_scope.filter_queryset(SubsidyPolicy.objects.all(), user, region_fields=("region__code",),
                                          write=True)
    if not getattr(user, "is_authenticated", False):
        return SubsidyPolicy.objects.none()
    return SubsidyPolicy.objects.all()


def policy_list(*, user: Any, year: int | None = None, kind: str = "") -> QuerySet[SubsidyPolicy]:
    queryset = policy_queryset(user).select_related("region")
    if year:
        queryset = queryset.filter(year=year)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-year", "region_id", "kind")


def policy_get_for_user(*, user: Any, pk: Any, write: bool = False) -> SubsidyPolicy:
    try:
        return policy_queryset(user, write=write).select_related("region").get(pk=pk)
    except (SubsidyPolicy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def policy_for(*, region: Any, year: int, kind: str) -> SubsidyPolicy | None:
    """The policy that applies in ``region`` for ``year``: the region's own, else the nearest above."""
    current = region
    while current is not None:
        policy = SubsidyPolicy.objects.filter(region=current, year=year, kind=kind, is_active=True).first()
        if policy is not None:
            return policy
        current = current.parent
    return None


CLAIM_REGION_FIELDS = ("employer__region__code", "policy__region__code")


def claim_queryset(user: Any, *, write: bool = False) -> QuerySet[SubsidyClaim]:
    return data_scope.filter_queryset(
        SubsidyClaim.objects.all(), user, region_fields=CLAIM_REGION_FIELDS, org_fields=("employer",),
        person_fields=() if write else ("person_id",), write=write,
    )


@dataclass
class ClaimFilters:
    kind: str = ""
    status: str = ""
    year: int | None = None
    policy: int | None = None
    employer: int | None = None


def claim_list(*, user: Any, filters: ClaimFilters | None = None) -> QuerySet[SubsidyClaim]:
    filters = filters or ClaimFilters()
    queryset = claim_queryset(user).select_related("person", "employer", "policy", "apprenticeship", "enrollment")
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.year:
        queryset = queryset.filter(claim_year=filters.year)
    if filters.policy:
        queryset = queryset.filter(policy_id=filters.policy)
    if filters.employer:
        queryset = queryset.filter(employer_id=filters.employer)
    return queryset.order_by("-claim_date", "-id")


def claim_get_for_user(*, user: Any, pk: Any, write: bool = False) -> SubsidyClaim:
    try:
        return claim_queryset(user, write=write).select_related("person", "employer", "policy").get(pk=pk)
    except (SubsidyClaim.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- counts for targets and the indicators page ------------------------------------------------------
@dataclass
class TrainingCounts:
    people_sent_abroad: int
    abroad_person_times: int
    person_times_by_kind: dict[str, int]
    people_by_kind: dict[str, int]
    completed_person_times: int
    apprentices_by_kind: dict[str, int]
    apprentices_by_kind_status: dict[tuple[str, str], int]
    internationally_certified_people: int
    international_certificates: int
    programs_held: int
    subsidy_paid: Decimal


def training_counts(*, user: Any, year: int | None = None, until: dt.date | None = None) -> TrainingCounts:
    """The training figures the targets module and the indicators page need, in scope.

    人次 counts enrolments (one person on two programmes is two 人次); people counts distinct
    persons. Dropped-out enrolments count as neither. ``year`` limits to programmes starting
    that year; ``until`` to programmes started on or before a day.
    """
    from gongjiang.people.models import Certificate
    from gongjiang.people.selectors import certificate_queryset

    enrollments = for_aggregation(enrollment_queryset(user)).exclude(status=Enrollment.Status.DROPPED)
    programs = program_queryset(user).exclude(status__in=[TrainingProgram.Status.DRAFT,
                                                         TrainingProgram.Status.CANCELLED])
    if year:
        enrollments = enrollments.filter(program__start_date__year=year)
        programs = programs.filter(start_date__year=year)
    if until:
        enrollments = enrollments.filter(program__start_date__lte=until)
        programs = programs.filter(start_date__lte=until)
    by_kind = {row["program__kind"]: row for row in enrollments.values("program__kind").annotate(
        times=Count("id"), people=Count("person", distinct=True))}
    abroad = enrollments.filter(program__kind=TrainingProgram.Kind.OVERSEAS_STUDY)
    apprenticeships = for_aggregation(apprenticeship_queryset(user))
    if year:
        apprenticeships = apprenticeships.filter(start_date__year=year)
    by_kind_status: dict[tuple[str, str], int] = {}
    by_apprentice_kind: dict[str, int] = {}
    for row in apprenticeships.values("kind", "status").annotate(n=Count("id")):
        by_kind_status[(row["kind"], row["status"])] = row["n"]
        if row["status"] != Apprenticeship.Status.STOPPED:
            by_apprentice_kind[row["kind"]] = by_apprentice_kind.get(row["kind"], 0) + row["n"]
    certificates = for_aggregation(certificate_queryset(user)).filter(kind=Certificate.Kind.INTERNATIONAL,
                                                     status=Certificate.Status.VALID)
    paid = for_aggregation(claim_queryset(user)).filter(status=SubsidyClaim.Status.PAID)
    if year:
        paid = paid.filter(claim_year=year)
    return TrainingCounts(
        people_sent_abroad=abroad.values("person").distinct().count(),
        abroad_person_times=abroad.count(),
        person_times_by_kind={kind: row["times"] for kind, row in by_kind.items()},
        people_by_kind={kind: row["people"] for kind, row in by_kind.items()},
        completed_person_times=enrollments.filter(status=Enrollment.Status.COMPLETED).count(),
        apprentices_by_kind=by_apprentice_kind,
        apprentices_by_kind_status=by_kind_status,
        internationally_certified_people=certificates.values("holder").distinct().count(),
        international_certificates=certificates.count(),
        programs_held=programs.count(),
        subsidy_paid=paid.aggregate(total=Sum("amount"))["total"] or Decimal("0"),
    )
