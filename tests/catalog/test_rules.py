"""Pure rules of the reference data: codes, hierarchy from codes, level notations."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.catalog import rules
from gongjiang.core.rules import RuleError

CHINESE_GRADE = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
grade_sets = st.sets(st.integers(min_value=1, max_value=5), min_size=1)


@given(grade_sets)
def test_digit_notation_round_trips(grades):
    text = rules.format_levels(list(grades))
    assert rules.parse_levels(text) == sorted(grades, reverse=True)


@given(grade_sets, st.sampled_from(["/", "、", ",", "，", ";", " "]))
def test_chinese_notation_with_any_separator(grades, separator):
    text = separator.join(CHINESE_GRADE[g] for g in sorted(grades))
    assert rules.parse_levels(text) == sorted(grades, reverse=True)


@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=5))
def test_range_covers_both_ends_in_either_order(a, b):
    expected = list(range(max(a, b), min(a, b) - 1, -1))
    assert rules.parse_levels(f"{a}-{b}") == expected
    assert rules.parse_levels(f"{CHINESE_GRADE[a]}–{CHINESE_GRADE[b]}") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("四级/中级工、三级/高级工", [4, 3]),
        ("初级工;中级工；高级工", [5, 4, 3]),
        ("高级技师", [1]),
        ("技师,高级技师", [2, 1]),
        ("５，４", [5, 4]),
        ("四级至一级", [4, 3, 2, 1]),
        ("", []),
        (None, []),
        (3.0, [3]),
    ],
)
def test_level_notations(text, expected):
    assert rules.parse_levels(text) == expected


@pytest.mark.parametrize("text", ["6", "0", "六级", "5,x", "特级技师", "1-6"])
def test_bad_level_is_refused_naming_the_token(text):
    with pytest.raises(RuleError) as err:
        rules.parse_levels(text)
    assert err.value.code == "levels"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("6-18-01-01", "6-18-01-01"), ("６－１８－０１－０１", "6-18-01-01"), (" 4-04-05-07 ", "4-04-05-07"),
     ("6–31–01–03", "6-31-01-03")],
)
def test_occupation_code_is_normalised(value, expected):
    assert rules.validate_occupation_code(value) == expected


@pytest.mark.parametrize("value", ["9-18-01-01", "0-18-01-01", "6-18-01", "6-18-1-01", "61801 01", "车工"])
def test_bad_occupation_code_is_refused(value):
    with pytest.raises(RuleError) as err:
        rules.validate_occupation_code(value)
    assert err.value.message == rules.ERR_OCCUPATION_CODE


@given(st.sampled_from(sorted(rules.PROVINCE_CODES)), st.integers(0, 99), st.integers(0, 99))
def test_parent_candidates_are_ancestors_nearest_first(province, prefecture, county):
    code = f"{province}{prefecture:02d}{county:02d}"
    candidates = rules.region_parent_candidates(code)
    level = rules.region_level(code)
    assert len(candidates) == level - 1
    assert all(rules.region_level(c) < level for c in candidates)
    assert all(rules.is_region_ancestor(c, code) for c in candidates)
    assert not rules.is_region_ancestor(code, code)
    if candidates:
        assert candidates[-1] == province + "0000"


def test_region_levels():
    assert rules.region_level("330000") == 1
    assert rules.region_level("330600") == 2
    assert rules.region_level("330602") == 3
    assert rules.region_parent_candidates("110101") == ["110100", "110000"]


@pytest.mark.parametrize(("value", "expected"), [("330602", "330602"), (330602.0, "330602"), ("３３０６０２", "330602")])
def test_region_code_is_normalised(value, expected):
    assert rules.validate_region_code(value) == expected


@pytest.mark.parametrize(("value", "code"), [("33060", "region_code"), ("3306021", "region_code"),
                                             ("990000", "region_province"), ("abcdef", "region_code")])
def test_bad_region_code_is_refused(value, code):
    with pytest.raises(RuleError) as err:
        rules.validate_region_code(value)
    assert err.value.code == code


def test_there_are_34_province_level_divisions():
    assert len(rules.PROVINCE_CODES) == 34


def test_industry_sections_cover_divisions_01_to_97_without_gaps():
    covered = [n for _letter, first, last in rules.INDUSTRY_SECTIONS for n in range(first, last + 1)]
    assert covered == list(range(1, 98))
    assert [letter for letter, _f, _l in rules.INDUSTRY_SECTIONS] == list("ABCDEFGHIJKLMNOPQRST")


@given(st.integers(1, 97), st.integers(0, 9), st.integers(0, 9))
def test_industry_parent_chain_ends_at_a_section(division, group, klass):
    code = f"{division:02d}{group}{klass}"
    chain = [code]
    while (parent := rules.industry_parent(chain[-1])) is not None:
        chain.append(parent)
    assert [len(c) for c in chain] == [4, 3, 2, 1]
    assert chain[-1] == rules.industry_section_of(f"{division:02d}")


@pytest.mark.parametrize(("value", "expected"), [("c", "C"), ("17", "17"), (17.0, "17"), ("1", "01"), ("1711", "1711")])
def test_industry_code_is_normalised(value, expected):
    assert rules.validate_industry_code(value) == expected


@pytest.mark.parametrize(("value", "code"), [("U", "industry_code"), ("C17", "industry_code"),
                                             ("98", "industry_division"), ("17111", "industry_code")])
def test_bad_industry_code_is_refused(value, code):
    with pytest.raises(RuleError) as err:
        rules.validate_industry_code(value)
    assert err.value.code == code


@pytest.mark.parametrize(("value", "expected"), [("是", True), ("否", False), ("TRUE", True), ("", False),
                                                 (1, True), (0.0, False), ("已核实", True)])
def test_booleans(value, expected):
    assert rules.parse_bool(value) is expected


def test_bad_boolean_is_refused():
    with pytest.raises(RuleError):
        rules.parse_bool("也许")


def test_work_types_split_on_either_separator_and_deduplicate():
    assert rules.parse_work_types("普通车工、数控车工；数控车工;  仪表车工 ") == ["普通车工", "数控车工", "仪表车工"]
