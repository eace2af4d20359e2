"""Read-only statistics for dashboards and reports, always inside the user's data scope.

Everything here is computed with aggregate queries on ``people.selectors.person_queryset(user)``
so that a district bureau sees its district, an organisation its own tree, and a worker only
themself. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gongjiang.catalog.levels import HIGH_SKILLED_MIN, SkillLevel
from gongjiang.catalog.models import Region
from gongjiang.people.models import Person
from gongjiang.people.selectors import person_queryset

TOP_OCCUPATIONS = 10
TOP_DISTRICTS = 20

UNLEVELLED = _("未定级")
UNKNOWN_REGION = _("地区不详")
HIGH_SKILLED = _("高技能人才")
OTHERS = _("其他技能人才")


@dataclass(frozen=True)
class Bucket:
    """One bar of a chart: a key for links (level number, region code, occupation code), a label, a count."""

    key: str
    label: str
    count: int


@dataclass
class RegistryFigures:
    total: int = 0
    high_skilled: int = 0
    certified: int = 0
    by_level: list[Bucket] = field(default_factory=list)
    by_district: list[Bucket] = field(default_factory=list)
    by_occupation: list[Bucket] = field(default_factory=list)

    @property
    def high_skilled_share(self) -> float:
        """Share of high-skilled people (高级工 and above) among everyone in scope, 0–100."""
        return round(100 * self.high_skilled / self.total, 1) if self.total else 0.0


def _scoped_people(user: Any) -> Any:
    # The scope filter may add DISTINCT; a pk subquery keeps GROUP BY counts exact whatever
    # joins the scope needs.
    return Person.objects.filter(pk__in=person_queryset(user).values("pk")).order_by()


def registry_figures(*, user: Any) -> RegistryFigures:
    """The registry's key figures for the user's scope: totals, by level, district, occupation.

    A person's district is the region of their current employer, or their place of residence
    when they have no employer on record. Unlevelled people (no valid certificate) are counted in
    the total and shown as their own bar.
    """
    people = _scoped_people(user)
    totals = people.aggregate(
        total=Count("pk"),
        high=Count("pk", filter=Q(current_level__gte=HIGH_SKILLED_MIN)),
        certified=Count("pk", filter=Q(current_level__isnull=False)),
    )
    figures = RegistryFigures(
        total=totals["total"], high_skilled=totals["high"], certified=totals["certified"]
    )
    if not figures.total:
        return figures

    level_counts = {
        row["current_level"]: row["n"]
        for row in people.values("current_level").annotate(n=Count("pk")).order_by()
    }
    figures.by_level = [
        Bucket(key=str(level.value), label=str(level.label), count=level_counts.get(level.value, 0))
        for level in SkillLevel
    ]
    if level_counts.get(None):
        figures.by_level.insert(0, Bucket(key="", label=str(UNLEVELLED), count=level_counts[None]))

    district_rows = list(
        people.annotate(district=Coalesce("current_employer__region_id", "residence_region_id"))
        .values("district")
        .annotate(n=Count("pk"))
        .order_by("-n", "district")[: TOP_DISTRICTS + 1]
    )
    names = dict(
        Region.objects.filter(code__in=[r["district"] for r in district_rows if r["district"]]).values_list(
            "code", "name"
        )
    )
    figures.by_district = [
        Bucket(
            key=row["district"] or "",
            label=names.get(row["district"], row["district"]) if row["district"] else str(UNKNOWN_REGION),
            count=row["n"],
        )
        for row in district_rows[:TOP_DISTRICTS]
    ]

    occupation_rows = (
        people.filter(primary_occupation__isnull=False)
        .values("primary_occupation__code", "primary_occupation__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "primary_occupation__code")[:TOP_OCCUPATIONS]
    )
    figures.by_occupation = [
        Bucket(key=row["primary_occupation__code"], label=row["primary_occupation__name"], count=row["n"])
        for row in occupation_rows
    ]
    return figures


def chart_payload(figures: RegistryFigures) -> dict[str, Any]:
    """The figures as plain JSON for the dashboard's charts (rendered with json_script)."""

    def series(buckets: list[Bucket]) -> dict[str, list[Any]]:
        return {
            "keys": [b.key for b in buckets],
            "labels": [b.label for b in buckets],
            "values": [b.count for b in buckets],
        }

    return {
        "level": series(figures.by_level),
        "district": series(figures.by_district),
        "occupation": series(figures.by_occupation),
        "high_skilled": {
            "labels": [str(HIGH_SKILLED), str(OTHERS)],
            "values": [figures.high_skilled, figures.total - figures.high_skilled],
        },
    }


def person_summary(*, user: Any) -> Person | None:
    """A worker's own registry record (for their home page), or None if they have none in scope."""
    person = getattr(user, "person", None)
    if person is None:
        return None
    return (
        person_queryset(user)
        .select_related("current_employer", "primary_occupation", "residence_region")
        .annotate(
            certificate_count=Count("certificates", filter=Q(certificates__status="valid"), distinct=True),
            honor_count=Count("honors", distinct=True),
        )
        .filter(pk=person.pk)
        .first()
    )

