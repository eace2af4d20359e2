"""Batches (认定计划): creation, schedule, the state machine, evaluator assignment."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.catalog.models import Occupation, WorkType
from gongjiang.core import audit
from gongjiang.core.text import clauses, enumeration
from gongjiang.evaluation import rules
from gongjiang.evaluation.models import (
    GRADE_LABELS,
    Application,
    EligibilityRuleSet,
    EvaluationBatch,
    EvaluationBody,
    Evaluator,
    EvaluatorAssignment,
    Publicity,
    ScoreSheet,
)
from gongjiang.evaluation.selectors import rule_set_for
from gongjiang.evaluation.services._common import (
    collect,
    fail,
    fresh_batch,
    raise_if,
    require_batch_write,
    require_body_write,
)
from gongjiang.evaluation.services.bodies import evaluator_may_assess, scope_problems

ERR_NAME = gettext_noop("请填写批次名称。")
ERR_WINDOW = gettext_noop("报名截止日期不能早于报名开始日期。")
ERR_EXAM_BEFORE_CLOSE = gettext_noop("{label}不能早于报名截止日期。")
ERR_OUT_OF_SCOPE = gettext_noop("该机构不能开展此批次：{problems}。")
ERR_MOVE = gettext_noop("批次当前为“{current}”，不能变为“{target}”。")
ERR_NOT_EDITABLE = gettext_noop("只有草稿状态的批次可以修改。")
ERR_CLOSE_PASSED = gettext_noop("报名截止日期已过，请先修改报名时间。")
ERR_NO_APPLICATIONS = gettext_noop("没有已受理的申报，不能开考。")
ERR_ASSIGNMENTS = gettext_noop("考评员安排不符合要求：{problems}。")
ERR_UNSCORED = gettext_noop("还有 {count} 份成绩单未锁定（或未标记缺考），不能公示。例如：{example}。")
ERR_CANCEL_REASON = gettext_noop("取消批次须填写原因。")
ERR_USE_ISSUE = gettext_noop("发证请使用“发证”操作（公示期满后）。")
ERR_EVALUATOR_BODY = gettext_noop("考评员不属于本批次的评价机构。")
ERR_ASSIGN_STATE = gettext_noop("批次已进入“{state}”，不能再调整考评员。")
ERR_PUBLICITY_START = gettext_noop("公示开始日期不能晚于今天。")
ERR_GRADES_RULE_SET = gettext_noop("申报条件“{name}”未设置{grade}的条件。")
ERR_REVIEW_PANEL = gettext_noop("综合评审委员须为 3 人（含）以上单数（现 {count} 人）")
ERR_EVALUATOR_MISSING = gettext_noop("未安排{component}考评员")
ERR_GRADES = gettext_noop("认定等级应为 1–5 中的一个或多个。")
ERR_INVALID = gettext_noop("批次信息有误，请按提示修改。")
ERR_STATION = gettext_noop("考场 {station}：{problem}")
ERR_COMPONENT = gettext_noop("科目应为理论知识考试、技能考核或综合评审。")
ERR_ASSIGN_INVALID = gettext_noop("考评员安排有误，请按提示修改。")

SCHEDULE_FIELDS = (
    "name", "applications_open", "applications_close", "theory_exam_on", "practical_exam_on", "review_on", "sites",
    "capacity", "fee", "pass_mark", "practical_evaluators_min", "candidates_per_evaluator", "practical_combine",
    "recheck_share", "recheck_tolerance", "publicity_days",
)


def _check_schedule(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if not (data.get("name") or "").strip():
        collect(errors, "name", ERR_NAME)
    opens, closes = data["applications_open"], data["applications_close"]
    if closes < opens:
        collect(errors, "applications_close", ERR_WINDOW)
    for field, label in (("theory_exam_on", "理论考试日期"), ("practical_exam_on", "技能考核日期"), ("review_on", "综合评审日期")):
        if data.get(field) and data[field] < closes:
            collect(errors, field, ERR_EXAM_BEFORE_CLOSE, label=label)


@transaction.atomic
def batch_create(
    *,
    actor: Any,
    body: EvaluationBody,
    name: str,
    occupation: Occupation,
    grades: list[int],
    applications_open: dt.date,
    applications_close: dt.date,
    work_type: WorkType | None = None,
    rule_set: EligibilityRuleSet | None = None,
    **schedule: Any,
) -> EvaluationBatch:
    """Plan a batch. It must sit inside the body's filed scope and validity (checked again
    when it opens). Pass mark and staffing ratios default to the rule set's standard."""
    require_body_write(actor, body)
    rule_set = rule_set or rule_set_for(occupation)
    errors: dict[str, list[str]] = {}
    try:
        clean_grades = sorted({int(g) for g in grades}, reverse=True)
    except (TypeError, ValueError):
        clean_grades = []
    if not clean_grades or any(g not in rules.GRADE_NAMES for g in clean_grades):
        collect(errors, "grades", ERR_GRADES)
    data = {"name": name, "applications_open": applications_open, "applications_close": applications_close, **schedule}
    _check_schedule(data, errors)
    for grade in clean_grades:
        if grade in rules.GRADE_NAMES and str(grade) not in (rule_set.grades or {}):
            collect(errors, "rule_set", ERR_GRADES_RULE_SET, name=rule_set.name, grade=GRADE_LABELS[grade])
    if not errors:
        problems = scope_problems(body, occupation=occupation, work_type=work_type, grades=clean_grades, on=applications_open)
        if problems:
            collect(errors, "occupation", ERR_OUT_OF_SCOPE, problems=clauses(problems))
    raise_if(errors, ERR_INVALID)
    defaults = {
        "pass_mark": rule_set.pass_mark,
        "practical_evaluators_min": rule_set.practical_evaluators_min,
        "candidates_per_evaluator": rule_set.candidates_per_evaluator,
    }
    batch = EvaluationBatch(
        body=body, occupation=occupation, work_type=work_type, grades=clean_grades, rule_set=rule_set,
        **{**defaults, **{k: v for k, v in data.items() if k in SCHEDULE_FIELDS}},
    )
    batch.name = batch.name.strip()
    batch.full_clean()
    batch.save()
    audit.record("evaluation.batch.created", obj=batch, changes=audit.snapshot(batch), actor=actor)
    return batch


@transaction.atomic
def batch_update(*, actor: Any, batch: EvaluationBatch, **changes: Any) -> EvaluationBatch:
    """Change a draft batch's schedule and settings."""
    require_batch_write(actor, batch)
    batch = fresh_batch(batch)
    if batch.status != EvaluationBatch.Status.DRAFT:
        raise fail(ERR_NOT_EDITABLE, "status")
    unknown = set(changes) - set(SCHEDULE_FIELDS)
    if unknown:
        raise fail("不能修改这些字段：{fields}。", "non_field_errors", fields=enumeration(sorted(unknown)))
    before = audit.snapshot(batch)
    data = {field: getattr(batch, field) for field in SCHEDULE_FIELDS}
    data.update(changes)
    errors: dict[str, list[str]] = {}
    _check_schedule(data, errors)
    raise_if(errors, ERR_INVALID)
    for key, value in changes.items():
        setattr(batch, key, value)
    batch.full_clean()
    batch.save()
    audit.record("evaluation.batch.updated", obj=batch, changes=audit.diff(before, audit.snapshot(batch)), actor=actor)
    return batch


def _lock(batch: EvaluationBatch) -> EvaluationBatch:
    return EvaluationBatch.objects.select_for_update(of=("self",)).select_related("body", "rule_set").get(pk=batch.pk)


def assignment_problems(batch: EvaluationBatch) -> list[str]:
    """Why the evaluator arrangement does not satisfy the standard ([] when it does)."""
    accepted = list(batch.applications.filter(status=Application.Status.ACCEPTED))
    problems: list[str] = []
    needed: set[str] = set()
    for application in accepted:
        needed.update(application.components)
    assignments = list(batch.assignments.select_related("evaluator", "evaluator__person"))
    top_grade = min((a.grade for a in accepted), default=min(batch.grades))
    for assignment in assignments:
        problems.extend(evaluator_may_assess(assignment.evaluator, top_grade, batch.applications_close))
    by_component: dict[str, list[EvaluatorAssignment]] = {}
    for assignment in assignments:
        by_component.setdefault(assignment.component, []).append(assignment)
    labels = rules.COMPONENT_LABELS
    # Theory scores come from the exam (paper or computer) and are entered by the body's staff.
    for component in sorted(needed - {rules.THEORY}):
        if not by_component.get(component):
            problems.append(_(ERR_EVALUATOR_MISSING).format(component=labels[component]))
    practical_candidates = sum(1 for a in accepted if rules.PRACTICAL in a.components)
    if practical_candidates and by_component.get(rules.PRACTICAL):
        stations: dict[str, int] = {}
        for assignment in by_component[rules.PRACTICAL]:
            stations[assignment.station] = stations.get(assignment.station, 0) + 1
        per_station = math.ceil(practical_candidates / len(stations))
        for station, count in sorted(stations.items()):
            for problem in rules.ratio_problems(
                per_station, count, minimum=batch.practical_evaluators_min,
                candidates_per_evaluator=batch.candidates_per_evaluator,
            ):
                problems.append(_(ERR_STATION).format(station=station, problem=problem))
    review_count = len(by_component.get(rules.REVIEW, []))
    if rules.REVIEW in needed and review_count and (review_count < 3 or review_count % 2 == 0):
        problems.append(_(ERR_REVIEW_PANEL).format(count=review_count))
    return problems


def _create_sheets(batch: EvaluationBatch) -> int:
    created = 0
    for application in batch.applications.filter(status=Application.Status.ACCEPTED):
        for component in application.components:
            _sheet, was_created = ScoreSheet.objects.get_or_create(application=application, component=component)
            created += int(was_created)
    return created


def _compute_results(batch: EvaluationBatch) -> dict[str, int]:
    """Each accepted, present application passes when every required component is locked and
    reaches the pass mark. Refuses (ApplicationError) when a sheet is not locked yet."""
    pending = []
    outcome = {"passed": 0, "failed": 0, "absent": 0}
    applications = batch.applications.filter(status=Application.Status.ACCEPTED).select_related("person").prefetch_related(
        "score_sheets"
    )
    for application in applications:
        if application.result in (Application.Result.ABSENT, Application.Result.EXCLUDED):
            outcome["absent"] += application.result == Application.Result.ABSENT
            continue
        sheets = {s.component: s for s in application.score_sheets.all()}
        missing = [c for c in application.components if c not in sheets or sheets[c].status != ScoreSheet.Status.LOCKED]
        if missing:
            pending.append(f"{application.person.name}（{rules.COMPONENT_LABELS[missing[0]]}）")
            continue
        scores: dict[str, Decimal | None] = {c: sheets[c].score for c in application.components}
        result = Application.Result.PASSED if rules.passed(scores, application.components, batch.pass_mark) else Application.Result.FAILED
        if application.result != result:
            application.result = result
            application.save(update_fields=["result", "updated_at"])
        outcome["passed" if result == Application.Result.PASSED else "failed"] += 1
    if pending:
        raise fail(ERR_UNSCORED, "status", count=len(pending), example=enumeration(pending[:3]))
    return outcome


@transaction.atomic
def batch_transition(
    *, actor: Any, batch: EvaluationBatch, target: str, reason: str = "", publicity_starts_on: dt.date | None = None
) -> EvaluationBatch:
    """Move a batch to ``target``; every move is checked against the state machine and its
    guard, and audited. Issuing certificates (publicity → certified) is ``batch_issue``."""
    require_batch_write(actor, batch)
    batch = _lock(batch)
    current = batch.status
    if target == EvaluationBatch.Status.CERTIFIED:
        raise fail(ERR_USE_ISSUE, "status")
    if target not in EvaluationBatch.Status.values or not rules.can_move(current, target):
        raise fail(
            ERR_MOVE, "status", current=EvaluationBatch.Status(current).label,
            target=EvaluationBatch.Status(target).label if target in EvaluationBatch.Status.values else target,
        )
    today = timezone.localdate()
    details: dict[str, Any] = {}
    if target == EvaluationBatch.Status.OPEN:
        problems = scope_problems(batch.body, occupation=batch.occupation, work_type=batch.work_type, grades=batch.grades, on=today)
        if problems:
            raise fail(ERR_OUT_OF_SCOPE, "status", problems=clauses(problems))
        if batch.applications_close < today:
            raise fail(ERR_CLOSE_PASSED, "applications_close")
    elif target == EvaluationBatch.Status.EXAMINING:
        if not batch.applications.filter(status=Application.Status.ACCEPTED).exists():
            raise fail(ERR_NO_APPLICATIONS, "status")
        problems = assignment_problems(batch)
        if problems:
            raise fail(ERR_ASSIGNMENTS, "status", problems=clauses(problems))
        details["sheets_created"] = _create_sheets(batch)
    elif target == EvaluationBatch.Status.PUBLICITY:
        details["results"] = _compute_results(batch)
        starts = publicity_starts_on or today
        if starts > today:
            raise fail(ERR_PUBLICITY_START, "publicity_starts_on")
        ends = starts + dt.timedelta(days=max(batch.publicity_days, 1) - 1)
        Publicity.objects.update_or_create(batch=batch, defaults={"starts_on": starts, "ends_on": ends})
        details["publicity"] = [starts.isoformat(), ends.isoformat()]
    elif target == EvaluationBatch.Status.SCORING and current == EvaluationBatch.Status.PUBLICITY:
        Publicity.objects.filter(batch=batch).delete()
        batch.applications.filter(result__in=[Application.Result.PASSED, Application.Result.FAILED]).update(
            result=Application.Result.PENDING
        )
        details["publicity_withdrawn"] = True
    elif target == EvaluationBatch.Status.CANCELLED:
        if not reason.strip():
            raise fail(ERR_CANCEL_REASON, "reason")
        batch.cancel_reason = reason.strip()[:300]
    batch.status = target
    batch.save(update_fields=["status", "cancel_reason", "updated_at"])
    audit.record(
        f"evaluation.batch.{target}", obj=batch,
        changes={"status": [current, target], "reason": reason, **details}, actor=actor,
    )
    return batch


@transaction.atomic
def batch_assign_evaluator(
    *, actor: Any, batch: EvaluationBatch, evaluator: Evaluator, component: str, station: str = "1"
) -> EvaluatorAssignment:
    require_batch_write(actor, batch)
    batch = fresh_batch(batch)
    errors: dict[str, list[str]] = {}
    if evaluator.body_id != batch.body_id:
        collect(errors, "evaluator", ERR_EVALUATOR_BODY)
    if batch.status not in (EvaluationBatch.Status.DRAFT, EvaluationBatch.Status.OPEN, EvaluationBatch.Status.CLOSED):
        collect(errors, "batch", ERR_ASSIGN_STATE, state=batch.get_status_display())
    if component not in EvaluatorAssignment.Component.values:
        collect(errors, "component", ERR_COMPONENT)
    if not errors:
        problems = evaluator_may_assess(evaluator, min(batch.grades), batch.applications_close)
        if problems:
            collect(errors, "evaluator", clauses(problems))
    raise_if(errors, ERR_ASSIGN_INVALID)
    assignment, _created = EvaluatorAssignment.objects.update_or_create(
        batch=batch, evaluator=evaluator, component=component, defaults={"station": (station or "1").strip()[:50]}
    )
    audit.record("evaluation.batch.evaluator_assigned", obj=batch,
                 changes={"evaluator": evaluator.pk, "component": component, "station": assignment.station}, actor=actor)
    return assignment


@transaction.atomic
def batch_unassign_evaluator(*, actor: Any, assignment: EvaluatorAssignment) -> None:
    require_batch_write(actor, assignment.batch)
    assignment.batch = fresh_batch(assignment.batch)
    if assignment.batch.status not in (EvaluationBatch.Status.DRAFT, EvaluationBatch.Status.OPEN, EvaluationBatch.Status.CLOSED):
        raise fail(ERR_ASSIGN_STATE, "batch", state=assignment.batch.get_status_display())
    audit.record("evaluation.batch.evaluator_unassigned", obj=assignment.batch,
                 changes={"evaluator": assignment.evaluator_id, "component": assignment.component}, actor=actor)
    assignment.delete()
