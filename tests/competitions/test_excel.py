"""Excel: exports of entries, score sheets and results, and the marking templates.

Filled-in templates are read by the import pipeline only: tests/competitions/test_imports.py and
test_api_imports.py."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from gongjiang.competitions import excel, services
from tests.competitions.conftest import competitor, open_registration, start


@pytest.fixture
def entries(contest, city, personas):
    open_registration(contest, personas)
    result = [services.entry_register(actor=personas.dan, event=contest.event, delegation=contest.yuecheng,
                                      people=[competitor(city, name)]) for name in ("陈一号", "陈二号")]
    start(contest, personas)
    return result


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
