"""Scoring: score entry per evaluator, sheets draft → submitted → locked, audited corrections,
sampling re-checks, absences. Bulk entry from Excel goes through the import pipeline
(evaluation.imports, entity ``evaluation_scores``), which enters each row with :func:`score_enter`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from gongjiang.core import audit
from gongjiang.core.exceptions import PermissionDeniedError
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import (
    Application,
    EvaluationBatch,
    Evaluator,
    EvaluatorAssignment,
    ScoreCorrection,
    ScoreEntry,
    ScoreSheet,
)
from gongjiang.evaluation.selectors import batch_queryset, evaluator_for_user
from gongjiang.evaluation.services._common import fail, require_batch_write

ERR_BATCH_STATE = gettext_noop("批次当前为“{state}”，不能录入成绩（考试中或评分中才可以）。")
ERR_SHEET_STATE = gettext_noop("成绩单已{state}，不能再修改；已锁定的成绩只能通过“成绩更正”修改。")
ERR_SCORE = gettext_noop("成绩应为 0–100 之间的数，最多一位小数。")
ERR_NOT_ASSIGNED = gettext_noop("{name}未被安排参加本批次的{component}。")
ERR_CONFLICT = gettext_noop("回避：考评员{evaluator}与考生{candidate}同属一个单位，不能为其评分。")
ERR_EVALUATOR_REQUIRED = gettext_noop("请指定考评员（技能考核和综合评审按考评员分别录入）。")
ERR_TOO_FEW = gettext_noop("{component}须由 {minimum} 名（含）以上单数考评员评分，现有 {count} 名。")
ERR_NO_SCORE = gettext_noop("尚未录入成绩。")
ERR_NOT_SUBMITTED = gettext_noop("只有已提交的成绩单可以锁定或退回。")
ERR_CORRECT_STATE = gettext_noop("只有已锁定的成绩需要走更正流程；未锁定的成绩可直接修改。")
ERR_CORRECT_REASON = gettext_noop("更正成绩须填写原因。")
ERR_CORRECT_CERTIFIED = gettext_noop("批次已发证，成绩不能再更正；如证书有误请撤销后补发。")
ERR_RECHECK_NOT_SAMPLED = gettext_noop("该成绩单未被抽中复核。")
ERR_RECHECK_SAME = gettext_noop("复核须由未参与原评分的考评员进行。")
ERR_RECHECK_STATE = gettext_noop("只有已提交或已锁定的成绩单可以复核。")
ERR_ABSENT_STATE = gettext_noop("只有考试中或评分中的批次可以登记缺考。")
ERR_NOT_ACCEPTED = gettext_noop("该申报未受理，不参加考试。")
ERR_RETURN_REASON = gettext_noop("退回须填写原因。")

SCORING_STATES = (EvaluationBatch.Status.EXAMINING, EvaluationBatch.Status.SCORING)


def _clean_score(value: Any, field: str = "score") -> Decimal:
    try:
        return rules.to_score(value)
    except (ValueError, InvalidOperation, ArithmeticError):
        raise fail(ERR_SCORE, field) from None


def _is_batch_staff(actor: Any, batch: EvaluationBatch) -> bool:
    return actor is None or batch_queryset(actor, write=True).filter(pk=batch.pk).exists()


def _assigned(batch: EvaluationBatch, evaluator: Evaluator, component: str) -> bool:
    return EvaluatorAssignment.objects.filter(batch=batch, evaluator=evaluator, component=component).exists()


def _check_conflict(evaluator: Evaluator, application: Application) -> None:
    if rules.has_conflict(evaluator.person.current_employer_id, application.employer_id or application.person.current_employer_id):
        raise fail(ERR_CONFLICT, "evaluator", evaluator=evaluator.person.name, candidate=application.person.name)


def _acting_evaluator(actor: Any, sheet: ScoreSheet, evaluator: Evaluator | None) -> Evaluator:
    """The evaluator an entry is for: the signed-in evaluator, or the one staff enter it for."""
    batch = sheet.application.batch
    own = evaluator_for_user(actor, batch.body) if actor is not None else None
    staff = _is_batch_staff(actor, batch)
    if evaluator is None:
        evaluator = own
    if evaluator is None:
        raise fail(ERR_EVALUATOR_REQUIRED, "evaluator")
    if not staff and (own is None or own.pk != evaluator.pk):
        raise PermissionDeniedError()
    if not _assigned(batch, evaluator, sheet.component):
        raise fail(ERR_NOT_ASSIGNED, "evaluator", name=evaluator.person.name,
                   component=rules.COMPONENT_LABELS[sheet.component])
    _check_conflict(evaluator, sheet.application)
    return evaluator


def _lock_sheet(sheet: ScoreSheet) -> ScoreSheet:
    return ScoreSheet.objects.select_for_update(of=("self",)).select_related(
        "application", "application__person", "application__batch", "application__batch__body"
    ).get(pk=sheet.pk)


@transaction.atomic
def score_enter(*, actor: Any, sheet: ScoreSheet, score: Any, evaluator: Evaluator | None = None) -> ScoreSheet:
    """Record a score on a draft sheet. Theory: one score, entered by the body's staff.
    Practical and review: one score per assigned evaluator (no conflict of interest); the sheet
    shows their combination (mean by default)."""
    sheet = _lock_sheet(sheet)
    batch = sheet.application.batch
    if batch.status not in SCORING_STATES:
        raise fail(ERR_BATCH_STATE, "batch", state=batch.get_status_display())
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise fail(ERR_SHEET_STATE, "status", state=sheet.get_status_display())
    value = _clean_score(score)
    if sheet.component == rules.THEORY:
        if not _is_batch_staff(actor, batch):
            raise PermissionDeniedError()
        before = sheet.score
        sheet.score = value
        who = None
    else:
        who = _acting_evaluator(actor, sheet, evaluator)
        entry, _created = ScoreEntry.objects.update_or_create(sheet=sheet, evaluator=who, defaults={"score": value})
        before = None
        values = [e.score for e in sheet.entries.all()]
        sheet.score = rules.combine(values, batch.practical_combine)
    sheet.entered_by = actor if getattr(actor, "is_authenticated", False) else None
    sheet.save(update_fields=["score", "entered_by", "updated_at"])
    audit.record(
        "evaluation.score.entered", obj=sheet,
        changes={"component": sheet.component, "score": str(value), "before": str(before) if before is not None else None,
                 "evaluator": who.pk if who else None, "combined": str(sheet.score)},
        actor=actor,
    )
    return sheet


@transaction.atomic
def sheet_submit(*, actor: Any, sheet: ScoreSheet) -> ScoreSheet:
    """draft → submitted. Practical and review sheets need an odd number of evaluators, at least
    the standard's minimum; their scores are combined as the batch says."""
    sheet = _lock_sheet(sheet)
    batch = sheet.application.batch
    if not _is_batch_staff(actor, batch) and not (
        actor is not None and sheet.entries.filter(evaluator__person__user=actor).exists()
    ):
        raise PermissionDeniedError()
    if batch.status not in SCORING_STATES:
        raise fail(ERR_BATCH_STATE, "batch", state=batch.get_status_display())
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise fail(ERR_SHEET_STATE, "status", state=sheet.get_status_display())
    if sheet.component != rules.THEORY:
        values = [e.score for e in sheet.entries.all()]
        minimum = batch.practical_evaluators_min if sheet.component == rules.PRACTICAL else 3
        if len(values) < minimum or len(values) % 2 == 0:
            raise fail(ERR_TOO_FEW, "entries", component=rules.COMPONENT_LABELS[sheet.component], minimum=minimum,
                       count=len(values))
        sheet.score = rules.combine(values, batch.practical_combine)
    if sheet.score is None:
        raise fail(ERR_NO_SCORE, "score")
    sheet.status = ScoreSheet.Status.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["score", "status", "submitted_at", "updated_at"])
    audit.record("evaluation.sheet.submitted", obj=sheet, changes={"score": str(sheet.score)}, actor=actor)
    return sheet


@transaction.atomic
def sheet_return(*, actor: Any, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """submitted → draft, e.g. when the body's review finds an entry mistake before locking."""
    sheet = _lock_sheet(sheet)
    require_batch_write(actor, sheet.application.batch)
    if sheet.status != ScoreSheet.Status.SUBMITTED:
        raise fail(ERR_NOT_SUBMITTED, "status")
    if not (reason or "").strip():
        raise fail(ERR_RETURN_REASON, "reason")
    sheet.status = ScoreSheet.Status.DRAFT
    sheet.save(update_fields=["status", "updated_at"])
    audit.record("evaluation.sheet.returned", obj=sheet, changes={"reason": reason}, actor=actor)
    return sheet


@transaction.atomic
def sheets_lock(*, actor: Any, batch: EvaluationBatch, sheets: list[ScoreSheet] | None = None) -> int:
    """submitted → locked (all submitted sheets of the batch, or the given ones)."""
    require_batch_write(actor, batch)
    queryset = ScoreSheet.objects.select_for_update().filter(application__batch=batch, status=ScoreSheet.Status.SUBMITTED)
    if sheets is not None:
        queryset = queryset.filter(pk__in=[s.pk for s in sheets])
    now = timezone.now()
    locked = []
    for sheet in queryset.order_by("pk"):
        sheet.status = ScoreSheet.Status.LOCKED
        sheet.locked_at = now
        sheet.save(update_fields=["status", "locked_at", "updated_at"])
        locked.append(sheet.pk)
    audit.record("evaluation.sheet.locked", obj=batch, changes={"sheets": locked}, actor=actor)
    return len(locked)


@transaction.atomic
def sheet_correct(*, actor: Any, sheet: ScoreSheet, score: Any, reason: str) -> ScoreCorrection:
    """Change a locked score: only with a reason, recorded as a correction and in the audit log.
    During publicity the application's result follows at once."""
    sheet = _lock_sheet(sheet)
    batch = sheet.application.batch
    require_batch_write(actor, batch)
    if sheet.status != ScoreSheet.Status.LOCKED:
        raise fail(ERR_CORRECT_STATE, "status")
    if batch.status in (EvaluationBatch.Status.CERTIFIED, EvaluationBatch.Status.CANCELLED):
        raise fail(ERR_CORRECT_CERTIFIED, "status")
    if not (reason or "").strip():
        raise fail(ERR_CORRECT_REASON, "reason")
    value = _clean_score(score)
    correction = ScoreCorrection.objects.create(
        sheet=sheet, old_score=sheet.score, new_score=value, reason=reason.strip()[:300],
        corrected_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    old = sheet.score
    sheet.score = value
    sheet.save(update_fields=["score", "updated_at"])
    application = sheet.application
    result_change = None
    if batch.status == EvaluationBatch.Status.PUBLICITY and application.result in (
        Application.Result.PASSED, Application.Result.FAILED
    ):
        scores = {s.component: s.score for s in application.score_sheets.all()}
        result = Application.Result.PASSED if rules.passed(scores, application.components, batch.pass_mark) else Application.Result.FAILED
        if result != application.result:
            result_change = [application.result, result]
            application.result = result
            application.save(update_fields=["result", "updated_at"])
    audit.record(
        "evaluation.score.corrected", obj=sheet,
        changes={"score": [str(old), str(value)], "reason": reason.strip(), "result": result_change}, actor=actor,
    )
    return correction


@transaction.atomic
def application_mark_absent(*, actor: Any, application: Application) -> Application:
    application = Application.objects.select_for_update(of=("self",)).select_related("batch").get(pk=application.pk)
    require_batch_write(actor, application.batch)
    if application.batch.status not in SCORING_STATES:
        raise fail(ERR_ABSENT_STATE, "status")
    if application.status != Application.Status.ACCEPTED:
        raise fail(ERR_NOT_ACCEPTED, "status")
    application.result = Application.Result.ABSENT
    application.save(update_fields=["result", "updated_at"])
    audit.record("evaluation.application.absent", obj=application, actor=actor)
    return application


@transaction.atomic
def recheck_sample(*, actor: Any, batch: EvaluationBatch) -> list[ScoreSheet]:
    """抽查复核: draw the batch's configured share of submitted/locked sheets (at least one),
    reproducibly for the batch. Drawing again returns the same sheets."""
    require_batch_write(actor, batch)
    eligible = ScoreSheet.objects.filter(
        application__batch=batch, status__in=[ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.LOCKED]
    )
    already = list(eligible.filter(is_sampled=True).order_by("pk"))
    if already:
        return already
    chosen = rules.sample_for_recheck(list(eligible.values_list("pk", flat=True)), float(batch.recheck_share), seed=batch.pk)
    ScoreSheet.objects.filter(pk__in=chosen).update(is_sampled=True)
    audit.record("evaluation.recheck.sampled", obj=batch, changes={"sheets": chosen, "share": str(batch.recheck_share)},
                 actor=actor)
    return list(ScoreSheet.objects.filter(pk__in=chosen).order_by("pk"))


@transaction.atomic
def recheck_record(*, actor: Any, sheet: ScoreSheet, score: Any, evaluator: Evaluator | None = None) -> ScoreSheet:
    """A second evaluator re-scores a sampled sheet; a difference beyond the batch's tolerance is
    flagged for the body to resolve (by a correction with a reason, or by confirming)."""
    sheet = _lock_sheet(sheet)
    batch = sheet.application.batch
    staff = _is_batch_staff(actor, batch)
    own = evaluator_for_user(actor, batch.body) if actor is not None else None
    evaluator = evaluator or own
    if evaluator is None:
        raise fail(ERR_EVALUATOR_REQUIRED, "evaluator")
    if not staff and (own is None or own.pk != evaluator.pk):
        raise PermissionDeniedError()
    if not sheet.is_sampled:
        raise fail(ERR_RECHECK_NOT_SAMPLED, "sheet")
    if sheet.status not in (ScoreSheet.Status.SUBMITTED, ScoreSheet.Status.LOCKED):
        raise fail(ERR_RECHECK_STATE, "status")
    if sheet.entries.filter(evaluator=evaluator).exists() or evaluator.body_id != batch.body_id:
        raise fail(ERR_RECHECK_SAME, "evaluator")
    _check_conflict(evaluator, sheet.application)
    value = _clean_score(score)
    sheet.recheck_score = value
    sheet.recheck_by = evaluator
    sheet.is_discrepant = sheet.score is not None and rules.discrepancy(sheet.score, value, batch.recheck_tolerance)
    sheet.save(update_fields=["recheck_score", "recheck_by", "is_discrepant", "updated_at"])
    audit.record("evaluation.recheck.recorded", obj=sheet,
                 changes={"original": str(sheet.score), "recheck": str(value), "discrepant": sheet.is_discrepant},
                 actor=actor)
    return sheet


# --- The score sheet template (evaluation.excel; read by evaluation.imports) -------------------

COMPONENT_NAMES = {
    "理论": rules.THEORY, "理论知识": rules.THEORY, "理论知识考试": rules.THEORY, "theory": rules.THEORY,
    "技能": rules.PRACTICAL, "技能考核": rules.PRACTICAL, "实操": rules.PRACTICAL, "practical": rules.PRACTICAL,
    "综合评审": rules.REVIEW, "评审": rules.REVIEW, "review": rules.REVIEW,
}
SCORE_COLUMNS = {"申报编号": "application", "姓名": "name", "科目": "component", "成绩": "score", "考评员证卡编号": "evaluator"}
