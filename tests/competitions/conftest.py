"""A city competition ready to run: 2025年绍兴市职业技能大赛, one event (数控车工, 30/70 theory/practical),
a 100-mark scheme (two measurement and two judgement aspects), two delegations and three judges.

Delegations: 越城区 (managed by dan, the 越城区 bureau) and 柯桥纺织 (managed by kira).
Judges: judge1 from 柯桥纺织 (so conflicted with that delegation's entries), judge2, and the
chief judge chief, both from outside every delegation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from gongjiang.catalog.models import Occupation
from gongjiang.competitions import services
from tests import factories

SCHEME = [
    {"name": "零件加工", "aspects": [
        {"code": "A1", "description": "尺寸精度", "kind": "measurement", "max_mark": "40"},
        {"code": "A2", "description": "表面粗糙度", "kind": "measurement", "max_mark": "30"},
    ]},
    {"name": "职业素养", "aspects": [
        {"code": "B1", "description": "工艺合理性", "kind": "judgement", "max_mark": "15",
         "descriptors": ["低于行业标准", "符合行业标准", "部分超过行业标准", "全面超过行业标准"]},
        {"code": "B2", "description": "安全文明生产", "kind": "judgement", "max_mark": "15",
         "descriptors": ["低于行业标准", "符合行业标准", "部分超过行业标准", "全面超过行业标准"]},
    ]},
]


@dataclass
class Contest:
    competition: Any
    event: Any
    yuecheng: Any  # delegation of 越城区
    keqiao: Any  # delegation of 柯桥纺织
    judge1: Any
    judge2: Any
    chief: Any
    occupation: Any

    @property
    def first_round(self) -> Any:
        return self.event.rounds.order_by("stage__sequence").first()


def lathe_occupation() -> Occupation:
    occupation, _ = Occupation.objects.get_or_create(
        code="6-18-01-01", defaults={"name": "车工", "national_grades": [1, 2, 3, 4, 5]}
    )
    return occupation


def build_contest(city: Any, personas: Any, *, stages: list[dict[str, Any]] | None = None,
                  year: int = 2025, name: str = "2025年绍兴市职业技能大赛", **event_extra: Any) -> Contest:
    occupation = lathe_occupation()
    competition = services.competition_create(
        actor=personas.city, name=name, organizer=city.city_bureau, level="city",
        start_date=dt.date(year, 6, 1), end_date=dt.date(year, 6, 3), stages=stages,
    )
    event = services.event_create(
        actor=personas.city, competition=competition, code="E01", name="数控车工", occupation=occupation,
        theory_weight=Decimal("30"), practical_weight=Decimal("70"), **event_extra,
    )
    services.marking_scheme_set(actor=personas.city, event=event, sections=SCHEME)
    heats = [h for s in (stages or []) for h in s.get("heats", [])]
    yuecheng = services.delegation_create(
        actor=personas.city, competition=competition, name="越城区代表队", kind="district",
        organization=city.yuecheng_bureau, heat=heats[0] if heats else "",
    )
    keqiao = services.delegation_create(
        actor=personas.city, competition=competition, name="柯桥纺织代表队", kind="enterprise",
        organization=city.keqiao_textile, heat=heats[1] if len(heats) > 1 else "",
    )
    judge1 = services.judge_assign(actor=personas.city, event=event, user=factories.user("judge1"), name="裁判甲",
                                   organization=city.keqiao_textile)
    judge2 = services.judge_assign(actor=personas.city, event=event, user=factories.user("judge2"), name="裁判乙")
    chief = services.judge_assign(actor=personas.city, event=event, user=factories.user("chief"), name="裁判长丙",
                                  is_chief=True)
    return Contest(competition, event, yuecheng, keqiao, judge1, judge2, chief, occupation)


@pytest.fixture
def contest(city: Any, personas: Any) -> Contest:
    return build_contest(city, personas)


def open_registration(contest: Contest, personas: Any) -> None:
    services.competition_set_status(actor=personas.city, competition=contest.competition, status="registration")


def start(contest: Contest, personas: Any) -> None:
    services.competition_set_status(actor=personas.city, competition=contest.competition, status="underway")


def competitor(city: Any, name: str, *, employer: Any = None, birth: dt.date | None = None) -> Any:
    kwargs: dict[str, Any] = {}
    if birth is not None:
        kwargs["id_number"] = factories.make_id_number("330602", birth, None)
    return factories.person(name, employer=employer or city.yuecheng_machinery, region_obj=city.yuecheng, **kwargs)


def full_marks(a1: Any, a2: Any, b1: int, b2: int) -> dict[str, Any]:
    return {"A1": a1, "A2": a2, "B1": b1, "B2": b2}
