"""Judging: marks per judge on score sheets (draft → submitted → locked), moderation of judgement
scores that differ too much, locking and publishing a round, audited corrections, appeals and
advancement to the next stage. Results are computed from the marks here and stored on entries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.competitions import rules, selectors
from gongjiang.competitions.lock_objects import round_for_update
from gongjiang.competitions.models import (
    Appeal,
    Aspect,
    Competition,
    Entry,
    EntryMember,
    EventRound,
    Judge,
    Mark,
    MarkCorrection,
    Moderation,
    ScoreSheet,
    Stage,
)
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.rules import normalize_text
from gongjiang.core.text import clauses, enumeration

ERR_NOT_JUDGE = gettext_noop("您不是本赛项的裁判。")
ERR_NOT_CHIEF = gettext_noop("只有本赛项的裁判长可以执行此操作。")
ERR_CONFLICT = gettext_noop("回避：参赛编号 {number} 来自您所在的单位或代表队，您不能为其评分。")
ERR_NOT_UNDERWAY = gettext_noop("竞赛尚未进入比赛阶段（当前为“{status}”），不能评分。")
ERR_ROUND_NOT_OPEN = gettext_noop("本轮成绩已锁定，不能再直接修改；如需更改，请由裁判长填写原因进行更正。")
ERR_SHEET_NOT_DRAFT = gettext_noop("成绩单已提交，不能修改；如需修改，请裁判长退回。")
ERR_SHEET_NOT_SUBMITTED = gettext_noop("只有已提交的成绩单可以退回。")
ERR_SHEET_EMPTY = gettext_noop("成绩单还没有任何评分，不能提交。")
ERR_ASPECT_UNKNOWN = gettext_noop("评分项 {aspect} 不属于本赛项。")
ERR_VALUE = gettext_noop("“{aspect}”的得分不是有效数字：{value}。")
ERR_ENTRY_INACTIVE = gettext_noop("参赛编号 {number} 已{status}，不能评分。")
ERR_LOCK_DRAFTS = gettext_noop("还有 {count} 份成绩单未提交（{sheets}），不能锁定。")
ERR_LOCK_MISSING = gettext_noop("以下参赛者尚有评分项没有评分：{items}。")
ERR_LOCK_DISAGREE = gettext_noop("以下评价分裁判间相差超过 {tolerance} 分，须复议（重新评分或由裁判长确认）：{items}。")
ERR_LOCK_THEORY = gettext_noop("本赛项理论成绩占 {weight}%，以下参赛者还没有理论成绩：{items}。")
ERR_LOCK_EMPTY = gettext_noop("本轮没有有效的参赛者，不能锁定。")
ERR_NOT_LOCKED = gettext_noop("只有已锁定的成绩可以公布（当前为“{status}”）。")
ERR_ALREADY_PUBLISHED = gettext_noop("本轮成绩已公布。")
ERR_CORRECTION_OPEN = gettext_noop("本轮成绩尚未锁定，请直接修改成绩单，无须更正。")
ERR_CORRECTION_REASON = gettext_noop("更正锁定的成绩须填写原因。")
ERR_CORRECTION_SAME = gettext_noop("更正后的分数与原分数相同。")
ERR_REWARDS_DONE = gettext_noop("本竞赛的奖励已兑现，不能再更正成绩。")
ERR_MODERATION_REASON = gettext_noop("请填写复议意见。")
ERR_MODERATION_NOT_NEEDED = gettext_noop("该评分项的裁判评分差异在允许范围内，无须复议。")
ERR_APPEAL_NOT_PUBLISHED = gettext_noop("成绩公布后才能申诉。")
ERR_APPEAL_CLOSED = gettext_noop("申诉期已于 {deadline} 结束。")
ERR_APPEAL_REASON = gettext_noop("请填写申诉理由。")
ERR_APPEAL_PENDING = gettext_noop("该参赛者已有一项待处理的申诉。")
ERR_APPEAL_DECIDED = gettext_noop("该申诉已处理（{status}）。")
ERR_APPEAL_OUTCOME = gettext_noop("请填写处理结果，并选择“申诉成立”或“驳回”。")
ERR_ADVANCE_FINAL = gettext_noop("本轮是最后阶段，没有下一阶段可晋级。")
ERR_ADVANCE_NOT_PUBLISHED = gettext_noop("本轮成绩公布后才能生成晋级名单。")
ERR_ADVANCE_DONE = gettext_noop("本轮晋级名单已于 {at} 生成。")
ERR_TIME = gettext_noop("完成用时须为不小于 0 的整数秒。")
ERR_THEORY = gettext_noop("理论成绩须在 0 至 100 之间。")


def _require_judge(actor: Any, event_round: EventRound) -> Judge:
    judge = selectors.judge_for(actor, event_round.event)
    if judge is None:
        raise PermissionDeniedError(_(ERR_NOT_JUDGE))
    return judge


def _require_chief(actor: Any, event_round: EventRound) -> Judge | None:
    """The chief judge of the round's event (actor=None: a system job)."""
    if actor is None:
        return None
    judge = selectors.judge_for(actor, event_round.event)
    if judge is None or not judge.is_chief:
        raise PermissionDeniedError(_(ERR_NOT_CHIEF))
    return judge


def _require_chief_or_organizer(actor: Any, event_round: EventRound) -> None:
    if selectors.can_organize(actor, event_round.event.competition):
        return
    _require_chief(actor, event_round)


# =================================================================================================
# Results
# =================================================================================================


@dataclass
class EntryResult:
    practical_marks: Decimal
    practical_score: Decimal
    total_score: Decimal
    position: int
    medal: str
    scale_score: Decimal | None
    is_advancing: bool


def compute_results(event_round: EventRound) -> dict[int, EntryResult]:
    """Results of a round from its submitted/locked marks: totals, ranks per pool, medals (final
    stage only), the 700 scale (WorldSkills policy) and who advances (earlier stages)."""
    event = event_round.event
    stage = event_round.stage
    marks = selectors.round_marks(event_round, with_people=False)
    max_marks = sum((a.aspect.max_mark for a in marks[0].aspects), Decimal(0)) if marks else Decimal(0)
    performances: dict[int, rules.Performance] = {}
    partial: dict[int, tuple[Decimal, Decimal]] = {}
    pools: dict[str, list[int]] = defaultdict(list)
    per_heat = stage.advancement == Stage.Advancement.TOP_PER_HEAT
    for row in marks:
        entry = row.entry
        practical = rules.percent(row.practical_marks, max_marks)
        total = rules.weighted_total(theory=entry.theory_score, practical=practical,
                                     theory_weight=event.theory_weight, practical_weight=event.practical_weight)
        performances[entry.pk] = rules.Performance(
            key=entry.pk, total=total, practical=practical, theory=entry.theory_score or Decimal(0),
            time_seconds=entry.completion_seconds,
        )
        partial[entry.pk] = (row.practical_marks, practical)
        pools[entry.heat if per_heat else ""].append(entry.pk)
    final = selectors.is_final(event_round)
    results: dict[int, EntryResult] = {}
    for keys in pools.values():
        ranks = rules.rank([performances[k] for k in keys], event.tie_breaks)
        scale: dict[Any, Decimal] = {}
        medals: dict[Any, str] = {}
        advancing: set[Any] = set()
        if final:
            if event.medal_policy == rules.POLICY_WORLDSKILLS:
                scale = rules.standardize({k: performances[k].total for k in keys})
            medals = rules.allocate_medals(ranks, event.medal_rules(), scale)
        elif stage.advancement == Stage.Advancement.TOP_PER_HEAT and stage.advance_count:
            advancing = rules.select_top(ranks, stage.advance_count)
        for key in keys:
            results[key] = EntryResult(
                practical_marks=partial[key][0], practical_score=partial[key][1],
                total_score=performances[key].total, position=ranks[key], medal=medals.get(key, ""),
                scale_score=scale.get(key), is_advancing=key in advancing,
            )
    if not final and stage.advancement == Stage.Advancement.TOP_OVERALL and stage.advance_count:
        overall = rules.rank(performances.values(), event.tie_breaks)
        advancing_overall = rules.select_top(overall, stage.advance_count)
        for pk, result in results.items():
            if pk in advancing_overall:
                result.is_advancing = True
    return results


RESULT_FIELDS = ("practical_marks", "practical_score", "total_score", "position", "medal", "scale_score",
                 "is_advancing")


def _store_results(event_round: EventRound) -> dict[int, EntryResult]:
    """Compute the round's results and write them onto its entries.

    One ``executemany`` UPDATE instead of ``bulk_update``: the latter builds a CASE expression
    per field and row, which for a 300-entry event costs more than computing the results.
    """
    results = compute_results(event_round)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    fields = {f.name: f for f in Entry._meta.concrete_fields}
    decimal_fields = {name: f for name, f in fields.items() if isinstance(f, models.DecimalField)}

    def decimal(name: str, value: Decimal | None) -> Any:
        field = decimal_fields[name]
        return ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)

    rows = [
        (decimal("practical_marks", r.practical_marks), decimal("practical_score", r.practical_score),
         decimal("total_score", r.total_score), r.position, r.medal, decimal("scale_score", r.scale_score),
         r.is_advancing, now, pk)
        for pk, r in results.items()
    ]
    _write_rows(fields, rows)
    # Entries no longer active keep no result.
    Entry.objects.filter(round=event_round).exclude(pk__in=results).update(
        practical_marks=None, practical_score=None, total_score=None, position=None, medal="", scale_score=None,
        is_advancing=False,
    )
    return results


# PostgreSQL types of the result columns, for the VALUES list of the one-statement update.
_PG_TYPES = ("numeric", "numeric", "numeric", "integer", "varchar", "numeric", "boolean", "timestamptz", "bigint")


def _write_rows(fields: dict[str, Any], rows: list[tuple[Any, ...]]) -> None:
    """UPDATE the result columns of many entries: one statement per 1,000 rows on PostgreSQL
    (UPDATE … FROM (VALUES …)), ``executemany`` on SQLite, where statements are in-process."""
    if not rows:
        return
    ops = connection.ops
    quote = ops.quote_name
    names = (*RESULT_FIELDS, "updated_at")
    table = quote(Entry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            columns = ", ".join(f"{quote(fields[name].column)} = %s" for name in names)
            cursor.executemany(f"UPDATE {table} SET {columns} WHERE {quote('id')} = %s", rows)
            return
        aliases = [f"c{index}" for index in range(len(names))]
        assignments = ", ".join(
            f"{quote(fields[name].column)} = v.{alias}::{pg_type}"
            for name, alias, pg_type in zip(names, aliases, _PG_TYPES, strict=False)
        )
        row_markers = "(" + ", ".join(["%s"] * (len(names) + 1)) + ")"
        for start in range(0, len(rows), 1000):
            chunk = rows[start:start + 1000]
            values = ", ".join([row_markers] * len(chunk))
            cursor.execute(
                f"UPDATE {table} AS e SET {assignments} FROM (VALUES {values}) AS v({', '.join(aliases)}, pk) "
                f"WHERE e.{quote('id')} = v.pk::bigint",
                [value for row in chunk for value in row],
            )


def _result_snapshot(event_round: EventRound) -> dict[str, list[Any]]:
    return {
        number: [str(total) if total is not None else None, position, medal]
        for number, total, position, medal in Entry.objects.filter(round=event_round).values_list(
            "number", "total_score", "position", "medal"
        )
    }


def _recompute(actor: Any, event_round: EventRound, reason: str) -> None:
    before = _result_snapshot(event_round)
    _store_results(event_round)
    after = _result_snapshot(event_round)
    changed = {number: [before.get(number), value] for number, value in after.items() if before.get(number) != value}
    if changed:
        audit.record("competitions.round.results_recomputed", obj=event_round,
                     changes={"reason": reason, "results": changed}, actor=actor)


# =================================================================================================
# Marking
# =================================================================================================


def _check_markable(judge: Judge, entry: Entry, event_round: EventRound) -> None:
    competition = event_round.event.competition
    if competition.status != Competition.Status.UNDERWAY:
        raise ApplicationError(_(ERR_NOT_UNDERWAY).format(status=competition.get_status_display()), field="entry")
    if event_round.status != EventRound.Status.OPEN:
        raise ApplicationError(_(ERR_ROUND_NOT_OPEN), field="round")
    if not entry.is_active:
        raise ApplicationError(
            _(ERR_ENTRY_INACTIVE).format(number=entry.number, status=entry.get_status_display()), field="entry"
        )
    if selectors.judge_conflicts_with(judge, entry):
        raise ApplicationError(_(ERR_CONFLICT).format(number=entry.number), field="entry", code="conflict")


def _parse_marks(event_round: EventRound, marks: dict[Any, Any]) -> dict[Aspect, Decimal]:
    """Aspect → value, keyed by aspect id or code; every value checked against its aspect."""
    aspects = {a.pk: a for a in selectors.aspects_of(event_round.event)}
    by_code = {a.code: a for a in aspects.values()}
    problems: list[str] = []
    parsed: dict[Aspect, Decimal] = {}
    for key, raw in marks.items():
        aspect = aspects.get(key) if isinstance(key, int) else by_code.get(str(key).strip().upper())
        if aspect is None and str(key).isdigit():
            aspect = aspects.get(int(key))
        if aspect is None:
            problems.append(_(ERR_ASPECT_UNKNOWN).format(aspect=key))
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            problems.append(_(ERR_VALUE).format(aspect=aspect.code, value=raw))
            continue
        try:
            if aspect.is_judgement:
                value = Decimal(rules.check_judgement(value, aspect=aspect.code))
            else:
                value = rules.check_measurement(value, aspect.max_mark, aspect=aspect.code)
        except rules.CompetitionRuleError as exc:
            problems.append(str(exc.message))
            continue
        parsed[aspect] = value
    if problems:
        raise ApplicationError(_("评分有误，请按提示修改。"), errors={"marks": problems})
    return parsed


@transaction.atomic
def marks_save(*, actor: Any, entry: Entry, marks: dict[Any, Any], submit: bool = False,
               judge: Judge | None = None) -> ScoreSheet:
    """Save a judge's marks for an entry on their draft sheet (creating it), and optionally submit.

    ``marks`` maps aspect ids or codes to values (blank = not marked yet). ``judge`` names whose
    sheet it is when that is not the actor's own: the chief judge entering a paper sheet for
    another judge, or a system job (actor=None, e.g. the demo).
    """
    event_round = round_for_update(entry.round_id)
    if judge is None:
        if actor is None:
            raise PermissionDeniedError(_(ERR_NOT_JUDGE))
        judge = _require_judge(actor, event_round)
    elif actor is not None:
        own = selectors.judge_for(actor, event_round.event)
        if own is None or (own.pk != judge.pk and not own.is_chief) or judge.event_id != event_round.event_id:
            raise PermissionDeniedError(_(ERR_NOT_CHIEF))
    recorder = actor if actor is not None else judge.user
    _check_markable(judge, entry, event_round)
    parsed = _parse_marks(event_round, marks)
    sheet, created = ScoreSheet.objects.get_or_create(entry=entry, judge=judge)
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise ApplicationError(_(ERR_SHEET_NOT_DRAFT), field="sheet")
    changes: dict[str, Any] = {}
    for aspect, value in parsed.items():
        mark, made = Mark.objects.get_or_create(sheet=sheet, aspect=aspect, defaults={"value": value})
        if not made and mark.value != value:
            changes[aspect.code] = [str(mark.value), str(value)]
            mark.value = value
            mark.save(update_fields=["value", "updated_at"])
        elif made:
            changes[aspect.code] = [None, str(value)]
    if changes or created:
        audit.record("competitions.sheet.marked", obj=sheet,
                     changes={"entry": entry.number, "judge": judge.name, "marks": changes}, actor=recorder)
    if submit:
        _submit(recorder, sheet)
    return sheet


def _submit(actor: Any, sheet: ScoreSheet) -> None:
    if not sheet.marks.exists():
        raise ApplicationError(_(ERR_SHEET_EMPTY), field="sheet")
    sheet.status = ScoreSheet.Status.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record("competitions.sheet.submitted", obj=sheet, changes={"entry": sheet.entry.number}, actor=actor)


@transaction.atomic
def sheet_submit(*, actor: Any, sheet: ScoreSheet) -> ScoreSheet:
    event_round = round_for_update(sheet.entry.round_id)
    judge = _require_judge(actor, event_round)
    if sheet.judge_id != judge.pk:
        raise PermissionDeniedError(_(ERR_NOT_JUDGE))
    if event_round.status != EventRound.Status.OPEN:
        raise ApplicationError(_(ERR_ROUND_NOT_OPEN), field="round")
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise ApplicationError(_(ERR_SHEET_NOT_DRAFT), field="sheet")
    _submit(actor, sheet)
    return sheet


@transaction.atomic
def sheet_reopen(*, actor: Any, sheet: ScoreSheet, reason: str) -> ScoreSheet:
    """The chief judge returns a submitted sheet to its judge (e.g. to re-score after moderation)."""
    event_round = round_for_update(sheet.entry.round_id)
    _require_chief(actor, event_round)
    reason = normalize_text(reason or "")
    if not reason:
        raise ApplicationError(_(ERR_MODERATION_REASON), field="reason")
    if event_round.status != EventRound.Status.OPEN:
        raise ApplicationError(_(ERR_ROUND_NOT_OPEN), field="round")
    if sheet.status != ScoreSheet.Status.SUBMITTED:
        raise ApplicationError(_(ERR_SHEET_NOT_SUBMITTED), field="sheet")
    sheet.status = ScoreSheet.Status.DRAFT
    sheet.submitted_at = None
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record("competitions.sheet.reopened", obj=sheet, changes={"reason": reason}, actor=actor)
    return sheet


@transaction.atomic
def moderation_accept(*, actor: Any, entry: Entry, aspect: Aspect, reason: str) -> Moderation:
    """The chief judge keeps judgement scores that differ by more than allowed, with a reason."""
    event_round = round_for_update(entry.round_id)
    _require_chief(actor, event_round)
    reason = normalize_text(reason or "")
    if not reason:
        raise ApplicationError(_(ERR_MODERATION_REASON), field="reason")
    if event_round.status != EventRound.Status.OPEN:
        raise ApplicationError(_(ERR_ROUND_NOT_OPEN), field="round")
    scores = [int(v) for v in Mark.objects.filter(
        sheet__entry=entry, aspect=aspect, sheet__status=ScoreSheet.Status.SUBMITTED
    ).values_list("value", flat=True)]
    if not aspect.is_judgement or not rules.judgement_disagrees(scores, entry.event.judgement_tolerance):
        raise ApplicationError(_(ERR_MODERATION_NOT_NEEDED), field="aspect")
    moderation, _created = Moderation.objects.update_or_create(
        entry=entry, aspect=aspect, defaults={"reason": reason, "decided_by": actor}
    )
    audit.record("competitions.moderation.accepted", obj=moderation,
                 changes={"entry": entry.number, "aspect": aspect.code, "scores": scores, "reason": reason},
                 actor=actor)
    return moderation


@transaction.atomic
def entry_record_scores(
    *,
    actor: Any,
    entry: Entry,
    theory_score: Decimal | None = None,
    completion_seconds: int | None = None,
    reason: str = "",
    clear_time: bool = False,
) -> Entry:
    """Record an entry's theory score (理论成绩, e.g. imported) and completion time (chief judge or
    organiser). After the round is locked this is a correction: a reason is required, it is
    audited, and the results are recomputed."""
    event_round = round_for_update(entry.round_id)
    _require_chief_or_organizer(actor, event_round)
    errors: dict[str, list[str]] = {}
    if theory_score is not None and not Decimal(0) <= Decimal(theory_score) <= Decimal(100):
        errors.setdefault("theory_score", []).append(_(ERR_THEORY))
    if completion_seconds is not None and int(completion_seconds) < 0:
        errors.setdefault("completion_seconds", []).append(_(ERR_TIME))
    locked = event_round.status != EventRound.Status.OPEN
    reason = normalize_text(reason or "")
    if locked and not reason:
        errors.setdefault("reason", []).append(_(ERR_CORRECTION_REASON))
    if locked and event_round.event.competition.rewards_applied_at is not None:
        errors.setdefault("entry", []).append(_(ERR_REWARDS_DONE))
    if errors:
        raise ApplicationError(_("成绩信息有误，请按提示修改。"), errors=errors)
    before = audit.snapshot(entry, ["theory_score", "completion_seconds"])
    fields = []
    if theory_score is not None:
        entry.theory_score = Decimal(theory_score).quantize(rules.TWO_PLACES)
        fields.append("theory_score")
    if clear_time:
        entry.completion_seconds = None
        fields.append("completion_seconds")
    elif completion_seconds is not None:
        entry.completion_seconds = int(completion_seconds)
        fields.append("completion_seconds")
    if fields:
        entry.save(update_fields=[*fields, "updated_at"])
    changes = audit.diff(before, audit.snapshot(entry, ["theory_score", "completion_seconds"]))
    audit.record("competitions.entry.scores_corrected" if locked else "competitions.entry.scores_recorded",
                 obj=entry, changes={**changes, "reason": reason}, actor=actor)
    if locked and changes:
        _recompute(actor, event_round, reason)
    return entry


# =================================================================================================
# Lock, publish, correct
# =================================================================================================


def lock_problems(event_round: EventRound) -> dict[str, list[str]]:
    """What stops a round from being locked (shown on the chief judge's page before locking)."""
    problems: dict[str, list[str]] = {}
    event = event_round.event
    drafts = list(
        ScoreSheet.objects.filter(entry__round=event_round, status=ScoreSheet.Status.DRAFT,
                                  entry__status__in=Entry.ACTIVE)
        .select_related("entry", "judge").order_by("entry__number")
    )
    if drafts:
        problems.setdefault("sheets", []).append(_(ERR_LOCK_DRAFTS).format(
            count=len(drafts), sheets=enumeration(f"{s.entry.number}（{s.judge.name}）" for s in drafts[:20])
        ))
    rows = selectors.round_marks(event_round)
    if not rows:
        problems.setdefault("entries", []).append(_(ERR_LOCK_EMPTY))
    missing = [f"{r.entry.number}：{'、'.join(a.code for a in r.missing)}" for r in rows if r.missing]
    if missing:
        problems.setdefault("marks", []).append(_(ERR_LOCK_MISSING).format(items=clauses(missing[:20])))
    disagreements = [
        f"{r.entry.number} {a.aspect.code}（{'/'.join(str(int(v)) for v in a.values.values())}）"
        for r in rows for a in r.aspects if a.disagrees and not a.moderated
    ]
    if disagreements:
        problems.setdefault("moderation", []).append(_(ERR_LOCK_DISAGREE).format(
            tolerance=event.judgement_tolerance, items=clauses(disagreements[:20])
        ))
    if event.theory_weight > 0:
        no_theory = [r.entry.number for r in rows if r.entry.theory_score is None]
        if no_theory:
            problems.setdefault("theory", []).append(_(ERR_LOCK_THEORY).format(
                weight=format(event.theory_weight.normalize(), "f"), items=enumeration(no_theory[:30])
            ))
    return problems


@transaction.atomic
def round_lock(*, actor: Any, event_round: EventRound) -> EventRound:
    """The chief judge locks a round: every sheet submitted, every aspect marked, every large
    disagreement moderated, theory scores in. Sheets become locked and results are computed."""
    event_round = round_for_update(event_round.pk)
    _require_chief(actor, event_round)
    if event_round.status != EventRound.Status.OPEN:
        raise ApplicationError(_(ERR_ROUND_NOT_OPEN), field="round")
    problems = lock_problems(event_round)
    if problems:
        raise ApplicationError(_("本轮还不能锁定，请先处理以下问题。"), errors=problems)
    ScoreSheet.objects.filter(entry__round=event_round, status=ScoreSheet.Status.SUBMITTED).update(
        status=ScoreSheet.Status.LOCKED, updated_at=timezone.now()
    )
    results = _store_results(event_round)
    event_round.status = EventRound.Status.LOCKED
    event_round.locked_at = timezone.now()
    event_round.save(update_fields=["status", "locked_at", "updated_at"])
    audit.record("competitions.round.locked", obj=event_round, changes={"entries": len(results)}, actor=actor)
    return event_round


@transaction.atomic
def round_publish(*, actor: Any, event_round: EventRound, now: dt.datetime | None = None) -> EventRound:
    """The chief judge publishes a locked round: results become public and the appeal window opens."""
    event_round = round_for_update(event_round.pk)
    _require_chief(actor, event_round)
    if event_round.status == EventRound.Status.PUBLISHED:
        raise ApplicationError(_(ERR_ALREADY_PUBLISHED), field="round")
    if event_round.status != EventRound.Status.LOCKED:
        raise ApplicationError(_(ERR_NOT_LOCKED).format(status=event_round.get_status_display()), field="round")
    now = now or timezone.now()
    event_round.status = EventRound.Status.PUBLISHED
    event_round.published_at = now
    event_round.published_by = actor
    event_round.appeal_deadline = now + dt.timedelta(hours=event_round.event.appeal_hours)
    event_round.save(update_fields=["status", "published_at", "published_by", "appeal_deadline", "updated_at"])
    audit.record("competitions.round.published", obj=event_round,
                 changes={"appeal_deadline": event_round.appeal_deadline}, actor=actor)
    return event_round


@transaction.atomic
def mark_correct(*, actor: Any, mark: Mark, value: Any, reason: str) -> MarkCorrection:
    """Change a locked mark (chief judge), with a reason; audited, and the results recomputed.

    Published results change too; the appeal decision that led to it says why.
    """
    event_round = round_for_update(mark.sheet.entry.round_id)
    _require_chief(actor, event_round)
    reason = normalize_text(reason or "")
    if event_round.status == EventRound.Status.OPEN:
        raise ApplicationError(_(ERR_CORRECTION_OPEN), field="mark")
    if not reason:
        raise ApplicationError(_(ERR_CORRECTION_REASON), field="reason")
    if event_round.event.competition.rewards_applied_at is not None:
        raise ApplicationError(_(ERR_REWARDS_DONE), field="mark")
    parsed = _parse_marks(event_round, {mark.aspect.code: value})
    new_value = parsed[mark.aspect]
    if new_value == mark.value:
        raise ApplicationError(_(ERR_CORRECTION_SAME), field="value")
    correction = MarkCorrection.objects.create(
        mark=mark, previous_value=mark.value, new_value=new_value, reason=reason,
        corrected_by=actor if actor is not None else None,
    )
    previous = mark.value
    mark.value = new_value
    mark.save(update_fields=["value", "updated_at"])
    audit.record(
        "competitions.mark.corrected", obj=mark,
        changes={"entry": mark.sheet.entry.number, "aspect": mark.aspect.code, "judge": mark.sheet.judge.name,
                 "value": [str(previous), str(new_value)], "reason": reason},
        actor=actor,
    )
    _recompute(actor, event_round, reason)
    return correction


# =================================================================================================
# Appeals
# =================================================================================================


@transaction.atomic
def appeal_submit(*, actor: Any, entry: Entry, reason: str, now: dt.datetime | None = None) -> Appeal:
    """Appeal a published result within the window: the entrant, or their delegation."""
    own = selectors.user_person_id(actor)
    is_entrant = own is not None and entry.members.filter(person_id=own).exists()
    if not is_entrant and not selectors.can_manage_delegation(actor, entry.delegation):
        raise PermissionDeniedError()
    event_round = EventRound.objects.get(pk=entry.round_id)
    reason = normalize_text(reason or "")
    if not reason:
        raise ApplicationError(_(ERR_APPEAL_REASON), field="reason")
    if event_round.status != EventRound.Status.PUBLISHED:
        raise ApplicationError(_(ERR_APPEAL_NOT_PUBLISHED), field="entry")
    now = now or timezone.now()
    if event_round.appeal_deadline is not None and now > event_round.appeal_deadline:
        deadline = timezone.localtime(event_round.appeal_deadline).strftime("%Y-%m-%d %H:%M")
        raise ApplicationError(_(ERR_APPEAL_CLOSED).format(deadline=deadline), field="entry")
    if entry.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise ApplicationError(_(ERR_APPEAL_PENDING), field="entry")
    appeal = Appeal(entry=entry, reason=reason, submitted_by=actor)
    appeal.full_clean()
    appeal.save()
    audit.record("competitions.appeal.submitted", obj=appeal, changes={"entry": entry.number, "reason": reason},
                 actor=actor)
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Any, appeal: Appeal, status: str, outcome: str) -> Appeal:
    """Record an appeal's outcome (chief judge or organiser). An upheld appeal's mark changes are
    made with :func:`mark_correct`, which keeps its own audited reason."""
    _require_chief_or_organizer(actor, appeal.entry.round)
    outcome = normalize_text(outcome or "")
    if appeal.status != Appeal.Status.PENDING:
        raise ApplicationError(_(ERR_APPEAL_DECIDED).format(status=appeal.get_status_display()), field="status")
    if status not in (Appeal.Status.UPHELD, Appeal.Status.REJECTED) or not outcome:
        raise ApplicationError(_(ERR_APPEAL_OUTCOME), field="outcome")
    appeal.status = status
    appeal.outcome = outcome
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save(update_fields=["status", "outcome", "decided_by", "decided_at", "updated_at"])
    audit.record("competitions.appeal.decided", obj=appeal, changes={"status": status, "outcome": outcome},
                 actor=actor)
    return appeal


# =================================================================================================
# Advancement
# =================================================================================================


@transaction.atomic
def round_advance(*, actor: Any, event_round: EventRound) -> list[Entry]:
    """Enter those who advance from a published round into the next stage's round (organiser)."""
    event_round = round_for_update(event_round.pk)
    competition = event_round.event.competition
    if not selectors.can_organize(actor, competition):
        raise PermissionDeniedError()
    following = selectors.next_stage(event_round.stage)
    if following is None:
        raise ApplicationError(_(ERR_ADVANCE_FINAL), field="round")
    if event_round.status != EventRound.Status.PUBLISHED:
        raise ApplicationError(_(ERR_ADVANCE_NOT_PUBLISHED), field="round")
    if event_round.advanced_at is not None:
        at = timezone.localtime(event_round.advanced_at).strftime("%Y-%m-%d %H:%M")
        raise ApplicationError(_(ERR_ADVANCE_DONE).format(at=at), field="round")
    target = round_for_update(EventRound.objects.get(event=event_round.event, stage=following).pk)
    advancing = list(
        Entry.objects.filter(round=event_round, is_advancing=True, status__in=Entry.ACTIVE)
        .prefetch_related("members").order_by("heat", "position", "number")
    )
    created = []
    for source in advancing:
        entry = Entry.objects.create(
            event=source.event, round=target, delegation=source.delegation, number=source.number,
            heat="", team_name=source.team_name, status=Entry.Status.REGISTERED, registered_by=actor,
            advanced_from=source, completion_seconds=None,
        )
        for member in source.members.all():
            EntryMember.objects.create(entry=entry, person_id=member.person_id, sequence=member.sequence)
        created.append(entry)
    event_round.advanced_at = timezone.now()
    event_round.save(update_fields=["advanced_at", "updated_at"])
    audit.record("competitions.round.advanced", obj=event_round,
                 changes={"to_stage": following.name, "entries": [e.number for e in created]}, actor=actor)
    return created
