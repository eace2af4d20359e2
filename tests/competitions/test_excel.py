"""Excel: exports of entries, score sheets and results; bulk marks and theory scores from Excel."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from gongjiang.competitions import excel, services
from gongjiang.competitions.models import Mark, ScoreSheet
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from tests.competitions.conftest import competitor, open_registration, start


@pytest.fixture
def entries(contest, city, personas):
    open_registration(contest, personas)
    result = [services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                      people=[competitor(city, name)]) for name in ("陈一号", "陈二号")]
    start(contest, personas)
    return result


def workbook_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def read_back(data: bytes, sheet: int = 0):
    return [list(r) for r in load_workbook(io.BytesIO(data), read_only=True).worksheets[sheet].iter_rows(values_only=True)]


def test_entries_export_masks_id_numbers(contest, entries, personas):
    from gongjiang.competitions import selectors

    rows = read_back(excel.entries_workbook(selectors.entry_list(user=personas.city,
                                                                 competition=contest.competition)))
    assert rows[0][:4] == ["赛项编号", "赛项", "阶段", "参赛编号"]
    assert [r[3] for r in rows[1:]] == ["E01-001", "E01-002"]
    person = entries[0].members.get().person
    assert rows[1][8] == person.id_number_masked and "*" in rows[1][8]


def test_marks_template_skips_conflicting_entries(contest, city, personas, entries):
    rows = read_back(excel.marks_template(contest.first_round, contest.judge2))
    assert rows[0] == ["参赛编号", "A1", "A2", "B1", "B2"]
    assert [r[0] for r in rows[1:]] == ["E01-001", "E01-002"]


def test_bulk_marks_saved_all_or_nothing(contest, entries):
    judge_user = contest.judge2.user
    good = workbook_bytes([["参赛编号", "A1", "A2", "B1", "B2", "备注"],
                           ["E01-001", 35, 20, 2, 3, "好"], ["E01-002", 30, "", 1, 1, None]])
    rows = excel.read_marks(good, contest.first_round)
    assert services.marks_import(actor=judge_user, event_round=contest.first_round, rows=rows, submit=True) == 2
    assert Mark.objects.filter(sheet__judge=contest.judge2).count() == 7
    assert set(ScoreSheet.objects.values_list("status", flat=True)) == {"submitted"}


def test_bulk_marks_report_row_and_column_and_save_nothing(contest, entries):
    bad = workbook_bytes([["参赛编号", "A1", "B1"], ["E01-001", "三十", 2], ["E01-999", 1, 1], ["E01-002", 30, 2]])
    with pytest.raises(ApplicationError) as err:
        excel.read_marks(bad, contest.first_round)
    problems = err.value.errors["file"]
    assert problems == [
        excel.ERR_ROW.format(row=2, column="A1", problem=excel.ERR_NOT_NUMBER.format(value="三十")),
        excel.ERR_ROW.format(row=3, column="参赛编号", problem=excel.ERR_UNKNOWN_NUMBER.format(number="E01-999")),
    ]
    out_of_range = workbook_bytes([["参赛编号", "A1", "B1"], ["E01-001", 30, 2], ["E01-002", 45, 2]])
    rows = excel.read_marks(out_of_range, contest.first_round)
    with pytest.raises(ApplicationError) as err:
        services.marks_import(actor=contest.judge2.user, event_round=contest.first_round, rows=rows)
    assert err.value.errors["file"][0].startswith("第 3 行（参赛编号 E01-002）")
    assert not Mark.objects.exists()


def test_chief_uploads_for_another_judge_but_a_judge_cannot(contest, entries):
    data = workbook_bytes([["参赛编号", "A1"], ["E01-001", 30]])
    rows = excel.read_marks(data, contest.first_round)
    with pytest.raises(PermissionDeniedError):
        services.marks_import(actor=contest.judge2.user, event_round=contest.first_round, rows=rows,
                              judge=contest.chief)
    services.marks_import(actor=contest.chief.user, event_round=contest.first_round, rows=rows, judge=contest.judge2)
    assert Mark.objects.get().sheet.judge == contest.judge2


def test_theory_import(contest, entries):
    data = workbook_bytes([["参赛编号", "理论成绩", "完成用时（秒）"], ["E01-001", 88.5, 3600], ["E01-002", 79, None]])
    rows = excel.read_theory(data, contest.first_round)
    assert services.theory_import(actor=contest.chief.user, event_round=contest.first_round, rows=rows) == 2
    entries[0].refresh_from_db()
    assert entries[0].theory_score == Decimal("88.50") and entries[0].completion_seconds == 3600
    with pytest.raises(ApplicationError):
        excel.read_theory(workbook_bytes([["参赛编号", "成绩"], ["E01-001", 1]]), contest.first_round)


def test_score_sheet_and_results_exports(contest, entries):
    for judge in (contest.judge2, contest.chief):
        for entry, a1 in zip(entries, (36, 30), strict=True):
            services.marks_save(actor=judge.user, entry=entry, marks={"A1": a1, "A2": 20, "B1": 2, "B2": 2},
                                submit=True)
    for entry in entries:
        services.entry_record_scores(actor=contest.chief.user, entry=entry, theory_score=Decimal("80"))
    scores = read_back(excel.score_sheet_workbook(contest.first_round))
    assert scores[0][-2:] == ["得分", "须复议"] and "裁判长丙" in scores[0]
    assert len(scores) == 1 + 2 * 4
    services.round_lock(actor=contest.chief.user, event_round=contest.first_round)
    results = read_back(excel.results_workbook(contest.first_round, with_names=True))
    assert results[1][:4] == [1, "E01-001", None, "陈一号"] and results[1][9] == "金牌"
