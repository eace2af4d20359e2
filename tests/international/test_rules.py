"""Pure international rules: agreement content hashes, approval, status, recognition, countries."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.core.rules import RuleError
from gongjiang.international import rules
from gongjiang.international.rules import AgreementContent

DOC = rules.sha256_hex(b"%PDF-1.7 framework agreement")


def content(**overrides):
    base = {"title": "中德职业技能合作框架协议", "kind": "framework", "party_ids": (3, 9),
            "signed_date": dt.date(2024, 11, 22), "term_months": 36, "document_sha256": DOC}
    base.update(overrides)
    return AgreementContent(**base)


@given(parties=st.lists(st.integers(1, 10_000), min_size=2, max_size=6, unique=True))
def test_hash_ignores_party_order(parties):
    a = rules.content_hash(content(party_ids=tuple(parties)))
    b = rules.content_hash(content(party_ids=tuple(reversed(parties))))
    assert a == b and rules.HEX64.match(a)


@given(title=st.text(min_size=1, max_size=40), term=st.integers(1, 240))
def test_any_change_gives_another_hash(title, term):
    base = content()
    changed = content(title=base.title + title.strip() + "X", term_months=term)
    assert rules.content_hash(base) != rules.content_hash(changed)


def test_changed_document_changes_hash_and_old_approval_is_refused():
    old = rules.content_hash(content())
    new = rules.content_hash(content(document_sha256=rules.sha256_hex(b"%PDF-1.7 amended")))
    assert old != new
    with pytest.raises(RuleError) as err:
        rules.check_approval(presented_hash=old, current_hash=new)
    assert err.value.code == "hash_mismatch"
    rules.check_approval(presented_hash=new.upper(), current_hash=new)


def test_malformed_hash_refused():
    with pytest.raises(RuleError) as err:
        rules.check_approval(presented_hash="abc", current_hash=rules.content_hash(content()))
    assert err.value.message == str(rules.ERR_HASH_FORMAT)


def test_missing_parts_block_approval():
    missing = rules.missing_for_approval(content(party_ids=(3,), document_sha256="", term_months=None))
    assert len(missing) == 3


@pytest.mark.parametrize(("today", "hashes", "expected"), [
    (dt.date(2025, 1, 1), {1: "h", 2: "h"}, rules.IN_FORCE),
    (dt.date(2025, 1, 1), {1: "h", 2: "old"}, rules.PENDING),
    (dt.date(2025, 1, 1), {1: "h", 2: None}, rules.PENDING),
    (dt.date(2024, 11, 1), {1: "h", 2: "h"}, rules.PENDING),
    (dt.date(2027, 11, 22), {1: "h", 2: "h"}, rules.EXPIRED),
    (dt.date(2027, 11, 21), {1: "h", 2: "h"}, rules.IN_FORCE),
])
def test_status_is_derived(today, hashes, expected):
    status = rules.agreement_status(terminated=False, complete=True, approved_hashes=hashes, current_hash="h",
                                    signed_date=dt.date(2024, 11, 22), term_months=36, today=today)
    assert status == expected


def test_terminated_and_incomplete():
    kwargs = {"approved_hashes": {1: "h"}, "current_hash": "h", "signed_date": None, "term_months": None,
              "today": dt.date(2025, 1, 1)}
    assert rules.agreement_status(terminated=True, complete=True, **kwargs) == rules.TERMINATED
    assert rules.agreement_status(terminated=False, complete=False, **kwargs) == rules.DRAFT


def test_country_codes():
    assert rules.normalize_country(" de ") == "DE"
    assert rules.country_name("DE") == "德国"
    for bad in ("CN", "DEU", "1A", ""):
        with pytest.raises(RuleError):
            rules.normalize_country(bad)


def test_recognition_rules():
    rules.check_recognition(decision=rules.PENDING_DECISION, decision_date=None, domestic_level=None,
                            domestic_title="")
    rules.check_recognition(decision=rules.MAPPED, decision_date=dt.date(2023, 5, 1), domestic_level=None,
                            domestic_title="工程师")
    with pytest.raises(RuleError) as err:
        rules.check_recognition(decision=rules.RECOGNISED, decision_date=None, domestic_level=None,
                                domestic_title="")
    assert err.value.message == str(rules.ERR_RECOGNITION_DATE)
    with pytest.raises(RuleError) as err:
        rules.check_recognition(decision=rules.MAPPED, decision_date=dt.date(2023, 5, 1), domestic_level=None,
                                domestic_title=" ")
    assert err.value.message == str(rules.ERR_RECOGNITION_MAPPING)


@given(start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2080, 1, 1)), term=st.integers(1, 240))
def test_end_date_is_day_before_anniversary(start, term):
    end = rules.agreement_end_date(start, term)
    assert end is not None and start <= end
    assert rules.agreement_status(terminated=False, complete=True, approved_hashes={1: "h"}, current_hash="h",
                                  signed_date=start, term_months=term, today=end) == rules.IN_FORCE
    assert rules.agreement_status(terminated=False, complete=True, approved_hashes={1: "h"}, current_hash="h",
                                  signed_date=start, term_months=term,
                                  today=end + dt.timedelta(days=1)) == rules.EXPIRED
