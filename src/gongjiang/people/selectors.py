"""Reads of the talent registry, always through the user's data scope (orgs.scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from gongjiang.catalog.levels import HIGH_SKILLED_MIN
from gongjiang.core.rules import normalize_id_number, region_prefix
from gongjiang.orgs import scope as data_scope
from gongjiang.people.models import Certificate, Employment, Person

# How a person relates to regions, organisations and their own login: the scope paths.
PERSON_REGION_FIELDS = ("residence_region__code", "current_employer__region__code")
PERSON_ORG_FIELDS = ("current_employer",)
PERSON_SELF_FIELDS = ("pk",)

AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "under_25": (0, 24),
    "25_34": (25, 34),
    "35_44": (35, 44),
    "45_54": (45, 54),
    "55_plus": (55, None),
}


def person_queryset(user: Any, *, write: bool = False) -> QuerySet[Person]:
    return data_scope.filter_queryset(
        Person.objects.all(),
        user,
        region_fields=PERSON_REGION_FIELDS,
        org_fields=PERSON_ORG_FIELDS,
        person_fields=() if write else PERSON_SELF_FIELDS,
        write=write,
    )


@dataclass
class PersonFilters:
    q: str = ""
    id_number: str = ""
    certificate_number: str = ""
    level: str = ""
    occupation: str = ""
    region: str = ""
    organization: int | None = None
    age_band: str = ""
    high_skilled: bool | None = None
    sex: str = ""


def birth_range_for_band(band: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """(earliest, latest) birth dates for people whose age today falls in the band."""
    low, high = AGE_BANDS[band]
    latest = today.replace(year=today.year - low) if low else None
    earliest = None
    if high is not None:
        earliest = today.replace(year=today.year - high - 1) + dt.timedelta(days=1)
    return earliest, latest


def person_list(*, user: Any, filters: PersonFilters | None = None) -> QuerySet[Person]:
    """People the user may see, filtered; ordered by name."""
    from gongjiang.people.services import lookup_hashes

    filters = filters or PersonFilters()
    queryset = person_queryset(user).select_related(
        "current_employer", "residence_region", "primary_occupation"
    )
    if filters.q:
        text = filters.q.strip()
        looks_like_number = len(normalize_id_number(text)) >= 15 and normalize_id_number(text)[:6].isdigit()
        if looks_like_number:
            # A long number may be an ID number or a (legacy 16-digit) certificate number.
            queryset = queryset.filter(
                Q(id_number_hash__in=lookup_hashes(text)) | Q(certificates__number=normalize_id_number(text))
            )
        else:
            queryset = queryset.filter(Q(name__icontains=text) | Q(certificates__number=text.upper()))
    if filters.id_number:
        queryset = queryset.filter(id_number_hash__in=lookup_hashes(filters.id_number))
    if filters.certificate_number:
        queryset = queryset.filter(certificates__number=filters.certificate_number.strip().upper())
    if filters.level != "":
        try:
            queryset = queryset.filter(current_level=int(filters.level))
        except ValueError:
            queryset = queryset.none()
    if filters.occupation:
        queryset = queryset.filter(
            Q(primary_occupation__code=filters.occupation) | Q(certificates__occupation__code=filters.occupation)
        )
    if filters.region:
        prefix = region_prefix(filters.region)
        queryset = queryset.filter(
            Q(residence_region__code__startswith=prefix) | Q(current_employer__region__code__startswith=prefix)
        )
    if filters.organization:
        queryset = queryset.filter(current_employer_id=filters.organization)
    if filters.age_band in AGE_BANDS:
        earliest, latest = birth_range_for_band(filters.age_band, timezone.localdate())
        if latest:
            queryset = queryset.filter(birth_date__lte=latest)
        if earliest:
            queryset = queryset.filter(birth_date__gte=earliest)
    if filters.high_skilled is True:
        queryset = queryset.filter(current_level__gte=HIGH_SKILLED_MIN)
    elif filters.high_skilled is False:
        queryset = queryset.filter(Q(current_level__lt=HIGH_SKILLED_MIN) | Q(current_level__isnull=True))
    if filters.sex:
        queryset = queryset.filter(sex=filters.sex)
    return queryset.distinct().order_by("name", "id")


def person_get_for_user(*, user: Any, pk: int, write: bool = False) -> Person:
    """The person, or 404 when outside the user's scope (so existence is not disclosed)."""
    try:
        return person_queryset(user, write=write).select_related(
            "current_employer", "residence_region", "primary_occupation", "user"
        ).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def person_profile(*, user: Any, pk: int) -> dict[str, Any]:
    """Everything the profile page shows, in a fixed number of queries."""
    person = person_get_for_user(user=user, pk=pk)
    return {
        "person": person,
        "employments": list(person.employments.select_related("organization", "occupation")),
        "certificates": list(
            person.certificates.select_related("occupation", "work_type", "issuer").order_by("-issue_date", "-id")
        ),
        "honors": list(person.honors.all()),
    }


def certificate_queryset(user: Any) -> QuerySet[Certificate]:
    return data_scope.filter_queryset(
        Certificate.objects.all(),
        user,
        region_fields=tuple(f"holder__{f}" for f in PERSON_REGION_FIELDS),
        org_fields=("holder__current_employer",),
        person_fields=("holder_id",),
    )


def employment_get_for_user(*, user: Any, person_pk: int, pk: int) -> Employment:
    """One employment record of a person the user can see, or 404."""
    person = person_get_for_user(user=user, pk=person_pk)
    try:
        return person.employments.select_related("organization", "occupation", "person").get(pk=pk)
    except (Employment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def certificate_get_for_user(*, user: Any, person_pk: int, pk: int) -> Certificate:
    """One certificate held by a person the user can see, or 404."""
    person = person_get_for_user(user=user, pk=person_pk)
    try:
        return person.certificates.select_related("occupation", "work_type", "issuer", "holder").get(pk=pk)
    except (Certificate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def person_history(*, person: Person, limit: int = 100) -> list[Any]:
    """Audit entries about ``person`` and their employment, certificates and honours, newest first.

    The caller has already fetched ``person`` through :func:`person_get_for_user`, so the scope
    check is done; this is one query whatever the number of related records.
    """
    from django.db.models import CharField
    from django.db.models.functions import Cast

    from gongjiang.core.models import AuditEntry
    from gongjiang.people.models import Honor

    def ids(model: Any, field: str) -> Any:
        return model.objects.filter(**{field: person}).annotate(key=Cast("pk", CharField())).values("key")

    condition = (
        Q(object_type="people.person", object_id=str(person.pk))
        | Q(object_type="people.employment", object_id__in=ids(Employment, "person"))
        | Q(object_type="people.certificate", object_id__in=ids(Certificate, "holder"))
        | Q(object_type="people.honor", object_id__in=ids(Honor, "person"))
    )
    return list(AuditEntry.objects.filter(condition).order_by("-at", "-id")[:limit])
