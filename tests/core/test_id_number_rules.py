"""GB 11643 ID numbers, GB 32100 credit codes and masking: unit and property tests."""

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gongjiang.core import rules
from tests.factories import make_credit_code, make_id_number

KNOWN_VALID = ["11010519491231002X", "360426199101010071", "120103198806018241", "513101198201130014"]
KNOWN_BAD_CHECK = ["360426199101010072", "110101202311012171"]

regions = st.sampled_from(["110105", "330602", "330603", "440524", "360426", "513101"])
births = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2010, 12, 31))


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_accepts_published_valid_numbers(number):
    assert rules.parse_resident_id(number).number == number


@pytest.mark.parametrize("number", KNOWN_BAD_CHECK)
def test_refuses_wrong_check_digit(number):
    with pytest.raises(rules.RuleError) as err:
        rules.parse_resident_id(number)
    assert err.value.code in {"id_checksum", "id_date"}


def test_lowercase_x_and_fullwidth_digits_are_normalised():
    fullwidth = "１１０１０５１９４９１２３１００２ｘ"
    assert rules.parse_resident_id(fullwidth).number == "11010519491231002X"
    assert rules.parse_resident_id(" 11010519491231002x ").number == "11010519491231002X"


def test_derives_sex_birth_date_and_region():
    parsed = rules.parse_resident_id("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == rules.SEX_FEMALE  # 17th digit 2 is even
    assert parsed.region_code == "110105"


def test_refuses_impossible_date():
    first17 = "33060219900230123"
    with pytest.raises(rules.RuleError) as err:
        rules.parse_resident_id(first17 + rules.resident_id_check_char(first17))
    assert err.value.code == "id_date"


def test_refuses_future_birth_date():
    tomorrow = dt.date.today() + dt.timedelta(days=400)
    number = make_id_number("330602", tomorrow, 11)
    with pytest.raises(rules.RuleError):
        rules.parse_resident_id(number)


def test_accepts_codes_created_after_the_birth_year():
    # 越城区 330602 dates from 1983; people born earlier got their numbers under it in 1984+.
    number = make_id_number("330602", dt.date(1966, 4, 2), 31)
    assert rules.parse_resident_id(number).number == number


def test_refuses_birth_before_1900():
    number = "440524188001010014"  # valid check digit, but nobody in the registry was born in 1880
    with pytest.raises(rules.RuleError) as err:
        rules.parse_resident_id(number)
    assert err.value.code == "id_date"


def test_refuses_unknown_region_prefix():
    first17 = "99999919900101123"
    with pytest.raises(rules.RuleError) as err:
        rules.parse_resident_id(first17 + rules.resident_id_check_char(first17))
    assert err.value.code in {"id_region", "id_format"}


def test_excel_scientific_notation_is_reported_unrecoverable():
    with pytest.raises(rules.RuleError) as err:
        rules.parse_resident_id("3.30602E+17")
    assert err.value.code == "id_scientific"
    assert err.value.message == rules.ERR_ID_SCIENTIFIC


@given(region=regions, birth=births, seq=st.integers(0, 999))
def test_every_generated_number_validates_and_round_trips(region, birth, seq):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = first17 + rules.resident_id_check_char(first17)
    parsed = rules.parse_resident_id(number)
    assert parsed.birth_date == birth
    assert parsed.sex == (rules.SEX_MALE if seq % 2 else rules.SEX_FEMALE)


@given(region=regions, birth=births, seq=st.integers(0, 999), wrong=st.sampled_from("0123456789X"))
def test_any_other_check_character_is_refused(region, birth, seq, wrong):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    assume(wrong != rules.resident_id_check_char(first17))
    with pytest.raises(rules.RuleError):
        rules.parse_resident_id(first17 + wrong)


@given(st.text(max_size=30))
def test_parser_never_crashes_on_any_text(text):
    try:
        rules.parse_resident_id(text)
    except rules.RuleError as exc:
        assert exc.code.startswith("id_")


@pytest.mark.parametrize(
    ("id_type", "value", "expected"),
    [
        (rules.PASSPORT, "e12345678", "E12345678"),
        (rules.HK_MACAO_PERMIT, "H12345678", "H12345678"),
        (rules.TAIWAN_PERMIT, "12345678", "12345678"),
    ],
)
def test_other_id_types_are_normalised(id_type, value, expected):
    assert rules.validate_id(id_type, value) == expected


@pytest.mark.parametrize(
    ("id_type", "value"),
    [(rules.PASSPORT, "E1"), (rules.HK_MACAO_PERMIT, "X12345678"), (rules.TAIWAN_PERMIT, "1234")],
)
def test_other_id_types_refuse_bad_format(id_type, value):
    with pytest.raises(rules.RuleError):
        rules.validate_id(id_type, value)


def test_credit_code_known_example_and_checksum():
    assert rules.validate_credit_code("91110000600037341l") == "91110000600037341L"
    with pytest.raises(rules.RuleError) as err:
        rules.validate_credit_code("91110000600037341M")
    assert err.value.code == "credit_code_checksum"
    with pytest.raises(rules.RuleError) as err:
        rules.validate_credit_code("9111000060003734")
    assert err.value.code == "credit_code_format"


@given(st.integers(min_value=0, max_value=10**9))
def test_generated_credit_codes_validate(seed):
    code = make_credit_code(seed)
    assert rules.validate_credit_code(code) == code


@given(region=regions, birth=births, seq=st.integers(0, 999))
def test_mask_hides_birth_date_and_keeps_ends(region, birth, seq):
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = first17 + rules.resident_id_check_char(first17)
    masked = rules.mask_id_number(number)
    assert len(masked) == 18
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert f"{birth:%Y%m%d}" not in masked
    assert masked[6:14] == "*" * 8


@given(st.text(alphabet="ABCDEFGHJK0123456789", min_size=1, max_size=30))
def test_mask_never_reveals_more_than_a_third_of_short_numbers(value):
    masked = rules.mask_id_number(value)
    assert len(masked) == len(value)
    if len(value) != 18:
        assert sum(1 for c in masked if c != "*") <= max(1, len(value) // 3)


def test_mask_name_keeps_family_name_only():
    assert rules.mask_name("张三丰") == "张**"
    assert rules.mask_name("阿依古丽·买买提") == "阿依古丽·***"


def test_person_name_middle_dot_is_unified():
    assert rules.normalize_person_name(" 阿依古丽•买买提 ") == "阿依古丽·买买提"
    assert rules.normalize_person_name("阿依古丽 . 买买提") == "阿依古丽·买买提"


@pytest.mark.parametrize(("code", "prefix"), [("330000", "33"), ("330600", "3306"), ("330602", "330602")])
def test_region_prefix(code, prefix):
    assert rules.region_prefix(code) == prefix
