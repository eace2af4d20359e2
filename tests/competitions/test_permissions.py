"""Each persona against the competition's data: who sees which entries, who may register, run,
judge and publish. Refusals change nothing."""

from __future__ import annotations

import pytest

from gongjiang.competitions import selectors, services
from gongjiang.competitions.models import Entry, EventRound
from gongjiang.core.exceptions import PermissionDeniedError
from tests.competitions.conftest import competitor, open_registration

# persona → number of the two entries (one per delegation) the persona sees
VISIBLE_ENTRIES = {"ada": 2, "sam": 0, "aud": 0, "city": 2, "dan": 1, "olga": 1, "stan": 1, "wang": 0, "kira": 1}
ORGANISERS = {"ada", "city"}
YUECHENG_MANAGERS = {"ada", "city", "dan"}


@pytest.fixture
def registered(contest, city, personas):
    open_registration(contest, personas)
    yuecheng = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                       people=[competitor(city, "越城选手")])
    keqiao = services.entry_register(actor=personas.kira, event=contest.event, delegation=contest.keqiao,
                                     people=[competitor(city, "柯桥选手", employer=city.keqiao_textile)])
    return yuecheng, keqiao


@pytest.mark.parametrize("name", sorted(VISIBLE_ENTRIES))
def test_entries_visible_per_persona(contest, personas, registered, name):
    user = getattr(personas, name)
    entries = selectors.entry_list(user=user, competition=contest.competition)
    assert entries.count() == VISIBLE_ENTRIES[name]
    assert selectors.can_organize(user, contest.competition) == (name in ORGANISERS)


@pytest.mark.parametrize("name", sorted(VISIBLE_ENTRIES))
def test_registration_into_the_yuecheng_delegation(contest, city, personas, registered, name):
    user = getattr(personas, name)
    worker = competitor(city, "新选手")
    before = Entry.objects.count()
    if name in YUECHENG_MANAGERS:
        entry = services.entry_register(actor=user, event=contest.event, delegation=contest.yuecheng, people=[worker])
        assert entry.status == Entry.Status.REGISTERED
    else:
        with pytest.raises(PermissionDeniedError):
            services.entry_register(actor=user, event=contest.event, delegation=contest.yuecheng, people=[worker])
        assert Entry.objects.count() == before


@pytest.mark.parametrize("name", sorted(VISIBLE_ENTRIES))
def test_only_organisers_run_the_competition(contest, personas, registered, name):
    user = getattr(personas, name)
    if name in ORGANISERS:
        services.competition_set_status(actor=user, competition=contest.competition, status="underway")
        contest.competition.refresh_from_db()
        assert contest.competition.status == "underway"
    else:
        with pytest.raises(PermissionDeniedError):
            services.competition_set_status(actor=user, competition=contest.competition, status="underway")
        contest.competition.refresh_from_db()
        assert contest.competition.status == "registration"


@pytest.mark.parametrize("name", [*sorted(VISIBLE_ENTRIES), "judge2"])
def test_only_the_chief_judge_publishes(contest, personas, registered, name):
    user = contest.judge2.user if name == "judge2" else getattr(personas, name)
    EventRound.objects.filter(pk=contest.first_round.pk).update(status=EventRound.Status.LOCKED)
    with pytest.raises(PermissionDeniedError):
        services.round_publish(actor=user, event_round=contest.first_round)
    assert EventRound.objects.get(pk=contest.first_round.pk).status == EventRound.Status.LOCKED
    services.round_publish(actor=contest.chief.user, event_round=contest.first_round)
    assert EventRound.objects.get(pk=contest.first_round.pk).status == EventRound.Status.PUBLISHED


def test_judges_see_their_events_and_no_names(contest, personas, registered):
    judge_user = contest.judge1.user
    assert selectors.entry_list(user=judge_user, competition=contest.competition).count() == 0
    assert [j.event for j in selectors.judge_assignments(judge_user)] == [contest.event]
    assert selectors.round_get_for_user(user=judge_user, pk=contest.first_round.pk) == contest.first_round
