"""Pure rules: certificate numbers, verification codes, name matching, credential claims."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.credentials import rules

digits = st.integers


@given(
    category=st.sampled_from(["Y", "S"]),
    institution=digits(0, 9999),
    province=digits(11, 82),
    site=digits(0, 999_999),
    year=digits(2000, 2099),
    grade=digits(1, 5),
    serial=digits(1, 999_999),
)
def test_national_number_round_trips(category, institution, province, site, year, grade, serial):
    number = rules.format_national_number(
        category=category, institution_code=f"{institution:04d}", province_code=f"{province:02d}",
        site_code=f"{site:06d}", year=year, national_grade=grade, serial=serial,
    )
    parsed = rules.parse_certificate_number(number)
    assert len(number) == 22
    assert parsed.scheme == rules.NATIONAL
    assert parsed.national_grade == grade
    assert parsed.parts["serial"] == f"{serial:06d}"
    assert parsed.year_2digit == f"{year % 100:02d}"


@given(a=digits(1, 999_999), b=digits(1, 999_999))
def test_distinct_serials_give_distinct_numbers(a, b):
    common = {"category": "S", "institution_code": "0003", "province_code": "33", "site_code": "000012",
              "year": 2025, "national_grade": 3}
    first = rules.format_national_number(serial=a, **common)
    second = rules.format_national_number(serial=b, **common)
    assert (first == second) == (a == b)


@pytest.mark.parametrize("bad", [
    {"category": "X"}, {"institution_code": "12"}, {"province_code": "3"}, {"site_code": "12345"},
    {"national_grade": 0}, {"national_grade": 6}, {"serial": 0}, {"serial": 1_000_000},
])
def test_format_refuses_parts_of_wrong_width(bad):
    parts = {"category": "Y", "institution_code": "0000", "province_code": "33", "site_code": "000001",
             "year": 2025, "national_grade": 4, "serial": 1, **bad}
    with pytest.raises(ValueError):
        rules.format_national_number(**parts)


def test_legacy_and_other_numbers_are_recognised_never_generated():
    assert rules.parse_certificate_number("1933060210340001").scheme == rules.LEGACY
    assert rules.parse_certificate_number("RSN3000881234567").scheme == rules.OTHER
    assert rules.parse_certificate_number("ｙ０００１３３０００００１１９５０００００１").scheme == rules.NATIONAL
    with pytest.raises(ValueError):
        rules.parse_certificate_number("证书")


@given(st.data())
def test_verification_codes_are_well_formed(data):
    code = rules.new_verification_code()
    assert rules.is_verification_code(code)
    assert len(code) == rules.CODE_LENGTH
    assert not set(code) & set("IO01")
    spaced = "-".join(code[i:i + 4] for i in range(0, 20, 4)).lower()
    assert rules.normalize_verification_code(spaced) == code


def test_codes_do_not_repeat():
    codes = {rules.new_verification_code() for _ in range(2000)}
    assert len(codes) == 2000


@given(st.text(alphabet="张王李赵阿依古丽买提·", min_size=2, max_size=8))
def test_a_name_matches_itself_with_spaces_and_dot_variants(name):
    typed = " " + name.replace("·", "・") + " "
    assert rules.name_matches(typed, name)


def test_different_names_and_empty_names_do_not_match():
    assert not rules.name_matches("王师付", "王师傅")
    assert not rules.name_matches("", "")
    assert not rules.name_matches("王", "王师傅")


def test_claims_carry_no_clear_name_and_valid_until_becomes_exp():
    claims = rules.build_credential_claims(
        code="ABCDEFGHJKLMNPQRSTUV", base_url="https://gj.example/", kind="skill_level", title="职业技能等级证书",
        holder_name="王师傅", holder_name_masked="王**", number="Y000033000001254000001",
        fields={"occupation": "车工"}, issuer_id="urn:x", issuer_name="越城机械有限公司",
        issued_on=dt.date(2025, 6, 30), valid_until=dt.date(2026, 6, 30),
        issued_at=dt.datetime(2025, 6, 30, 8, tzinfo=dt.UTC), salt="00ff",
    )
    text = str(claims)
    assert "王师傅" not in text
    assert claims["vc"]["credentialSubject"]["name"] == "王**"
    assert claims["jti"] == "https://gj.example/verify/ABCDEFGHJKLMNPQRSTUV/"
    assert claims["exp"] == int(dt.datetime(2026, 7, 1, tzinfo=dt.UTC).timestamp())
    assert claims["vc"]["credentialSubject"]["identifier"][0]["identityHash"] == rules.name_identity_hash("王师傅", "00ff")


def test_a_credential_signed_before_utc_reaches_its_local_issue_date_is_valid_at_once():
    """Issued at 00:20 in Shaoxing (16:20 UTC the day before): the token must not say "not
    valid before" a moment after it was signed."""
    signed = dt.datetime(2026, 11, 21, 16, 20, tzinfo=dt.UTC)
    claims = rules.build_credential_claims(
        code="ABCDEFGHJKLMNPQRSTUV", base_url="https://gj.example/", kind="skill_level", title="职业技能等级证书",
        holder_name="王师傅", holder_name_masked="王**", number="Y000033000001264000001",
        fields={}, issuer_id="urn:x", issuer_name="越城机械有限公司",
        issued_on=dt.date(2026, 11, 22), valid_until=None, issued_at=signed, salt="00ff",
    )
    assert claims["nbf"] <= claims["iat"] == int(signed.timestamp())
    # Issued later in the local day, the token is valid from the start of its date (UTC).
    later = rules.build_credential_claims(
        code="ABCDEFGHJKLMNPQRSTUV", base_url="https://gj.example/", kind="skill_level", title="职业技能等级证书",
        holder_name="王师傅", holder_name_masked="王**", number="Y000033000001264000001",
        fields={}, issuer_id="urn:x", issuer_name="越城机械有限公司",
        issued_on=dt.date(2026, 11, 22), valid_until=None, issued_at=signed + dt.timedelta(hours=10), salt="00ff",
    )
    assert later["nbf"] == int(dt.datetime(2026, 11, 22, tzinfo=dt.UTC).timestamp())
