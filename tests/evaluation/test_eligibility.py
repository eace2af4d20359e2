"""The eligibility engine against every alternative of both templates, at the boundary dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.evaluation import rules
from gongjiang.evaluation.rules import Facts, PriorCertificate

T2018 = rules.load_template("2018")
RELAXED = rules.load_template("relaxed")
ON = dt.date(2025, 6, 30)


def _day_before(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=1)


def _facts_for(alternative: dict, *, on: dt.date, short_by_a_day: bool) -> Facts:
    """Facts that satisfy every condition of ``alternative`` — exactly, or one day short on time."""
    shift = 1 if short_by_a_day else 0

    def start_for(years: float) -> dt.date:
        # the latest start date that is still enough on ``on``, moved a day later if short
        start = on
        while rules.add_years(start, years) > on:
            start -= dt.timedelta(days=1)
        return start + dt.timedelta(days=shift if years > 0 else 0)

    kwargs: dict = {"on": on, "birth_date": dt.date(1990, 1, 1)}
    if "min_age" in alternative:
        kwargs["birth_date"] = start_for(alternative["min_age"])
    if "years_total" in alternative:
        kwargs["occupation_start"] = start_for(alternative["years_total"])
    if "prior_grade" in alternative:
        issued = start_for(alternative.get("years_after_prior", 0))
        kwargs["prior_certificates"] = (PriorCertificate(grade=alternative["prior_grade"], issued_on=issued),)
    if alternative.get("education_in"):
        kwargs["education"] = alternative["education_in"][0]
    if alternative.get("program_in"):
        kwargs["programs"] = frozenset(alternative["program_in"][:1])
    kwargs["education_related"] = True
    if alternative.get("title_min"):
        kwargs["title_level"] = alternative["title_min"]
        kwargs["title_date"] = start_for(alternative.get("years_after_title", 0))
    kwargs["apprenticeship_completed"] = bool(alternative.get("apprenticeship_completed"))
    kwargs["flags"] = frozenset(alternative.get("flags", ()))
    return Facts(**kwargs)


def _timed(alternative: dict) -> bool:
    return any(k in alternative for k in ("years_total", "years_after_prior", "years_after_title", "min_age")) and any(
        alternative.get(k, 0) > 0 for k in ("years_total", "years_after_prior", "years_after_title", "min_age")
    )


ALL = [
    pytest.param(template, int(grade), alternative, id=f"{template['template']}-{alternative['key']}")
    for template in (T2018, RELAXED)
    for grade, alternatives in template["grades"].items()
    for alternative in alternatives
]


@pytest.mark.parametrize(("template", "grade", "alternative"), ALL)
def test_exactly_enough_meets_the_alternative(template, grade, alternative):
    facts = _facts_for(alternative, on=ON, short_by_a_day=False)
    result = rules.evaluate(template, grade, facts)
    assert result.eligible
    assert rules.evaluate_alternative(alternative, facts).met
    assert result.explanation.startswith(f"符合申报{rules.GRADE_NAMES[grade]}条件")


@pytest.mark.parametrize(("template", "grade", "alternative"), [p for p in ALL if _timed(p.values[2])])
def test_one_day_short_misses_and_says_when(template, grade, alternative):
    facts = _facts_for(alternative, on=ON, short_by_a_day=True)
    result = rules.evaluate_alternative(alternative, facts)
    assert not result.met
    assert result.eligible_from == ON + dt.timedelta(days=1)
    assert any("1 天" in m for m in result.missing)


def test_the_example_message_of_the_issue():
    # 四级 since 2023-03-15; the 2018 template wants 5 years for 三级; on 2026-12-15 it lacks 1 y 3 m.
    facts = Facts(on=dt.date(2026, 12, 15), prior_certificates=(PriorCertificate(4, dt.date(2023, 3, 15)),))
    result = rules.evaluate(T2018, 3, facts)
    assert not result.eligible
    text = result.explanation
    assert "取得四级证书后还需累计从事本职业工作 1 年 3 个月" in text
    assert "2028 年 3 月 15 日起可申报" in text
    assert result.closest is not None and result.closest.key == "3-1"


def test_missing_facts_are_named():
    result = rules.evaluate(T2018, 4, Facts(on=ON))
    assert not result.eligible
    text = result.explanation
    assert "须取得本职业或相关职业五级/初级工（或更高等级）证书" in text
    assert "未填写开始从事本职业工作的日期" in text
    assert "技工学校" in text
    assert result.closest is None


def test_a_higher_prior_certificate_counts_for_a_lower_requirement():
    facts = Facts(on=ON, prior_certificates=(PriorCertificate(3, dt.date(2015, 1, 1)),))
    assert rules.evaluate(T2018, 3, facts).eligible  # holds 三级 ≥ 四级 for 10 years


def test_graduating_students_only_where_the_alternative_allows():
    facts = Facts(on=ON, education="senior_technical_school", education_related=True, is_graduating=True,
                  occupation_start=dt.date(2020, 1, 1), prior_certificates=(PriorCertificate(3, dt.date(2024, 1, 1)),))
    # 2-2 (2018) needs a graduate; a student still at school does not count
    result = rules.evaluate_alternative(T2018["grades"]["2"][1], facts)
    assert not result.met
    assert any("在校应届毕业生不适用" in m for m in result.missing)


def test_unrelated_major_is_named():
    facts = Facts(on=ON, education="technical_school", education_related=False)
    result = rules.evaluate_alternative(T2018["grades"]["4"][2], facts)
    assert not result.met
    assert result.missing == ("所学专业须为本专业或相关专业",)


def test_titles_count_in_the_relaxed_template():
    facts = Facts(on=ON, title_level="intermediate", title_date=dt.date(2024, 6, 30))
    assert rules.evaluate(RELAXED, 2, facts).met.key == "2-3"
    assert not rules.evaluate(T2018, 2, facts).eligible


@given(
    start=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
    years=st.integers(min_value=0, max_value=12),
    extra=st.integers(min_value=0, max_value=4000),
)
def test_eligibility_never_lapses_with_time(start, years, extra):
    alternative = {"key": "x", "label": "x", "years_total": years}
    due = rules.add_years(start, years)
    before = Facts(on=due - dt.timedelta(days=1), occupation_start=start)
    after = Facts(on=due + dt.timedelta(days=extra), occupation_start=start)
    assert rules.evaluate_alternative(alternative, after).met
    assert rules.evaluate_alternative(alternative, before).met is (years == 0 and due - dt.timedelta(days=1) >= start)


@given(start=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2080, 1, 1)), years=st.integers(0, 40))
def test_add_years_and_years_between_agree(start, years):
    due = rules.add_years(start, years)
    assert rules.years_between(start, due)[0] == years or (start.month, start.day) == (2, 29)
    assert (due - start).days >= 365 * years - 1


@given(start=st.dates(max_value=dt.date(2080, 1, 1)), days=st.integers(0, 10000))
def test_format_period_is_never_empty(start, days):
    text = rules.format_period(start, start + dt.timedelta(days=days))
    assert text
    y, m, d = rules.years_between(start, start + dt.timedelta(days=days))
    assert 0 <= m < 12 and 0 <= d < 31


def test_the_shipped_templates_are_valid():
    assert rules.validate_rule_set(T2018) == []
    assert rules.validate_rule_set(RELAXED) == []
    assert set(T2018["grades"]) == set(RELAXED["grades"]) == {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize(("data", "fragment"), [
    ({}, "grades"),
    ({"grades": {"6": []}}, "等级“6”"),
    ({"grades": {"3": [{"label": "x", "prior_grade": 2}]}}, "前置等级"),
    ({"grades": {"3": [{"label": "x", "years_after_prior": 2}]}}, "未指定前置等级"),
    ({"grades": {"3": [{"label": "x", "colour": "red"}]}}, "未知条件"),
    ({"grades": {"3": [{"label": "x", "years_total": -1}]}}, "非负数"),
    ({"grades": {"3": [{"label": "x"}]}}, "没有任何条件"),
])
def test_rule_set_validation_names_the_problem(data, fragment):
    assert any(fragment in p for p in rules.validate_rule_set(data))
