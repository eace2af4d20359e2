"""The demo competitions: a finished city competition (heats → final, published, rewards applied)
and a district one still being judged, built through the services by the demo city's hook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from gongjiang.competitions import selectors
from gongjiang.competitions.models import Competition, Entry, EventRound, RewardGrant, ScoreSheet
from gongjiang.people.models import Certificate, Honor
from gongjiang.web.demo import build_city


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_city(people=240, seed=11, today=dt.date(2026, 6, 30))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_city, db):
    return demo_city


def test_city_competition_is_finished_with_heats_final_and_rewards(demo):
    city = Competition.objects.get(level=Competition.Level.CITY)
    assert city.name == "2025年绍兴市职业技能大赛" and city.status == Competition.Status.FINISHED
    assert [s.name for s in city.stages.order_by("sequence")] == ["赛区赛", "决赛"]
    assert city.events.count() == 4 and city.events.filter(team_size=2).count() == 1
    assert not EventRound.objects.filter(event__competition=city).exclude(status="published").exists()
    finalists = Entry.objects.filter(event__competition=city, round__stage__name="决赛")
    assert finalists.exists() and all(e.advanced_from_id for e in finalists)
    assert finalists.filter(medal="gold").count() >= 4
    table = selectors.medal_table(competition=city)
    assert sum(row.gold for row in table) == finalists.filter(medal="gold").count()
    assert city.rewards_applied_at is not None
    promoted = Certificate.objects.filter(source=Certificate.Source.COMPETITION)
    assert promoted.count() == RewardGrant.objects.filter(certificate__isnull=False).count() > 0
    winners = sum(e.members.count() for e in finalists.filter(position=1))
    assert Honor.objects.filter(title=Honor.Title.CITY_TECHNICAL_EXPERT, source="competition").count() == winners


def test_worldskills_event_is_on_the_700_scale(demo):
    final = Entry.objects.filter(event__code="E04", event__competition__level="city", round__stage__name="决赛")
    scale = sorted(e.scale_score for e in final)
    assert scale[len(scale) // 2 - 1] <= 700 <= scale[len(scale) // 2]
    assert all(e.medal in ("excellence", "") for e in final if e.position > 3)


def test_district_competition_is_still_being_judged(demo):
    district = Competition.objects.get(level=Competition.Level.DISTRICT)
    assert district.status == Competition.Status.UNDERWAY
    statuses = set(ScoreSheet.objects.filter(entry__event__competition=district).values_list("status", flat=True))
    assert statuses == {"submitted", "draft"}
    assert not EventRound.objects.filter(event__competition=district).exclude(status="open").exists()
    chief = district.events.get(code="E01").judges.get(is_chief=True)
    assert chief.user.username == "demo-judge" and chief.user.has_usable_password()
    assert any(a.username == "demo-judge" for a in demo.context.accounts)
