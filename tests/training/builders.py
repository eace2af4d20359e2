"""Builders for training tests: programmes, schools, mentors, policies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gongjiang.training.models import TrainingProgram
from gongjiang.training.services import programs as program_services
from tests import factories


def program(city: Any, *, organizer: Any = None, status: str = "open", **extra: Any) -> TrainingProgram:
    data = {
        "name": "自动化技术高技能人才境外研修班",
        "kind": TrainingProgram.Kind.OVERSEAS_STUDY,
        "organizer": organizer or city.city_bureau,
        "destination_country": "DE",
        "start_date": dt.date(2024, 10, 12),
        "end_date": dt.date(2024, 10, 24),
        "days": 13,
        "capacity": 29,
        "hours": Decimal("80"),
        "assessment_required": False,
    }
    data.update(extra)
    created = program_services.program_create(actor=None, **data)
    if status != "draft":
        program_services.program_set_status(actor=None, program=created, status=status)
    created.refresh_from_db()
    return created


def school(city: Any, name: str = "绍兴技师学院") -> Any:
    return factories.organization(name, kind="technical_college", region_obj=city.city)


def worker(city: Any, name: str = "李工", employer: Any = None) -> Any:
    return factories.person(name, employer=employer or city.yuecheng_machinery, region_obj=city.yuecheng)
