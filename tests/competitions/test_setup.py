"""Setting a competition up: organiser scope, stages, events, schemes, delegations, judges, rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.competitions import selectors, services
from gongjiang.competitions.models import Aspect, Competition, EventRound, Judge, Stage
from gongjiang.competitions.services import setup
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from tests import factories
from tests.competitions.conftest import SCHEME, build_contest


def test_city_bureau_creates_competition_with_default_final(city, personas):
    # when
    competition = services.competition_create(
        actor=personas.city, name="绍兴市职业技能大赛", organizer=city.city_bureau, level="city",
        start_date=dt.date(2025, 6, 1), end_date=dt.date(2025, 6, 2),
    )
    # then
    assert competition.year == 2025 and competition.status == Competition.Status.DRAFT
    assert [s.name for s in competition.stages.all()] == ["决赛"]
    assert AuditEntry.objects.filter(action="competitions.competition.created", actor=personas.city).exists()


def test_district_admin_cannot_organise_for_the_city_bureau(city, personas):
    with pytest.raises(ApplicationError) as err:
        services.competition_create(actor=personas.dan, name="越城技能赛", organizer=city.city_bureau, level="district",
                                    start_date=dt.date(2025, 6, 1), end_date=dt.date(2025, 6, 1))
    assert err.value.errors["organizer"] == [setup.ERR_ORGANIZER_SCOPE]
    assert not Competition.objects.exists()


def test_competition_refuses_bad_dates_and_duplicate_names(contest, city, personas):
    with pytest.raises(ApplicationError) as err:
        services.competition_create(actor=personas.city, name=contest.competition.name, organizer=city.city_bureau,
                                    level="city", start_date=dt.date(2025, 6, 5), end_date=dt.date(2025, 6, 1))
    assert set(err.value.errors) == {"name", "end_date"}
    assert Competition.objects.count() == 1


def test_heats_and_final_create_a_round_per_event_and_stage(city, personas):
    contest = build_contest(city, personas, stages=[
        {"name": "赛区赛", "heats": ["越城赛区", "柯桥赛区"], "advancement": "top_per_heat", "advance_count": 2},
        {"name": "决赛"},
    ])
    rounds = EventRound.objects.filter(event=contest.event).order_by("stage__sequence")
    assert [r.stage.name for r in rounds] == ["赛区赛", "决赛"]
    assert contest.yuecheng.heat == "越城赛区"


def test_stage_with_advancement_needs_count_and_heats(contest, personas):
    with pytest.raises(ApplicationError) as err:
        services.stage_create(actor=personas.city, competition=contest.competition, name="预赛", sequence=0,
                              advancement=Stage.Advancement.TOP_PER_HEAT)
    assert set(err.value.errors) == {"advance_count", "heats"}


def test_status_moves_one_step_at_a_time(contest, personas):
    with pytest.raises(ApplicationError):
        services.competition_set_status(actor=personas.city, competition=contest.competition, status="finished")
    services.competition_set_status(actor=personas.city, competition=contest.competition, status="registration")
    contest.competition.refresh_from_db()
    assert contest.competition.status == "registration"


def test_event_weights_must_sum_to_100_and_tie_breaks_be_known(contest, personas):
    with pytest.raises(ApplicationError) as err:
        services.event_create(actor=personas.city, competition=contest.competition, code="E02", name="电工",
                              theory_weight=Decimal("40"), practical_weight=Decimal("50"), tie_breaks=["fastest"])
    assert set(err.value.errors) == {"practical_weight", "tie_breaks"}
    assert contest.competition.events.count() == 1


def test_event_code_unique_in_competition(contest, personas):
    with pytest.raises(ApplicationError) as err:
        services.event_create(actor=personas.city, competition=contest.competition, code="e01", name="另一个")
    assert err.value.errors["code"] == [setup.ERR_EVENT_CODE_TAKEN.format(code="E01", name="数控车工")]


def test_setup_refusals_are_given_in_the_users_language(contest, personas):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ApplicationError) as err:
        services.event_create(actor=personas.city, competition=contest.competition, code="e01", name="另一个")
    assert err.value.errors["code"] == ['Event number "E01" is already used by the event "数控车工".']
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as err:
        services.event_create(actor=personas.city, competition=contest.competition, code="e01", name="另一个")
    assert err.value.errors["code"] == ["赛项编号“E01”已被赛项“数控车工”使用。"]


def test_scheme_has_sections_and_aspects(contest):
    aspects = selectors.aspects_of(contest.event)
    assert [a.code for a in aspects] == ["A1", "A2", "B1", "B2"]
    assert sum(a.max_mark for a in aspects) == Decimal("100")
    assert aspects[2].kind == Aspect.Kind.JUDGEMENT and len(aspects[2].descriptors) == 4


def test_scheme_refuses_judgement_without_descriptors(contest, personas):
    bad = [{"name": "模块", "aspects": [{"code": "X", "description": "外观", "kind": "judgement", "max_mark": 5}]}]
    with pytest.raises(ApplicationError) as err:
        services.marking_scheme_set(actor=personas.city, event=contest.event, sections=bad)
    assert "sections" in err.value.errors
    assert contest.event.aspects.count() == 4


def test_only_organiser_sets_scheme(contest, personas):
    with pytest.raises(PermissionDeniedError):
        services.marking_scheme_set(actor=personas.dan, event=contest.event, sections=SCHEME)


def test_delegation_organisation_once_per_competition(contest, city, personas):
    with pytest.raises(ApplicationError) as err:
        services.delegation_create(actor=personas.city, competition=contest.competition, name="越城二队",
                                   kind="district", organization=city.yuecheng_bureau)
    assert "organization" in err.value.errors


def test_only_one_chief_judge(contest, personas):
    with pytest.raises(ApplicationError) as err:
        services.judge_assign(actor=personas.city, event=contest.event, user=factories.user("another"),
                              is_chief=True)
    assert err.value.errors["is_chief"] == [setup.ERR_JUDGE_CHIEF_TAKEN.format(name="裁判长丙")]
    assert Judge.objects.filter(event=contest.event).count() == 3


def test_reward_rule_validation(contest, personas):
    with pytest.raises(ApplicationError) as err:
        services.reward_rule_create(actor=personas.city, competition=contest.competition, name="空规则")
    assert set(err.value.errors) == {"rank_from", "honor_title"}
    with pytest.raises(ApplicationError) as err:
        services.reward_rule_create(actor=personas.city, competition=contest.competition, name="晋升特级",
                                    min_medal="gold", promotion="to_level", promotion_level=6)
    assert "promotion_level" in err.value.errors


def test_result_rules_frozen_after_a_round_is_locked(contest, personas):
    EventRound.objects.filter(event=contest.event).update(status=EventRound.Status.LOCKED)
    with pytest.raises(ApplicationError) as err:
        services.event_update(actor=personas.city, event=contest.event, medal_policy="worldskills")
    assert "medal_policy" in err.value.errors
    contest.event.refresh_from_db()
    assert contest.event.medal_policy == "national"
    services.event_update(actor=personas.city, event=contest.event, venue="绍兴技师学院")
    contest.event.refresh_from_db()
    assert contest.event.venue == "绍兴技师学院"
