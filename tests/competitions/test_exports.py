"""The competition lists' Excel exports: the home list (filters, scope) and the public results list."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from gongjiang.competitions import exports, services
from gongjiang.competitions.models import Competition, EventRound
from gongjiang.core.models import AuditEntry
from tests.export_helpers import column, sheet_rows

HOME, EXPORT = reverse("competitions:home"), reverse("competitions:export")
PUBLIC, PUBLIC_EXPORT = reverse("competitions:results"), reverse("competitions:results_export")


def _another(city, personas, name):
    return services.competition_create(actor=personas.city, name=name, organizer=city.city_bureau, level="city",
                                       start_date=dt.date(2024, 6, 1), end_date=dt.date(2024, 6, 3))


def test_home_export_follows_the_lists_filters(client, city, personas, contest):
    _another(city, personas, "2024年绍兴市职业技能大赛")
    client.force_login(personas.city)
    listed = client.get(HOME, {"year": "2024"})
    rows = sheet_rows(client.get(EXPORT, {"year": "2024"}))
    assert column(rows, "竞赛") == [c.name for c in listed.context["competitions"]] == ["2024年绍兴市职业技能大赛"]
    assert len(sheet_rows(client.get(EXPORT))) - 1 == 2
    entry = AuditEntry.objects.filter(action=exports.EXPORT_ACTION).order_by("id").first()
    assert entry.actor == personas.city and entry.changes == {"rows": 1, "filters": {"year": "2024"}, "format": "xlsx"}


def test_home_export_is_scoped_and_formula_safe(client, city, personas, contest):
    Competition.objects.filter(pk=contest.competition.pk).update(name="@SUM(1) 大赛")
    client.force_login(personas.city)
    assert column(sheet_rows(client.get(EXPORT)), "竞赛") == ["'@SUM(1) 大赛"]
    client.force_login(personas.aud)  # no registry scope: the list is empty, so is the export
    assert client.get(HOME).context["competition_count"] == 0
    assert len(sheet_rows(client.get(EXPORT))) == 1


def test_invalid_year_is_explained_and_not_exported(client, city, personas, contest):
    client.force_login(personas.city)
    page = client.get(HOME, {"year": "二〇二四"})
    assert page.status_code == 200 and "年度" in page.context["filter_errors"][0]
    assert client.get(EXPORT, {"year": "二〇二四"}).status_code == 302
    assert not AuditEntry.objects.filter(action=exports.EXPORT_ACTION).exists()


def test_public_results_export_lists_published_competitions_only(client, city, personas, contest):
    _another(city, personas, "2024年未公布大赛")
    EventRound.objects.filter(event=contest.event).update(status=EventRound.Status.PUBLISHED)
    rows = sheet_rows(client.get(PUBLIC_EXPORT))
    assert column(rows, "竞赛") == [c.name for c in client.get(PUBLIC).context["competitions"]] == [contest.competition.name]
    assert AuditEntry.objects.get(action=exports.PUBLIC_EXPORT_ACTION).changes["rows"] == 1
