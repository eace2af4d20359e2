"""End to end: set up with district heats and a final → register → judges → mark → lock →
publish → advance → final → medals → rewards applied once → the registry's levels updated."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongjiang.catalog.levels import SkillLevel
from gongjiang.competitions import selectors, services
from gongjiang.competitions.models import EventRound
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import AuditEntry
from gongjiang.people.models import Certificate, Honor
from tests.competitions.conftest import build_contest, competitor, full_marks


def mark_and_publish(contest, event_round, scores):
    for entry in event_round.entries.order_by("number"):
        a1 = scores[entry.members.get().person.name]
        for judge in (contest.judge2, contest.chief, contest.judge1):
            if selectors.judge_conflicts_with(judge, entry):
                continue
            services.marks_save(actor=judge.user, entry=entry, marks=full_marks(a1, 20, 2, 2), submit=True)
        services.entry_record_scores(actor=contest.chief.user, entry=entry, theory_score=Decimal("75"))
    services.round_lock(actor=contest.chief.user, event_round=event_round)
    return services.round_publish(actor=contest.chief.user, event_round=event_round)


def test_heats_final_medals_and_promotions(city, personas):
    # set up: heats in 越城 and 柯桥, best two of each advance; the final awards medals
    contest = build_contest(city, personas, stages=[
        {"name": "赛区赛", "heats": ["越城赛区", "柯桥赛区"], "advancement": "top_per_heat", "advance_count": 2},
        {"name": "决赛"},
    ], appeal_hours=0)
    services.reward_rule_create(actor=personas.city, competition=contest.competition, name="优胜奖及以上晋升技师",
                                min_medal="excellence", promotion="to_level", promotion_level=SkillLevel.TECHNICIAN)
    services.competition_set_status(actor=personas.city, competition=contest.competition, status="registration")
    scores = {"越甲工": 38, "越乙工": 30, "越丙工": 25, "柯甲工": 36, "柯乙工": 33, "柯丙工": 20}
    for name in scores:
        if name.startswith("越"):
            services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                    people=[competitor(city, name)])
        else:
            services.entry_register(actor=personas.kira, event=contest.event, delegation=contest.keqiao,
                                    people=[competitor(city, name, employer=city.keqiao_textile)])
    services.competition_set_status(actor=personas.city, competition=contest.competition, status="underway")
    heat_round, final_round = EventRound.objects.filter(event=contest.event).order_by("stage__sequence")

    # heats
    mark_and_publish(contest, heat_round, scores)
    finalists = services.round_advance(actor=personas.city, event_round=heat_round)
    assert sorted(e.members.get().person.name for e in finalists) == ["柯乙工", "柯甲工", "越乙工", "越甲工"]

    # final: no medals are public before publication
    assert selectors.medal_table(competition=contest.competition)[0].gold == 0
    mark_and_publish(contest, final_round, scores)
    results = selectors.public_results(EventRound.objects.get(pk=final_round.pk))
    assert [(r.position, r.names, r.medal) for r in results] == [
        (1, "越**", "gold"), (2, "柯**", "silver"), (3, "柯**", "bronze"), (4, "越**", "")]
    table = selectors.medal_table(competition=contest.competition)
    assert [(row.label, row.gold, row.silver, row.bronze) for row in table] == [
        ("越城区代表队", 1, 0, 0), ("柯桥纺织代表队", 0, 1, 1)]

    # rewards: applied once, the registry follows
    services.rewards_apply(actor=personas.city, competition=contest.competition)
    with pytest.raises(ApplicationError):
        services.rewards_apply(actor=personas.city, competition=contest.competition)
    medallists = {e.members.get().person.name: e.members.get().person for e in final_round.entries.all()}
    for person in medallists.values():
        person.refresh_from_db()
    assert medallists["越甲工"].current_level == SkillLevel.TECHNICIAN
    assert medallists["越乙工"].current_level is None  # 4th of 4: outside the top half, so no 优胜奖
    assert Certificate.objects.filter(source="competition").count() == 3
    assert Honor.objects.filter(title=Honor.Title.COMPETITION_MEDAL).count() == 3
    assert AuditEntry.objects.filter(action="competitions.rewards.applied").count() == 1
