"""Applying rewards: medal honours, titles and 以赛代评 promotions into the registry, exactly once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import services
from gongjiang.competitions.models import MedalHonor, RewardGrant
from gongjiang.competitions.services import rewards
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.credentials.models import Credential
from gongjiang.credentials.selectors import verify_by_code
from gongjiang.people import services as people_services
from gongjiang.people.models import Certificate, Honor
from tests.competitions.conftest import competitor, full_marks, open_registration, start

NAMES = ("赵一工", "钱二工", "孙三工", "李四工", "周五工", "吴六工", "郑七工", "王八工")


@pytest.fixture
def finished(contest, city, personas):
    """8 entrants ranked in name order, results published with no appeal window."""
    services.event_update(actor=personas.city, event=contest.event, appeal_hours=0)
    services.reward_rule_create(actor=personas.city, competition=contest.competition, name="第一名授予市技术能手",
                                rank_from=1, rank_to=1, honor_title=Honor.Title.CITY_TECHNICAL_EXPERT,
                                honor_name="绍兴市技术能手")
    services.reward_rule_create(actor=personas.city, competition=contest.competition, name="优胜奖及以上晋升技师",
                                min_medal="excellence", promotion="to_level", promotion_level=SkillLevel.TECHNICIAN)
    open_registration(contest, personas)
    people = [competitor(city, name) for name in NAMES]
    people_services.certificate_record(actor=None, holder=people[1], number="OLDTECH-0001",
                                       issue_date=dt.date(2019, 5, 1), level=SkillLevel.TECHNICIAN,
                                       occupation=contest.occupation)
    entries = [services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                       people=[p]) for p in people]
    start(contest, personas)
    for index, entry in enumerate(entries):
        for judge in (contest.judge2, contest.chief, contest.judge1):
            services.marks_save(actor=judge.user, entry=entry, marks=full_marks(40 - index, 25, 2, 2), submit=True)
        services.entry_record_scores(actor=contest.chief.user, entry=entry, theory_score=Decimal("80"))
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    services.round_publish(actor=contest.chief.user, event_round=contest.first_round)
    return people, entries


def test_plan_shows_medals_titles_and_promotions(contest, finished):
    people, _entries = finished
    plan = services.reward_plan(contest.competition)
    by_person = {row.person.name: row for row in plan}
    assert [row.medal for row in plan] == ["gold", "silver", "bronze", "excellence"]
    assert [r.name for r in by_person["赵一工"].rules] == ["第一名授予市技术能手", "优胜奖及以上晋升技师"]
    assert by_person["赵一工"].promotion.new_level == SkillLevel.TECHNICIAN
    assert by_person["钱二工"].promotion.previous_level == SkillLevel.TECHNICIAN
    assert by_person["钱二工"].promotion.new_level == SkillLevel.SENIOR_TECHNICIAN


def test_rewards_applied_once_and_registry_updated(contest, personas, finished):
    people, entries = finished
    # when
    services.rewards_apply(actor=personas.city, competition=contest.competition)
    # then
    for person in people:
        person.refresh_from_db()
    assert [p.current_level for p in people[:4]] == [SkillLevel.TECHNICIAN, SkillLevel.SENIOR_TECHNICIAN,
                                                      SkillLevel.TECHNICIAN, SkillLevel.TECHNICIAN]
    assert all(p.current_level is None for p in people[4:])
    certificates = Certificate.objects.filter(source=Certificate.Source.COMPETITION)
    assert certificates.count() == 4
    assert {c.source_ref for c in certificates} == {f"competitions.entry:{e.pk}" for e in entries[:4]}
    assert Honor.objects.filter(title=Honor.Title.CITY_TECHNICAL_EXPERT).get().person == people[0]
    assert Honor.objects.filter(title=Honor.Title.COMPETITION_MEDAL).count() == 4
    assert MedalHonor.objects.count() == 4 and RewardGrant.objects.count() == 5
    assert AuditEntry.objects.filter(action="competitions.rewards.applied", actor=personas.city).exists()
    # medallists get a verifiable award certificate; promotions a verifiable level certificate
    awards = Credential.objects.filter(kind=Credential.Kind.COMPETITION_AWARD).order_by("number")
    assert [c.fields["award"] for c in awards] == ["金牌", "银牌", "铜牌", "优胜奖"]
    assert {m.award_reference for m in MedalHonor.objects.all()} == {c.code for c in awards}
    answer = verify_by_code(awards[0].code)
    assert answer["result"] == "valid" and answer["certificate"]["holder"] == "赵**"
    assert Credential.objects.filter(kind=Credential.Kind.SKILL_LEVEL, certificate__in=certificates).count() == 4
    # and never twice
    with pytest.raises(ApplicationError) as err:
        services.rewards_apply(actor=personas.city, competition=contest.competition)
    assert err.value.errors["competition"][0].startswith(rewards.ERR_ALREADY_APPLIED.split("{")[0])
    assert Certificate.objects.filter(source=Certificate.Source.COMPETITION).count() == 4
    assert Honor.objects.count() == 5


def test_only_organiser_applies(contest, personas, finished):
    with pytest.raises(PermissionDeniedError):
        services.rewards_apply(actor=personas.dan, competition=contest.competition)
    assert not Certificate.objects.filter(source=Certificate.Source.COMPETITION).exists()


def test_refused_while_appeal_pending(contest, personas, finished):
    _people, entries = finished
    contest.first_round.refresh_from_db()  # the window is 0 h: appeal at the moment of publication
    services.appeal_submit(actor=personas.dan, entry=entries[3], reason="名次有误",
                           now=contest.first_round.published_at)
    with pytest.raises(ApplicationError) as err:
        services.rewards_apply(actor=personas.city, competition=contest.competition)
    assert err.value.errors["competition"] == [rewards.ERR_APPEALS_PENDING.format(count=1)]
    assert not Honor.objects.exists()


def test_reward_refusals_are_given_in_the_users_language(contest, personas, finished):
    from django.utils import translation

    _people, entries = finished
    contest.first_round.refresh_from_db()
    services.appeal_submit(actor=personas.dan, entry=entries[3], reason="名次有误",
                           now=contest.first_round.published_at)
    with translation.override("en"), pytest.raises(ApplicationError) as err:
        services.rewards_apply(actor=personas.city, competition=contest.competition)
    assert err.value.errors["competition"] == [
        "Appeals still pending: 1. Rewards can only be granted once all appeals have been decided."
    ]
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as err:
        services.rewards_apply(actor=personas.city, competition=contest.competition)
    assert err.value.errors["competition"] == ["还有 1 项申诉待处理，处理完毕后才能兑现奖励。"]


def test_corrections_refused_once_rewards_applied(contest, personas, finished):
    _people, entries = finished
    services.rewards_apply(actor=personas.city, competition=contest.competition)
    with pytest.raises(ApplicationError):
        services.entry_record_scores(actor=contest.chief.user, entry=entries[0], theory_score=Decimal("10"),
                                     reason="测试")
