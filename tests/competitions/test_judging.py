"""Marking, conflicts of interest, moderation, locking, publishing, corrections, appeals, advancement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gongjiang.competitions import selectors, services
from gongjiang.competitions.models import (
    Appeal,
    Entry,
    EventRound,
    Mark,
    MarkCorrection,
    ScoreSheet,
)
from gongjiang.competitions.services import judging
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from tests.competitions.conftest import (
    build_contest,
    competitor,
    full_marks,
    open_registration,
    start,
)


@pytest.fixture
def marked(contest, city, personas):
    """Three entries: two from 越城区, one from 柯桥纺织 (which judge1 may not mark)."""
    open_registration(contest, personas)
    a = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "甲工")])
    b = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "乙工")])
    c = services.entry_register(actor=personas.kira, event=contest.event, delegation=contest.keqiao,
                                people=[competitor(city, "丙工", employer=city.keqiao_textile)])
    start(contest, personas)
    return a, b, c


def mark_all(contest, entries_marks, *, theory=None):
    """entries_marks: {entry: (judge2 marks, chief marks, judge1 marks or None)}; all submitted."""
    for entry, per_judge in entries_marks.items():
        for judge, marks in zip((contest.judge2, contest.chief, contest.judge1), per_judge, strict=True):
            if marks is not None:
                services.marks_save(actor=judge.user, entry=entry, marks=marks, submit=True)
        services.entry_record_scores(actor=contest.chief.user, entry=entry,
                                     theory_score=Decimal(theory[entry.pk]) if theory else Decimal("80"))


def test_judge_marks_own_sheet_draft_then_submitted(contest, marked):
    a, _b, _c = marked
    sheet = services.marks_save(actor=contest.judge2.user, entry=a, marks={"A1": "35.5", "B1": 2})
    assert sheet.status == ScoreSheet.Status.DRAFT
    assert selectors.sheet_marks(sheet) == {
        contest.event.aspects.get(code="A1").pk: Decimal("35.5"), contest.event.aspects.get(code="B1").pk: Decimal("2")
    }
    services.sheet_submit(actor=contest.judge2.user, sheet=sheet)
    with pytest.raises(ApplicationError) as err:
        services.marks_save(actor=contest.judge2.user, entry=a, marks={"A1": "36"})
    assert err.value.errors["sheet"] == [judging.ERR_SHEET_NOT_DRAFT]
    assert Mark.objects.get(sheet=sheet, aspect__code="A1").value == Decimal("35.5")


def test_marks_checked_against_aspect(contest, marked):
    a, _b, _c = marked
    with pytest.raises(ApplicationError) as err:
        services.marks_save(actor=contest.judge2.user, entry=a, marks={"A1": "41", "B1": 4, "Z9": 1})
    assert len(err.value.errors["marks"]) == 3
    assert not ScoreSheet.objects.exists()


def test_conflict_of_interest_refused_and_shown(contest, marked):
    _a, _b, c = marked
    assert [e.number for e in selectors.judge_conflicts(contest.judge1)] == [c.number]
    with pytest.raises(ApplicationError) as err:
        services.marks_save(actor=contest.judge1.user, entry=c, marks={"A1": 30})
    assert err.value.code == "conflict"
    assert err.value.errors["entry"] == [judging.ERR_CONFLICT.format(number=c.number)]
    assert not ScoreSheet.objects.filter(judge=contest.judge1).exists()


def test_judging_refusals_are_given_in_the_users_language(contest, marked):
    from django.utils import translation

    _a, _b, c = marked
    with translation.override("en"), pytest.raises(ApplicationError) as err:
        services.marks_save(actor=contest.judge1.user, entry=c, marks={"A1": 30})
    assert err.value.errors["entry"] == [
        f"Recusal: entry {c.number} is from your own organisation or delegation, so you cannot mark it."
    ]
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as err:
        services.marks_save(actor=contest.judge1.user, entry=c, marks={"A1": 30})
    assert err.value.errors["entry"] == [f"回避：参赛编号 {c.number} 来自您所在的单位或代表队，您不能为其评分。"]


def test_conflict_through_delegation(contest, city, personas, marked):
    _a, _b, c = marked
    judge = services.judge_assign(actor=personas.city, event=contest.event, user=c.registered_by or personas.olga,
                                  name="柯桥领队", delegation=contest.keqiao)
    assert [e.number for e in selectors.judge_conflicts(judge)] == [c.number]


def test_non_judge_cannot_mark(contest, personas, marked):
    a, _b, _c = marked
    with pytest.raises(PermissionDeniedError):
        services.marks_save(actor=personas.city, entry=a, marks={"A1": 30})


def test_marking_needs_the_competition_underway(contest, city, personas):
    open_registration(contest, personas)
    a = services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, "早工")])
    with pytest.raises(ApplicationError) as err:
        services.marks_save(actor=contest.judge2.user, entry=a, marks={"A1": 30})
    assert "entry" in err.value.errors


def test_lock_refused_until_marks_complete_and_disagreements_moderated(contest, personas, marked):
    a, b, c = marked
    services.marks_save(actor=contest.judge2.user, entry=a, marks=full_marks(30, 20, 3, 2), submit=True)
    services.marks_save(actor=contest.chief.user, entry=a, marks={"B1": 1, "B2": 2})  # draft, and B1 3 vs 1
    with pytest.raises(ApplicationError) as err:
        services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    # the chief's sheet is a draft, b and c are unmarked, no theory scores; the 3-vs-1 on B1 is
    # not a disagreement yet because only submitted sheets count
    assert set(err.value.errors) == {"sheets", "marks", "theory"}
    assert err.value.errors["theory"][0].startswith(judging.ERR_LOCK_THEORY.split("{items}")[0].format(weight="30"))
    assert EventRound.objects.get(pk=contest.first_round.pk).status == EventRound.Status.OPEN
    services.sheet_submit(actor=contest.chief.user, sheet=ScoreSheet.objects.get(entry=a, judge=contest.chief))
    problems = services.lock_problems(contest.first_round)
    assert "moderation" in problems
    services.moderation_accept(actor=contest.chief.user, entry=a, aspect=contest.event.aspects.get(code="B1"),
                               reason="两位裁判对工艺路线理解不同，经讨论维持原评分")
    assert "moderation" not in services.lock_problems(contest.first_round)


def test_only_chief_moderates_and_locks(contest, marked):
    with pytest.raises(PermissionDeniedError):
        services.round_lock(actor=contest.judge2.user, event_round=contest.first_round)


def test_full_round_locks_ranks_publishes_and_embargoes(contest, personas, marked):
    a, b, c = marked
    mark_all(contest, {
        a: (full_marks(38, 28, 3, 3), full_marks(38, 28, 3, 2), full_marks(38, 28, 2, 3)),
        b: (full_marks(30, 25, 2, 2), full_marks(30, 25, 2, 2), full_marks(30, 25, 2, 1)),
        c: (full_marks(35, 20, 2, 2), full_marks(35, 20, 1, 2), None),
    })
    event_round = contest.first_round
    services.round_lock(actor=contest.chief.user, event_round=event_round)
    a.refresh_from_db()
    # A: 38 + 28 + (8/9)*15 + (8/9)*15 = 66 + 13.33 + 13.33 = 92.66 → total .3*80 + .7*92.66 = 88.86
    assert a.practical_marks == Decimal("92.66") and a.total_score == Decimal("88.86")
    assert a.position == 1 and a.medal == "gold"
    assert set(ScoreSheet.objects.values_list("status", flat=True)) == {ScoreSheet.Status.LOCKED}
    with pytest.raises(Exception):  # noqa: B017 - embargoed: not public while only locked
        selectors.public_results(EventRound.objects.get(pk=event_round.pk))
    assert not selectors.published_competitions().exists()
    with pytest.raises(PermissionDeniedError):
        services.round_publish(actor=personas.city, event_round=event_round)
    services.round_publish(actor=contest.chief.user, event_round=event_round)
    results = selectors.public_results(EventRound.objects.get(pk=event_round.pk))
    assert [(r.position, r.names, r.medal) for r in results] == [(1, "甲*", "gold"), (2, "乙*", "silver"),
                                                                  (3, "丙*", "bronze")]
    assert AuditEntry.objects.filter(action="competitions.round.published", actor=contest.chief.user).exists()


def test_correction_of_locked_mark_is_audited_and_recomputes(contest, personas, marked):
    a, b, c = marked
    mark_all(contest, {
        a: (full_marks(38, 28, 3, 3), full_marks(38, 28, 3, 3), full_marks(38, 28, 3, 3)),
        b: (full_marks(37, 28, 3, 3), full_marks(37, 28, 3, 3), full_marks(37, 28, 3, 3)),
        c: (full_marks(10, 10, 1, 1), full_marks(10, 10, 1, 1), None),
    })
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    mark = Mark.objects.get(sheet__entry=b, sheet__judge=contest.judge2, aspect__code="A1")
    with pytest.raises(ApplicationError) as err:
        services.mark_correct(actor=contest.chief.user, mark=mark, value="40", reason="")
    assert err.value.errors["reason"] == [judging.ERR_CORRECTION_REASON]
    with pytest.raises(PermissionDeniedError):
        services.mark_correct(actor=contest.judge2.user, mark=mark, value="40", reason="复核")
    mark.refresh_from_db()
    assert mark.value == Decimal("37")
    # when
    services.mark_correct(actor=contest.chief.user, mark=mark, value="40", reason="复核量具读数有误")
    # then: A1 is the mean of 40, 37, 37 = 38, so b now equals a (38 + 28 + 15 + 15) and shares rank 1
    b.refresh_from_db()
    assert b.practical_marks == Decimal("96.00") and b.position == 1
    correction = MarkCorrection.objects.get()
    assert (correction.previous_value, correction.new_value) == (Decimal("37"), Decimal("40"))
    entry = AuditEntry.objects.get(action="competitions.mark.corrected")
    assert entry.changes["reason"] == "复核量具读数有误" and entry.actor == contest.chief.user
    assert AuditEntry.objects.filter(action="competitions.round.results_recomputed").exists()


def test_direct_edit_refused_after_lock(contest, marked):
    a, b, c = marked
    mark_all(contest, {e: (full_marks(30, 20, 2, 2), full_marks(30, 20, 2, 2), None) for e in (a, b)})
    services.entry_disqualify(actor=contest.chief.user, entry=c, reason="未按时检录")
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    with pytest.raises(ApplicationError) as err:
        services.marks_save(actor=contest.judge2.user, entry=a, marks={"A1": 40})
    assert err.value.errors["round"] == [judging.ERR_ROUND_NOT_OPEN]


def test_theory_correction_after_lock_needs_reason(contest, marked):
    a, b, c = marked
    mark_all(contest, {e: (full_marks(30, 20, 2, 2), full_marks(30, 20, 2, 2), None) for e in (a, b, c)})
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    with pytest.raises(ApplicationError) as err:
        services.entry_record_scores(actor=contest.chief.user, entry=a, theory_score=Decimal("95"))
    assert "reason" in err.value.errors
    services.entry_record_scores(actor=contest.chief.user, entry=a, theory_score=Decimal("95"),
                                 reason="理论试卷复核加分")
    a.refresh_from_db()
    assert a.position == 1 and a.theory_score == Decimal("95")


def test_appeal_window_and_outcome(contest, personas, marked):
    a, b, c = marked
    mark_all(contest, {e: (full_marks(30, 20, 2, 2), full_marks(30, 20, 2, 2), None) for e in (a, b, c)})
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    with pytest.raises(ApplicationError) as err:
        services.appeal_submit(actor=personas.dan, entry=a, reason="尺寸测量有误")
    assert err.value.errors["entry"] == [judging.ERR_APPEAL_NOT_PUBLISHED]
    published = services.round_publish(actor=contest.chief.user, event_round=contest.first_round)
    appeal = services.appeal_submit(actor=personas.dan, entry=a, reason="尺寸测量有误")
    with pytest.raises(PermissionDeniedError):
        services.appeal_submit(actor=personas.kira, entry=a, reason="代他人申诉")
    with pytest.raises(ApplicationError):
        services.appeal_submit(actor=personas.dan, entry=b, reason="太晚",
                               now=published.appeal_deadline + dt.timedelta(minutes=1))
    services.appeal_decide(actor=contest.chief.user, appeal=appeal, status="rejected", outcome="复测无误，维持原成绩")
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED and appeal.decided_by == contest.chief.user
    assert published.appeal_deadline - published.published_at == dt.timedelta(hours=24)
    assert published.appeal_deadline > timezone.now()


def test_heats_advance_top_n_per_heat_into_the_final(city, personas):
    contest = build_contest(city, personas, stages=[
        {"name": "赛区赛", "heats": ["越城赛区", "柯桥赛区"], "advancement": "top_per_heat", "advance_count": 1},
        {"name": "决赛"},
    ])
    open_registration(contest, personas)
    entries = [
        services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                people=[competitor(city, name)]) for name in ("越一", "越二")
    ] + [
        services.entry_register(actor=personas.kira, event=contest.event, delegation=contest.keqiao,
                                people=[competitor(city, name, employer=city.keqiao_textile)]) for name in ("柯一", "柯二")
    ]
    start(contest, personas)
    scores = dict(zip(entries, [35, 30, 20, 25], strict=True))
    for entry, a1 in scores.items():
        for judge in (contest.judge2, contest.chief):
            services.marks_save(actor=judge.user, entry=entry, marks=full_marks(a1, 20, 2, 2), submit=True)
        services.entry_record_scores(actor=contest.chief.user, entry=entry, theory_score=Decimal("70"))
    heat_round = contest.first_round
    services.round_lock(actor=contest.chief.user, event_round=heat_round)
    with pytest.raises(ApplicationError):
        services.round_advance(actor=personas.city, event_round=heat_round)
    services.round_publish(actor=contest.chief.user, event_round=heat_round)
    # when
    finalists = services.round_advance(actor=personas.city, event_round=heat_round)
    # then: the best of each heat, no medals in a heat
    assert sorted(e.number for e in finalists) == sorted([entries[0].number, entries[3].number])
    assert not Entry.objects.filter(round=heat_round).exclude(medal="").exists()
    final_round = EventRound.objects.get(event=contest.event, stage__name="决赛")
    assert set(final_round.entries.values_list("advanced_from_id", flat=True)) == {entries[0].pk, entries[3].pk}
    with pytest.raises(ApplicationError):
        services.round_advance(actor=personas.city, event_round=heat_round)


def test_top_n_overall_advances_across_heats(city, personas):
    contest = build_contest(city, personas, name="总排名晋级赛", stages=[
        {"name": "预赛", "heats": ["越城赛区", "柯桥赛区"], "advancement": "top_overall", "advance_count": 3},
        {"name": "决赛"},
    ])
    open_registration(contest, personas)
    entries = [services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                       people=[competitor(city, name)]) for name in ("越一工", "越二工", "越三工")]
    entries.append(services.entry_register(actor=personas.kira, event=contest.event, delegation=contest.keqiao,
                                           people=[competitor(city, "柯一工", employer=city.keqiao_textile)]))
    start(contest, personas)
    for entry, a1 in zip(entries, (38, 36, 34, 20), strict=True):
        services.marks_save(actor=contest.judge2.user, entry=entry, marks=full_marks(a1, 20, 2, 2), submit=True)
        services.entry_record_scores(actor=contest.chief.user, entry=entry, theory_score=Decimal("70"))
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    advancing = set(Entry.objects.filter(round=contest.first_round, is_advancing=True).values_list("pk", flat=True))
    # the three best overall, all from 越城 — not the best of each heat
    assert advancing == {e.pk for e in entries[:3]}
