"""Registering entries: limits on age (on the competition day), level, one event, quotas, scope."""

from __future__ import annotations

import datetime as dt

import pytest

from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import rules, services
from gongjiang.competitions.models import Entry
from gongjiang.competitions.services import registration
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.people import services as people_services
from tests.competitions.conftest import competitor, open_registration


def test_delegation_registers_eligible_worker(contest, city, personas):
    # given
    open_registration(contest, personas)
    worker = competitor(city, "李车工")
    # when
    entry = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                    people=[worker])
    # then
    assert entry.status == Entry.Status.REGISTERED and entry.number == "E01-001"
    assert [m.person for m in entry.members.all()] == [worker]
    assert entry.round.stage.name == "决赛"


def test_refused_outside_registration(contest, city, personas):
    worker = competitor(city, "李车工")
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng, people=[worker])
    assert "competition" in err.value.errors
    assert not Entry.objects.exists()


def test_age_counted_on_the_competition_day(contest, city, personas):
    open_registration(contest, personas)
    young = competitor(city, "小周", birth=dt.date(2009, 6, 2))  # 15 on 2025-06-01
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng, people=[young])
    reason = rules.ERR_AGE_BELOW.format(day="2025-06-01", age=15, limit=16)
    assert err.value.errors["people"] == [registration.ERR_PERSON_REFUSED.format(name="小周", reason=reason)]
    assert not Entry.objects.exists()


def test_level_limit(contest, city, personas):
    services.event_update(actor=personas.city, event=contest.event, min_level=SkillLevel.SENIOR)
    open_registration(contest, personas)
    worker = competitor(city, "吴工")
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng, people=[worker])
    assert "技能等级不符" in err.value.errors["people"][0]
    people_services.certificate_record(actor=None, holder=worker, number="HIST-0001", issue_date=dt.date(2020, 1, 1),
                                       level=SkillLevel.SENIOR, occupation=contest.occupation)
    worker.refresh_from_db()
    entry = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                    people=[worker])
    assert entry.is_active


def test_one_event_per_person_unless_allowed(contest, city, personas):
    other = services.event_create(actor=personas.city, competition=contest.competition, code="E02", name="电工")
    open_registration(contest, personas)
    worker = competitor(city, "郑工")
    services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng, people=[worker])
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=other, delegation=contest.yuecheng, people=[worker])
    assert err.value.errors["people"] == [registration.ERR_ONE_EVENT.format(name="郑工", event="数控车工")]
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng, people=[worker])
    assert err.value.errors["people"] == [registration.ERR_ALREADY_ENTERED.format(name="郑工", number="E01-001")]
    services.competition_update(actor=personas.city, competition=contest.competition, allow_multiple_events=True)
    contest.competition.refresh_from_db()
    other.refresh_from_db()
    assert services.entry_register(actor=personas.dan, event=other, delegation=contest.yuecheng, people=[worker])


def test_quota_is_enforced(contest, city, personas):
    services.quota_set(actor=personas.city, delegation=contest.yuecheng, event=contest.event, max_entries=1)
    open_registration(contest, personas)
    services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                            people=[competitor(city, "甲选手")])
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "乙选手")])
    assert err.value.errors["delegation"] == [
        registration.ERR_QUOTA_FULL.format(delegation="越城区代表队", event="数控车工", quota=1)
    ]
    assert Entry.objects.count() == 1


def test_registration_refusals_are_given_in_the_users_language(contest, city, personas):
    from django.utils import translation

    services.quota_set(actor=personas.city, delegation=contest.yuecheng, event=contest.event, max_entries=1)
    open_registration(contest, personas)
    services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                            people=[competitor(city, "甲选手")])
    with translation.override("en"), pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "乙选手")])
    assert err.value.errors["delegation"] == [
        'The delegation "越城区代表队" has a quota of 1 for the event "数控车工", and it is already full.'
    ]
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "丙选手")])
    assert err.value.errors["delegation"] == ["代表队“越城区代表队”在赛项“数控车工”的名额为 1 个，已全部报满。"]


def test_team_size_checked(contest, city, personas):
    services.event_update(actor=personas.city, event=contest.event, team_size=2)
    open_registration(contest, personas)
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "孤单")])
    assert err.value.errors["people"] == [registration.ERR_TEAM_SIZE.format(size=2, count=1)]


def test_delegation_cannot_register_people_outside_its_scope(contest, city, personas):
    open_registration(contest, personas)
    outsider = competitor(city, "柯桥人", employer=city.keqiao_textile)
    outsider.residence_region = city.keqiao
    outsider.save(update_fields=["residence_region"])
    with pytest.raises(ApplicationError) as err:
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[outsider])
    assert err.value.errors["people"] == [registration.ERR_PERSON_SCOPE.format(name="柯桥人")]


def test_other_delegation_manager_is_refused(contest, city, personas):
    open_registration(contest, personas)
    with pytest.raises(PermissionDeniedError):
        services.entry_register(actor=personas.kira, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "张工")])
    assert not Entry.objects.exists()


def test_worker_registers_self_pending_until_delegation_confirms(contest, city, personas):
    open_registration(contest, personas)
    me = personas.wang.person
    entry = services.entry_register(actor=personas.wang, event=contest.event, delegation=contest.yuecheng, people=[me])
    assert entry.status == Entry.Status.PENDING
    with pytest.raises(PermissionDeniedError):
        services.entry_confirm(actor=personas.wang, entry=entry)
    services.entry_confirm(actor=personas.dan, entry=entry)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.REGISTERED


def test_worker_cannot_register_someone_else(contest, city, personas):
    open_registration(contest, personas)
    with pytest.raises(PermissionDeniedError):
        services.entry_register(actor=personas.wang, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "别人")])


def test_withdraw_needs_reason_and_frees_the_person(contest, city, personas):
    open_registration(contest, personas)
    worker = competitor(city, "钱工")
    entry = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                    people=[worker])
    with pytest.raises(ApplicationError):
        services.entry_withdraw(actor=personas.dan, entry=entry, reason=" ")
    services.entry_withdraw(actor=personas.dan, entry=entry, reason="工作安排冲突")
    entry.refresh_from_db()
    assert entry.status == Entry.Status.WITHDRAWN
    again = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                    people=[worker])
    assert again.number == "E01-002"
