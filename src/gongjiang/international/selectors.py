"""Reads of international cooperation data, through the user's data scope.

Partners, alliances, mentors, events and the recognition list describe institutions, not
people: every signed-in user with a role sees them (the recognition list is published anyway).
Writing is for the managing body (``managed_by``/``decided_by``) and the bureaus above it.
Agreements are seen by the managing body's scope and by the parties' administrators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongjiang.international import rules
from gongjiang.international.models import (
    Agreement,
    AgreementParty,
    Alliance,
    AllianceMember,
    ExchangeEvent,
    ForeignCertificate,
    InternationalMentor,
    JointProject,
    PartnerProfile,
    Recognition,
)
from gongjiang.orgs import scope as data_scope

MANAGED_REGION = ("managed_by__region__code",)
MANAGED_ORG = ("managed_by",)


def _readable(queryset: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """Institution data: everyone with a non-empty scope reads it."""
    if data_scope.scope_for(user).is_empty:
        return queryset.none()
    return queryset


def _managed(queryset: QuerySet[Any], user: Any, *, write: bool, region: tuple[str, ...] = MANAGED_REGION,
             org: tuple[str, ...] = MANAGED_ORG) -> QuerySet[Any]:
    if write:
        return data_scope.filter_queryset(queryset, user, region_fields=region, org_fields=org, write=True)
    return _readable(queryset, user)


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- partners ---------------------------------------------------------------------------------
def partner_queryset(user: Any, *, write: bool = False) -> QuerySet[PartnerProfile]:
    return _managed(PartnerProfile.objects.all(), user, write=write)


def partner_list(*, user: Any, q: str = "", country: str = "", partner_kind: str = "",
                 active: bool | None = None) -> QuerySet[PartnerProfile]:
    queryset = partner_queryset(user).select_related("organization", "managed_by")
    if q:
        queryset = queryset.filter(Q(organization__name__icontains=q) | Q(name_original__icontains=q))
    if country:
        queryset = queryset.filter(organization__country=country.upper())
    if partner_kind:
        queryset = queryset.filter(partner_kind=partner_kind)
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset.order_by("organization__country", "organization__name", "id")


def partner_get_for_user(*, user: Any, pk: Any, write: bool = False) -> PartnerProfile:
    return _get(partner_queryset(user, write=write).select_related("organization", "managed_by"), pk)


# --- agreements -------------------------------------------------------------------------------
def agreement_queryset(user: Any, *, write: bool = False) -> QuerySet[Agreement]:
    """Readable by the managing body's scope and the parties' scopes; written by the former."""
    if write:
        return data_scope.filter_queryset(Agreement.objects.all(), user, region_fields=MANAGED_REGION,
                                          org_fields=MANAGED_ORG, write=True)
    return data_scope.filter_queryset(
        Agreement.objects.all(), user, region_fields=("managed_by__region__code", "parties__organization__region__code"),
        org_fields=("managed_by", "parties__organization"),
    )


def agreement_list(*, user: Any, kind: str = "", status: str = "", q: str = "") -> QuerySet[Agreement]:
    queryset = agreement_queryset(user).select_related("managed_by", "alliance__organization").prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("organization").order_by("id"))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if q:
        queryset = queryset.filter(title__icontains=q)
    return queryset.order_by("-signed_date", "-id")


def agreement_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Agreement:
    return _get(agreement_queryset(user, write=write).select_related("managed_by", "alliance"), pk)


def agreement_effective_status(agreement: Agreement, *, today: dt.date | None = None) -> str:
    parties = list(agreement.parties.all())
    content = rules.AgreementContent(
        title=agreement.title, kind=agreement.kind, party_ids=tuple(p.organization_id for p in parties),
        signed_date=agreement.signed_date, term_months=agreement.term_months,
        document_sha256=agreement.document_sha256, summary=agreement.summary,
    )
    return rules.agreement_status(
        terminated=agreement.terminated_on is not None,
        complete=not rules.missing_for_approval(content),
        approved_hashes={p.pk: p.approved_hash or None for p in parties},
        current_hash=agreement.content_hash, signed_date=agreement.signed_date,
        term_months=agreement.term_months, today=today or timezone.localdate(),
    )


# --- alliances --------------------------------------------------------------------------------
def alliance_queryset(user: Any, *, write: bool = False) -> QuerySet[Alliance]:
    return _managed(Alliance.objects.all(), user, write=write, region=("guided_by__region__code",),
                    org=("guided_by", "secretariat"))


def alliance_list(*, user: Any) -> QuerySet[Alliance]:
    return alliance_queryset(user).select_related("organization", "guided_by", "secretariat").annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
        country_count=Count("members__organization__country", filter=Q(members__left_on__isnull=True), distinct=True),
        agreement_count=Count("agreements", distinct=True),
    ).order_by("-founded_on", "id")


def alliance_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Alliance:
    return _get(alliance_queryset(user, write=write).select_related("organization", "guided_by", "secretariat"), pk)


def alliance_members(*, alliance: Alliance) -> list[AllianceMember]:
    return list(alliance.members.select_related("organization").order_by("joined_on", "id"))


# --- projects, mentors, events ------------------------------------------------------------------
def joint_project_queryset(user: Any, *, write: bool = False) -> QuerySet[JointProject]:
    return _managed(JointProject.objects.all(), user, write=write)


def joint_project_list(*, user: Any, status: str = "") -> QuerySet[JointProject]:
    queryset = joint_project_queryset(user).select_related("managed_by", "agreement").prefetch_related("partners")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.annotate(participant_count=Count("participants", distinct=True)).order_by("-start_date", "-id")


def joint_project_get_for_user(*, user: Any, pk: Any, write: bool = False) -> JointProject:
    return _get(joint_project_queryset(user, write=write).select_related("managed_by", "agreement"), pk)


def mentor_queryset(user: Any, *, write: bool = False) -> QuerySet[InternationalMentor]:
    return _managed(InternationalMentor.objects.all(), user, write=write)


def mentor_list(*, user: Any, active: bool | None = None) -> QuerySet[InternationalMentor]:
    queryset = mentor_queryset(user).select_related("organization", "managed_by")
    if active is not None:
        queryset = queryset.filter(is_active=active)
    return queryset.annotate(engagement_count=Count("engagements")).order_by("name", "id")


def mentor_get_for_user(*, user: Any, pk: Any, write: bool = False) -> InternationalMentor:
    return _get(mentor_queryset(user, write=write).select_related("organization", "managed_by"), pk)


def event_queryset(user: Any, *, write: bool = False) -> QuerySet[ExchangeEvent]:
    return _managed(ExchangeEvent.objects.all(), user, write=write)


def event_list(*, user: Any, year: int | None = None, kind: str = "") -> QuerySet[ExchangeEvent]:
    queryset = event_queryset(user).select_related("managed_by")
    if year:
        queryset = queryset.filter(held_on__year=year)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-held_on", "-id")


# --- recognition ------------------------------------------------------------------------------
def recognition_queryset(user: Any, *, write: bool = False) -> QuerySet[Recognition]:
    return _managed(Recognition.objects.all(), user, write=write, region=("decided_by__region__code",),
                    org=("decided_by",))


def recognition_list(*, user: Any, q: str = "", country: str = "", decision: str = "", batch: str = "",
                     category: str = "") -> QuerySet[Recognition]:
    queryset = recognition_queryset(user).select_related("decided_by", "occupation")
    if q:
        queryset = queryset.filter(Q(qualification__icontains=q) | Q(awarding_body__icontains=q)
                                   | Q(qualification_original__icontains=q))
    if country:
        queryset = queryset.filter(country=country.upper())
    if decision:
        queryset = queryset.filter(decision=decision)
    if batch:
        queryset = queryset.filter(batch=batch)
    if category:
        queryset = queryset.filter(category=category)
    return queryset.annotate(holder_count=Count("certificates", distinct=True)).order_by("country", "qualification", "id")


def recognition_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Recognition:
    return _get(recognition_queryset(user, write=write).select_related("decided_by", "occupation"), pk)


def foreign_certificates_for_person(*, user: Any, person: Any) -> list[ForeignCertificate]:
    from gongjiang.people.selectors import certificate_queryset

    visible = certificate_queryset(user).filter(holder=person)
    return list(ForeignCertificate.objects.filter(certificate__in=visible).select_related("certificate", "recognition"))


# --- counts -----------------------------------------------------------------------------------
@dataclass
class InternationalCounts:
    partners_active: int
    partners_by_country: dict[str, int]
    partners_with_joint_training: int
    agreements_by_kind: dict[str, int]
    agreements_in_force: int
    framework_agreements: int
    joint_projects: int
    international_mentors: int
    events_held: int
    alliance_members: int
    alliance_countries: int
    recognitions: int
    recognitions_mapped_to_title: int
    recognitions_mapped: int


def international_counts(*, user: Any, until: dt.date | None = None) -> InternationalCounts:
    """The international figures the targets module and the indicators page need.

    "Partners with joint training" are active partners that are a party to a joint-training
    agreement in force or a partner of a joint project not cancelled (联合培养关系).
    """
    from gongjiang.training.selectors import for_aggregation

    today = until or timezone.localdate()
    partners = for_aggregation(partner_queryset(user)).filter(is_active=True)
    agreements = for_aggregation(agreement_queryset(user)).exclude(status__in=[rules.DRAFT, rules.TERMINATED])
    in_force = agreements.filter(status=rules.IN_FORCE)
    projects = joint_project_queryset(user).exclude(status=JointProject.Status.CANCELLED)
    joint_partner_orgs = set(
        AgreementParty.objects.filter(agreement__in=in_force.filter(kind=Agreement.Kind.JOINT_TRAINING))
        .values_list("organization_id", flat=True)
    ) | set(JointProject.partners.through.objects.filter(jointproject__in=projects)
            .values_list("organization_id", flat=True))
    members = AllianceMember.objects.filter(alliance__in=alliance_queryset(user), left_on__isnull=True)
    recognitions = for_aggregation(recognition_queryset(user)).filter(decision__in=[rules.RECOGNISED, rules.MAPPED])
    if until:
        agreements = agreements.filter(signed_date__lte=until)
        projects = projects.filter(start_date__lte=until)
        recognitions = recognitions.filter(decision_date__lte=until)
    return InternationalCounts(
        partners_active=partners.count(),
        partners_by_country=dict(partners.values_list("organization__country").annotate(n=Count("id"))),
        partners_with_joint_training=partners.filter(organization_id__in=joint_partner_orgs).count(),
        agreements_by_kind=dict(agreements.values_list("kind").annotate(n=Count("id"))),
        agreements_in_force=in_force.count(),
        framework_agreements=agreements.filter(kind=Agreement.Kind.FRAMEWORK).count(),
        joint_projects=projects.count(),
        international_mentors=mentor_queryset(user).filter(is_active=True, introduced_on__lte=today).count(),
        events_held=event_queryset(user).filter(held_on__lte=today).count(),
        alliance_members=members.count(),
        alliance_countries=members.values("organization__country").distinct().count(),
        recognitions=recognitions.count(),
        recognitions_mapped_to_title=recognitions.filter(decision=rules.MAPPED).exclude(domestic_title="").count(),
        recognitions_mapped=recognitions.filter(decision=rules.MAPPED).count(),
    )
