"""Fixtures for evaluation: a filed body with scope and roster, a batch, helpers to advance it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from tests import factories

TODAY = timezone.localdate


@dataclass
class Setup:
    occupation: Any
    body: Any  # 越城机械 as an employer self-evaluation body (Y)
    college: Any  # the organisation the evaluators work for
    evaluators: list[Any]  # three 技师 evaluators from 越城技师学院
    senior_evaluators: list[Any]  # three 高级技师 senior evaluators
    candidates: list[Any]  # staff of 越城机械


def filed_body(organization: Any, *, category: str = "Y", site: str = "000001") -> Any:
    from gongjiang.evaluation.services import body_file

    return body_file(
        actor=None, organization=organization, category=category, filing_authority="浙江省人力资源和社会保障厅",
        filing_number=f"ZJ-PJ-{site}", institution_code="0000", province_code="33", site_code=site,
        valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2030, 12, 31),
    )


@pytest.fixture
def setup(city: Any, personas: Any) -> Setup:
    from gongjiang.evaluation.services import body_scope_set, evaluator_add

    occupation = factories.occupation()
    body = filed_body(city.yuecheng_machinery)
    body_scope_set(actor=None, body=body, occupation=occupation, grades=[5, 4, 3, 2, 1])
    college = factories.organization("越城技师学院", kind="technical_college", region_obj=city.yuecheng)
    evaluators, seniors = [], []
    for index in range(3):
        person = factories.person(f"考评员{'甲乙丙'[index]}", employer=college, region_obj=city.yuecheng)
        factories.certificate(person, level=4, occupation_obj=occupation)
        evaluators.append(evaluator_add(actor=None, body=body, person=person, card_number=f"KP{index + 1:03d}"))
        senior = factories.person(f"高评{'甲乙丙'[index]}", employer=college, region_obj=city.yuecheng)
        factories.certificate(senior, level=5, occupation_obj=occupation)
        seniors.append(evaluator_add(actor=None, body=body, person=senior, role="senior_evaluator",
                                     card_number=f"GP{index + 1:03d}"))
    candidates = [
        factories.person(name, employer=city.yuecheng_machinery, region_obj=city.yuecheng)
        for name in ("赵一", "钱二", "孙三")
    ]
    return Setup(occupation, body, college, evaluators, seniors, candidates)


def make_batch(setup: Setup, *, grades: tuple[int, ...] = (4,), open_it: bool = True, **extra: Any) -> Any:
    from gongjiang.evaluation.services import batch_create, batch_transition

    today = TODAY()
    batch = batch_create(
        actor=None, body=setup.body, name="2025 年第一批车工认定", occupation=setup.occupation, grades=list(grades),
        applications_open=today - dt.timedelta(days=5), applications_close=today + dt.timedelta(days=5), **extra,
    )
    if open_it:
        batch = batch_transition(actor=None, batch=batch, target="open")
    return batch


ELIGIBLE_FOR_4 = {"occupation_start": dt.date(2010, 1, 1)}  # 2018 template 4-2: six years in the occupation


def assign_panel(batch: Any, evaluators: list[Any], component: str = "practical") -> None:
    from gongjiang.evaluation.services import batch_assign_evaluator

    for evaluator in evaluators:
        batch_assign_evaluator(actor=None, batch=batch, evaluator=evaluator, component=component)


def run_to_examining(setup: Setup, batch: Any, *, people: list[Any] | None = None, grade: int = 4) -> list[Any]:
    """Apply (eligibly) for each person, close, assign a panel, start the exams."""
    from gongjiang.evaluation.services import application_submit, batch_transition

    applications = [
        application_submit(actor=None, batch=batch, person=person, grade=grade, facts=ELIGIBLE_FOR_4)
        for person in (people or setup.candidates)
    ]
    batch_transition(actor=None, batch=batch, target="closed")
    assign_panel(batch, setup.evaluators if grade > 2 else setup.senior_evaluators)
    if grade <= 2:
        assign_panel(batch, setup.senior_evaluators, "review")
    batch_transition(actor=None, batch=batch, target="examining")
    return applications


def score_all(batch: Any, setup: Setup, scores: dict[int, tuple[int, int]], *, grade: int = 4) -> None:
    """Enter, submit and lock theory and practical (and review) for each application id."""
    from gongjiang.evaluation.models import ScoreSheet
    from gongjiang.evaluation.services import score_enter, sheet_submit, sheets_lock

    panel = setup.evaluators if grade > 2 else setup.senior_evaluators
    for application_id, (theory, practical) in scores.items():
        for sheet in ScoreSheet.objects.filter(application_id=application_id):
            if sheet.component == "theory":
                score_enter(actor=None, sheet=sheet, score=theory)
            else:
                for evaluator in panel:
                    score_enter(actor=None, sheet=sheet, score=practical, evaluator=evaluator)
            sheet_submit(actor=None, sheet=sheet)
    sheets_lock(actor=None, batch=batch)


def number_of(person: Any) -> str:
    """A person's ID number in clear (tests write it into import files)."""
    from gongjiang.people.services import ID_CIPHER_AAD, get_provider

    return get_provider().decrypt(person.id_number_encrypted, associated_data=ID_CIPHER_AAD)


def errors(job: Any) -> set[tuple[int, str, str]]:
    """An import job's row errors as (row, column, code)."""
    return {(e.row, e.column, e.code) for e in job.row_errors.all()}
