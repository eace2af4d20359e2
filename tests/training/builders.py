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


def apprenticeship(city: Any, *, actor: Any = None, kind: str = "enterprise_new_type", **extra: Any) -> Any:
    from gongjiang.training.services import apprenticeships as services

    college = extra.pop("school", None) or school(city)
    data = {
        "kind": kind,
        "apprentice": extra.pop("apprentice", None) or worker(city, "小徒弟"),
        "employer": city.yuecheng_machinery,
        "school": college,
        "enterprise_mentor": extra.pop("enterprise_mentor", None) or worker(city, "老师傅"),
        "school_mentor": extra.pop("school_mentor", None) or worker(city, "周老师", employer=college),
        "target_level": 3,
        "start_date": dt.date(2024, 3, 1),
        "planned_end_date": dt.date(2025, 2, 28),
        "contract_start": dt.date(2024, 1, 1),
        "contract_end": dt.date(2026, 12, 31),
        "occupation_name": "数控车工",
    }
    data.update(extra)
    return services.apprenticeship_create(actor=actor, **data)


def skill_policy(city: Any, **extra: Any) -> Any:
    from gongjiang.training.services import subsidies

    data = {
        "region": city.city, "year": 2024, "kind": "skill_upgrade", "name": "绍兴市 2024 年技能提升补贴",
        "amounts_by_level": {"1": "1000", "2": "1500", "3": "2000"}, "max_claims_per_year": 3,
        "min_insured_months": 12, "claim_window_months": 12, "exclusive_with": ["vocational_training"],
        "valid_from": dt.date(2024, 1, 1), "valid_until": dt.date(2024, 12, 31),
    }
    data.update(extra)
    return subsidies.policy_create(actor=None, **data)


def apprentice_policy(city: Any, **extra: Any) -> Any:
    from gongjiang.training.services import subsidies

    data = {"region": city.city, "year": 2024, "kind": "apprenticeship", "name": "绍兴市 2024 年学徒培训补贴",
            "per_person_year": "5000", "amount_cap": "10000", "max_claims_per_year": 1}
    data.update(extra)
    return subsidies.policy_create(actor=None, **data)


def filter_error(form_class: Any, name: str, value: str) -> str:
    """The sentence a list page names a refused filter value with: the filter's label and its
    form's message for that value (``training.forms.FilterForm``)."""
    from django import forms

    from gongjiang.web import listing

    form_field = form_class().fields[name]
    code = "invalid_choice" if isinstance(form_field, forms.ChoiceField) else "invalid"
    return str(listing.ERR_FILTER_FORM).format(label=form_field.label,
                                               message=form_field.error_messages[code] % {"value": value})
