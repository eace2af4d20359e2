"""Scoring: evaluators, conflicts of interest, sheet states, corrections, re-checks, Excel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.evaluation import services
from gongjiang.evaluation.models import ScoreCorrection, ScoreEntry, ScoreSheet
from gongjiang.evaluation.services import scoring
from tests import factories
from tests.evaluation.conftest import make_batch, run_to_examining, score_all


@pytest.fixture
def examining(setup):
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch)
    return batch, applications


def _sheet(application, component="practical"):
    return ScoreSheet.objects.get(application=application, component=component)


def test_practical_scores_are_combined_by_mean(setup, examining):
    _batch, applications = examining
    sheet = _sheet(applications[0])
    for evaluator, score in zip(setup.evaluators, ("70", "80", "95.5"), strict=True):
        sheet = services.score_enter(actor=None, sheet=sheet, score=score, evaluator=evaluator)
    assert sheet.score == Decimal("81.8")
    sheet = services.sheet_submit(actor=None, sheet=sheet)
    assert sheet.status == "submitted"


def test_an_evaluator_enters_their_own_score_after_signing_in(setup, examining):
    _batch, applications = examining
    login = factories.user("kp1")
    evaluator = setup.evaluators[0]
    evaluator.person.user = login
    evaluator.person.save(update_fields=["user"])
    sheet = services.score_enter(actor=login, sheet=_sheet(applications[0]), score=77)
    assert ScoreEntry.objects.get(sheet=sheet).evaluator == evaluator
    # but not in another evaluator's name, and not the theory score
    with pytest.raises(PermissionDeniedError):
        services.score_enter(actor=login, sheet=sheet, score=50, evaluator=setup.evaluators[1])
    with pytest.raises(PermissionDeniedError):
        services.score_enter(actor=login, sheet=_sheet(applications[0], "theory"), score=50)
    assert ScoreEntry.objects.count() == 1


def test_an_unassigned_evaluator_cannot_score(setup, examining):
    _batch, applications = examining
    with pytest.raises(ApplicationError) as error:
        services.score_enter(actor=None, sheet=_sheet(applications[0]), score=80, evaluator=setup.senior_evaluators[0])
    assert "未被安排" in str(error.value.message)


def test_no_evaluator_scores_a_candidate_from_their_own_employer(setup, city):
    batch = make_batch(setup)
    colleague = factories.person("同校考生", employer=setup.college, region_obj=city.yuecheng)
    # the college's staff may apply to 越城机械's self-evaluation only if employed there; use a social body
    from gongjiang.evaluation.services import body_scope_set, evaluator_add
    from tests.evaluation.conftest import filed_body

    centre = factories.organization("绍兴技能评价中心", kind="evaluation_body", region_obj=city.yuecheng)
    social = filed_body(centre, category="S", site="000002")
    body_scope_set(actor=None, body=social, occupation=setup.occupation, grades=[4])
    panel = [evaluator_add(actor=None, body=social, person=e.person) for e in setup.evaluators]
    from gongjiang.evaluation.services import batch_create, batch_transition

    today = dt.date.today()
    batch = batch_create(actor=None, body=social, name="社会评价", occupation=setup.occupation, grades=[4],
                         applications_open=today, applications_close=today + dt.timedelta(days=3))
    batch_transition(actor=None, batch=batch, target="open")
    application = services.application_submit(actor=None, batch=batch, person=colleague, grade=4,
                                              facts={"occupation_start": dt.date(2010, 1, 1)})
    batch_transition(actor=None, batch=batch, target="closed")
    for evaluator in panel:
        services.batch_assign_evaluator(actor=None, batch=batch, evaluator=evaluator, component="practical")
    batch_transition(actor=None, batch=batch, target="examining")
    with pytest.raises(ApplicationError) as error:
        services.score_enter(actor=None, sheet=_sheet(application), score=90, evaluator=panel[0])
    assert "回避" in str(error.value.message)
    assert not ScoreEntry.objects.exists()


def test_submit_needs_an_odd_panel_of_at_least_three(setup, examining):
    _batch, applications = examining
    sheet = _sheet(applications[0])
    for evaluator in setup.evaluators[:2]:
        services.score_enter(actor=None, sheet=sheet, score=80, evaluator=evaluator)
    with pytest.raises(ApplicationError) as error:
        services.sheet_submit(actor=None, sheet=sheet)
    assert "现有 2 名" in str(error.value.message)
    assert _sheet(applications[0]).status == "draft"


@pytest.mark.parametrize("bad", ["-1", "100.5", "八十", ""])
def test_scores_outside_0_to_100_are_refused(examining, bad):
    _batch, applications = examining
    with pytest.raises(ApplicationError) as error:
        services.score_enter(actor=None, sheet=_sheet(applications[0], "theory"), score=bad)
    assert error.value.message == scoring.ERR_SCORE
    assert _sheet(applications[0], "theory").score is None


def test_locked_sheets_change_only_by_an_audited_correction(setup, examining):
    batch, applications = examining
    score_all(batch, setup, {applications[0].pk: (58, 80)})
    sheet = _sheet(applications[0], "theory")
    assert sheet.status == "locked"
    with pytest.raises(ApplicationError):
        services.score_enter(actor=None, sheet=sheet, score=70)
    with pytest.raises(ApplicationError) as error:
        services.sheet_correct(actor=None, sheet=sheet, score=62, reason="")
    assert error.value.message == scoring.ERR_CORRECT_REASON
    services.sheet_correct(actor=None, sheet=sheet, score=62, reason="漏计第 38 题 4 分")
    sheet.refresh_from_db()
    assert sheet.score == Decimal("62.0")
    correction = ScoreCorrection.objects.get()
    assert (correction.old_score, correction.new_score) == (Decimal("58.0"), Decimal("62.0"))
    entry = AuditEntry.objects.get(action="evaluation.score.corrected")
    assert entry.changes["reason"] == "漏计第 38 题 4 分"


def test_scoring_refusals_are_given_in_the_users_language(setup, examining):
    from django.utils import translation

    batch, applications = examining
    score_all(batch, setup, {applications[0].pk: (58, 80)})
    sheet = _sheet(applications[0], "theory")
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.sheet_correct(actor=None, sheet=sheet, score=62, reason="")
    assert str(error.value.message) == "Enter the reason for correcting the score."
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.sheet_correct(actor=None, sheet=sheet, score=62, reason="")
    assert str(error.value.message) == "更正成绩须填写原因。"


def test_a_correction_during_publicity_updates_the_result(setup, examining):
    batch, applications = examining
    score_all(batch, setup, {a.pk: (58 if i == 0 else 80, 80) for i, a in enumerate(applications)})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    services.batch_transition(actor=None, batch=batch, target="publicity")
    applications[0].refresh_from_db()
    assert applications[0].result == "failed"
    services.sheet_correct(actor=None, sheet=_sheet(applications[0], "theory"), score=61, reason="复核加分")
    applications[0].refresh_from_db()
    assert applications[0].result == "passed"


@pytest.mark.parametrize("who", ["kira", "stan", "wang"])
def test_outsiders_cannot_enter_or_correct(setup, examining, personas, who):
    batch, applications = examining
    actor = getattr(personas, who)
    with pytest.raises(PermissionDeniedError):
        services.score_enter(actor=actor, sheet=_sheet(applications[0], "theory"), score=90)
    score_all(batch, setup, {applications[0].pk: (70, 70)})
    with pytest.raises(PermissionDeniedError):
        services.sheet_correct(actor=actor, sheet=_sheet(applications[0], "theory"), score=99, reason="x")
    assert _sheet(applications[0], "theory").score == Decimal("70.0")


def test_sampling_recheck_flags_discrepancies(setup, examining):
    batch, applications = examining
    score_all(batch, setup, {a.pk: (80, 80) for a in applications})
    batch.recheck_share = Decimal("0.5")
    batch.save()
    sampled = services.recheck_sample(actor=None, batch=batch)
    assert len(sampled) == 3  # half of six sheets
    assert services.recheck_sample(actor=None, batch=batch) == sampled
    practical = next((s for s in sampled if s.component == "practical"), None)
    theory = next((s for s in sampled if s.component == "theory"), None)
    if practical is not None:
        with pytest.raises(ApplicationError) as error:
            services.recheck_record(actor=None, sheet=practical, score=70, evaluator=setup.evaluators[0])
        assert error.value.message == scoring.ERR_RECHECK_SAME
    target = theory or practical
    flagged = services.recheck_record(actor=None, sheet=target, score=70, evaluator=setup.senior_evaluators[0])
    assert flagged.is_discrepant
    fine = services.recheck_record(actor=None, sheet=target, score=76, evaluator=setup.senior_evaluators[1])
    assert not fine.is_discrepant


def test_only_sampled_sheets_are_rechecked(setup, examining):
    batch, applications = examining
    score_all(batch, setup, {applications[0].pk: (80, 80)})
    with pytest.raises(ApplicationError):
        services.recheck_record(actor=None, sheet=_sheet(applications[0], "theory"), score=80,
                                evaluator=setup.senior_evaluators[0])
