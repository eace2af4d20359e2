"""The eight-level ladder (新八级工) and its mapping to the national grades 五级…一级 (DOMAIN.md §1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.catalog.levels import (
    CERTIFICATE_WORDING,
    HIGH_SKILLED_MIN,
    POST_LEVELS,
    REVIEW_LEVELS,
    SkillLevel,
    is_high_skilled,
    level_from_national_grade,
    national_grade,
    short_label,
)

LADDER = ["学徒工", "初级工", "中级工", "高级工", "技师", "高级技师", "特级技师", "首席技师"]

levels = st.sampled_from(list(SkillLevel))
grades = st.integers(min_value=1, max_value=5)


def test_ladder_is_ordered_as_the_policy_text():
    # 中办发〔2022〕58号 §(十一): 学徒工、初级工、中级工、高级工、技师、高级技师、特级技师、首席技师
    ordered = sorted(SkillLevel, key=int)
    assert [short_label(level) for level in ordered] == LADDER
    assert [int(level) for level in ordered] == list(range(8))


@given(grades)
def test_grade_round_trips_through_the_ladder(grade):
    assert national_grade(level_from_national_grade(grade)) == grade


@given(levels)
def test_level_round_trips_through_its_grade(level):
    grade = national_grade(level)
    if level in (SkillLevel.APPRENTICE, *POST_LEVELS):
        assert grade is None
    else:
        assert grade is not None and level_from_national_grade(grade) == level


@given(levels, levels)
def test_higher_level_has_lower_grade_number(a, b):
    grade_a, grade_b = national_grade(a), national_grade(b)
    if grade_a is not None and grade_b is not None and a < b:
        assert grade_a > grade_b


def test_grade_mapping_matches_domain_table():
    assert [national_grade(level) for level in SkillLevel] == [None, 5, 4, 3, 2, 1, None, None]


@given(st.one_of(st.integers().filter(lambda g: not 1 <= g <= 5), st.sampled_from(["", "x", None, "6"])))
def test_unknown_grade_is_refused(grade):
    with pytest.raises(ValueError):
        level_from_national_grade(grade)


def test_grade_as_text_digit_is_accepted():
    assert level_from_national_grade("3") == SkillLevel.SENIOR


@given(levels)
def test_high_skilled_means_senior_worker_and_above(level):
    assert is_high_skilled(level) == (level >= SkillLevel.SENIOR)


def test_high_skilled_threshold_is_senior_worker():
    assert HIGH_SKILLED_MIN == SkillLevel.SENIOR
    assert not is_high_skilled(None)
    assert not is_high_skilled(SkillLevel.INTERMEDIATE)
    assert is_high_skilled(SkillLevel.CHIEF_TECHNICIAN)


def test_certificate_wording_names_grade_and_title():
    chinese_digits = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}
    for level, wording in CERTIFICATE_WORDING.items():
        grade = national_grade(level)
        assert wording == f"{chinese_digits[grade]}级/{short_label(level)}"


def test_review_and_post_levels():
    assert {SkillLevel.TECHNICIAN, SkillLevel.SENIOR_TECHNICIAN} == REVIEW_LEVELS
    assert {SkillLevel.PRINCIPAL_TECHNICIAN, SkillLevel.CHIEF_TECHNICIAN} == POST_LEVELS
