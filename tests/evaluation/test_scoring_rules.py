"""Pure scoring rules: components, pass marks, combining, ratios, conflicts, sampling, serials."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.evaluation import rules

scores = st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)


def test_components_by_level():
    assert rules.required_components(5) == ("theory", "practical")
    assert rules.required_components(3) == ("theory", "practical")
    assert rules.required_components(2) == ("theory", "practical", "review")
    assert rules.required_components(1) == ("theory", "practical", "review")
    assert rules.required_components(3, route="direct") == ("review",)


@given(st.lists(scores, min_size=1, max_size=7))
def test_mean_lies_between_min_and_max(values):
    combined = rules.combine(values)
    assert min(values) - Decimal("0.05") <= combined <= max(values) + Decimal("0.05")


def test_mean_and_median():
    values = [Decimal("60"), Decimal("70"), Decimal("95")]
    assert rules.combine(values) == Decimal("75.0")
    assert rules.combine(values, "median") == Decimal("70.0")


@given(a=scores, b=scores, c=scores)
def test_pass_needs_every_required_component(a, b, c):
    mark = Decimal(60)
    result = rules.passed({"theory": a, "practical": b, "review": c}, ("theory", "practical", "review"), mark)
    assert result == (a >= mark and b >= mark and c >= mark)


def test_missing_component_fails_and_59_9_fails():
    assert not rules.passed({"theory": Decimal(90)}, ("theory", "practical"), Decimal(60))
    assert not rules.passed({"theory": Decimal("59.9"), "practical": Decimal(90)}, ("theory", "practical"), Decimal(60))
    assert rules.passed({"theory": Decimal(60), "practical": Decimal(60)}, ("theory", "practical"), Decimal(60))


@pytest.mark.parametrize("bad", ["-1", "100.1", "abc", "NaN", "inf"])
def test_to_score_refuses_out_of_range(bad):
    with pytest.raises((ValueError, ArithmeticError)):
        rules.to_score(bad)


@given(st.integers(0, 500), st.integers(1, 10), st.integers(1, 15))
def test_evaluators_needed_is_odd_and_enough(candidates, minimum, per):
    needed = rules.evaluators_needed(candidates, minimum=minimum, candidates_per_evaluator=per)
    assert needed % 2 == 1
    assert needed >= minimum
    assert needed * per >= candidates
    assert rules.ratio_problems(candidates, needed, minimum=minimum, candidates_per_evaluator=per) == []


def test_ratio_problems_are_named():
    problems = rules.ratio_problems(20, 2)
    assert any("不少于 3 人" in p for p in problems)
    assert any("单数" in p for p in problems)
    assert any("1:5" in p for p in problems)


def test_conflict_of_interest():
    assert rules.has_conflict(7, 7)
    assert not rules.has_conflict(7, 8)
    assert not rules.has_conflict(None, None)


@given(st.lists(st.integers(1, 10_000), min_size=1, max_size=200, unique=True), st.floats(0.01, 1), st.integers())
def test_sampling_is_reproducible_and_at_least_one(ids, share, seed):
    first = rules.sample_for_recheck(ids, share, seed=seed)
    assert first == rules.sample_for_recheck(list(reversed(ids)), share, seed=seed)
    assert 1 <= len(first) <= len(ids)
    assert set(first) <= set(ids)


def test_discrepancy():
    assert rules.discrepancy(Decimal(70), Decimal("75.1"), Decimal(5))
    assert not rules.discrepancy(Decimal(70), Decimal(75), Decimal(5))


@given(st.integers(0, 999_000), st.integers(0, 999))
def test_serials_are_consecutive(last, count):
    serials = rules.next_serials(last, count)
    assert serials == list(range(last + 1, last + count + 1))


def test_serials_run_out_at_999999():
    with pytest.raises(ValueError):
        rules.next_serials(999_999, 1)


def test_state_machine():
    assert rules.can_move("draft", "open")
    assert not rules.can_move("draft", "certified")
    assert not rules.can_move("certified", "cancelled")
    assert not rules.can_move("scoring", "cancelled")
    every = set(rules.TRANSITIONS)
    for targets in rules.TRANSITIONS.values():
        assert targets <= every
