"""Pure training rules: subsidies, points, attendance, selection, the apprenticeship machine."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.rules import RuleError
from gongjiang.training import rules
from gongjiang.training.rules import (
    APPRENTICESHIP,
    SKILL_UPGRADE,
    VOCATIONAL_TRAINING,
    ClaimFacts,
    PolicyTerms,
    PriorClaim,
)

OCC = "6-18-01-01"
SKILL_TERMS = PolicyTerms(
    kind=SKILL_UPGRADE,
    year=2024,
    amounts_by_level={SkillLevel.JUNIOR: Decimal("1000"), SkillLevel.INTERMEDIATE: Decimal("1500"),
                      SkillLevel.SENIOR: Decimal("2000")},
    max_claims_per_year=3,
    min_insured_months=12,
    claim_window_months=12,
    exclusive_with=frozenset({VOCATIONAL_TRAINING}),
    shortage_uplift_percent=30,
    amount_cap=Decimal("2400"),
    valid_from=dt.date(2024, 1, 1),
    valid_until=dt.date(2024, 12, 31),
)
APPRENTICE_TERMS = PolicyTerms(kind=APPRENTICESHIP, year=2024, per_person_year=Decimal("5000"),
                               amount_cap=Decimal("10000"), max_claims_per_year=1)


def skill_facts(**overrides):
    base = {"kind": SKILL_UPGRADE, "claim_date": dt.date(2024, 6, 1), "occupation": OCC,
            "level": SkillLevel.INTERMEDIATE, "certificate_date": dt.date(2024, 3, 1), "insured_months": 24}
    base.update(overrides)
    return ClaimFacts(**base)


def codes_failed(assessment):
    return {check.code for check in assessment.failures}


def test_eligible_claim_gets_level_amount_and_explains_every_check():
    # when
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts())
    # then
    assert result.eligible and result.amount == Decimal("1500.00")
    assert [c.code for c in result.checks] == ["policy_period", "insured_months", "claim_window", "history",
                                               "times_per_year"]
    assert str(rules.MSG_AMOUNT_BASE).format(level=SkillLevel.INTERMEDIATE.label, amount="1500.00") in result.derivation
    assert all(line.startswith("✓") for line in result.explanation()[:5])


def test_shortage_uplift_is_capped():
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(level=SkillLevel.SENIOR, is_shortage_occupation=True))
    assert result.amount == Decimal("2400.00")  # 2000 × 1.3 = 2600, capped at 2400
    assert str(rules.MSG_AMOUNT_CAP).format(cap="2400.00") in result.derivation


def test_too_few_insured_months_refused_with_reason():
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(insured_months=11))
    assert not result.eligible and result.amount == 0
    assert codes_failed(result) == {"insured_months"}
    assert str(rules.MSG_INSURED_FAIL).format(months=11, minimum=12) in [c.message for c in result.checks]


def test_claim_after_window_refused():
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(certificate_date=dt.date(2023, 5, 31)))
    assert codes_failed(result) == {"claim_window"}


def test_fourth_claim_in_a_year_refused():
    prior = [PriorClaim(SKILL_UPGRADE, dt.date(2024, 2, i + 1), f"4-0{i}-01-01", SkillLevel.JUNIOR) for i in range(3)]
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(), prior)
    assert codes_failed(result) == {"times_per_year"}


def test_claims_of_last_year_do_not_count_against_this_year():
    prior = [PriorClaim(SKILL_UPGRADE, dt.date(2023, 2, i + 1), f"4-0{i}-01-01", SkillLevel.JUNIOR) for i in range(3)]
    assert rules.assess_subsidy(SKILL_TERMS, skill_facts(), prior).eligible


def test_same_occupation_and_level_only_once():
    prior = [PriorClaim(SKILL_UPGRADE, dt.date(2023, 6, 1), OCC, SkillLevel.INTERMEDIATE)]
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(), prior)
    assert codes_failed(result) == {"same_level"}


def test_no_lower_level_after_higher():
    prior = [PriorClaim(SKILL_UPGRADE, dt.date(2023, 6, 1), OCC, SkillLevel.SENIOR)]
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(level=SkillLevel.JUNIOR), prior)
    assert codes_failed(result) == {"lower_level"}


def test_no_stacking_with_vocational_training_subsidy():
    prior = [PriorClaim(VOCATIONAL_TRAINING, dt.date(2024, 4, 1), OCC, SkillLevel.INTERMEDIATE)]
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(), prior)
    assert codes_failed(result) == {"stacking"}


def test_level_without_amount_refused():
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(level=SkillLevel.TECHNICIAN))
    assert "level_amount" in codes_failed(result)


def test_outside_policy_period_refused():
    result = rules.assess_subsidy(SKILL_TERMS, skill_facts(claim_date=dt.date(2025, 1, 2),
                                                           certificate_date=dt.date(2024, 12, 1)))
    assert codes_failed(result) == {"policy_period"}


def test_apprenticeship_claim_prorates_per_year_amount():
    facts = ClaimFacts(kind=APPRENTICESHIP, claim_date=dt.date(2024, 12, 1), subject="A1", months_covered=6,
                       contract_months=36)
    result = rules.assess_subsidy(APPRENTICE_TERMS, facts)
    assert result.eligible and result.amount == Decimal("2500.00")


def test_apprenticeship_refuses_second_claim_same_year_and_respects_total_cap():
    facts = ClaimFacts(kind=APPRENTICESHIP, claim_date=dt.date(2024, 12, 1), subject="A1", contract_months=None)
    same_year = [PriorClaim(APPRENTICESHIP, dt.date(2024, 1, 5), subject="A1", amount=Decimal("5000"))]
    assert "same_year" in codes_failed(rules.assess_subsidy(APPRENTICE_TERMS, facts, same_year))
    earlier = [PriorClaim(APPRENTICESHIP, dt.date(2023, 1, 5), subject="A1", amount=Decimal("8000"))]
    result = rules.assess_subsidy(APPRENTICE_TERMS, facts, earlier)
    assert result.eligible and result.amount == Decimal("2000.00")


def test_apprenticeship_short_contract_refused():
    facts = ClaimFacts(kind=APPRENTICESHIP, claim_date=dt.date(2024, 12, 1), subject="A1", contract_months=11)
    assert codes_failed(rules.assess_subsidy(APPRENTICE_TERMS, facts)) == {"labour_contract"}


levels = st.sampled_from([SkillLevel.JUNIOR, SkillLevel.INTERMEDIATE, SkillLevel.SENIOR])
occupations = st.sampled_from([OCC, "6-20-01-01", "4-04-05-05"])
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31))
prior_claims = st.lists(
    st.builds(PriorClaim, kind=st.sampled_from([SKILL_UPGRADE, VOCATIONAL_TRAINING]), claim_date=days,
              occupation=occupations, level=levels),
    max_size=6,
)


@given(prior=prior_claims, level=levels, occupation=occupations, shortage=st.booleans(),
       insured=st.integers(0, 60), claim=days)
def test_amount_never_exceeds_cap_and_is_zero_when_refused(prior, level, occupation, shortage, insured, claim):
    facts = skill_facts(level=level, occupation=occupation, is_shortage_occupation=shortage, insured_months=insured,
                        claim_date=claim, certificate_date=claim - dt.timedelta(days=30))
    result = rules.assess_subsidy(SKILL_TERMS, facts, prior)
    assert 0 <= result.amount <= SKILL_TERMS.amount_cap
    assert result.eligible == (not result.failures)
    if not result.eligible:
        assert result.amount == 0
    # the explanation names every check, in order
    assert len(result.explanation()) == len(result.checks) + len(result.derivation)


@given(prior=prior_claims, level=levels, occupation=occupations, claim=days)
def test_granting_then_repeating_the_same_claim_is_always_refused(prior, level, occupation, claim):
    facts = skill_facts(level=level, occupation=occupation, claim_date=claim,
                        certificate_date=claim - dt.timedelta(days=1))
    first = rules.assess_subsidy(SKILL_TERMS, facts, prior)
    if first.eligible:
        again = rules.assess_subsidy(SKILL_TERMS, facts, [*prior, PriorClaim(SKILL_UPGRADE, claim, occupation, level)])
        assert not again.eligible and "same_level" in codes_failed(again)


@given(prior=prior_claims, claim=days)
def test_never_more_than_max_claims_per_year(prior, claim):
    granted = list(prior)
    count_this_year = 0
    for level in (SkillLevel.JUNIOR, SkillLevel.INTERMEDIATE, SkillLevel.SENIOR):
        for occupation in (OCC, "6-20-01-01"):
            facts = skill_facts(level=level, occupation=occupation, claim_date=claim,
                                certificate_date=claim - dt.timedelta(days=1))
            if rules.assess_subsidy(SKILL_TERMS, facts, granted).eligible:
                granted.append(PriorClaim(SKILL_UPGRADE, claim, occupation, level))
                count_this_year += 1
    already = sum(1 for p in prior if p.kind == SKILL_UPGRADE and p.claim_date.year == claim.year)
    assert already + count_this_year <= max(SKILL_TERMS.max_claims_per_year, already)


@given(months=st.integers(-3, 15), per_year=st.integers(0, 20000))
def test_apprenticeship_amount_is_proportional(months, per_year):
    terms = PolicyTerms(kind=APPRENTICESHIP, year=2024, per_person_year=Decimal(per_year))
    facts = ClaimFacts(kind=APPRENTICESHIP, claim_date=dt.date(2024, 6, 1), subject="X", months_covered=months,
                       contract_months=12)
    result = rules.assess_subsidy(terms, facts)
    assert result.eligible == (1 <= months <= 12)
    if result.eligible:
        assert result.amount == (Decimal(per_year) * months / 12).quantize(Decimal("0.01"))


# --- points ---------------------------------------------------------------------------------
POINTS = rules.PointsRule(points_per_hour=Decimal("0.5"), max_hours_points=40, completion_points=10,
                          certificate_points={SkillLevel.SENIOR: 30}, international_certificate_points=50)


def test_points_from_hours_completion_and_certificate():
    lines = rules.points_for_training(POINTS, hours_attended=Decimal("33"), completed=True,
                                      certificate_level=SkillLevel.SENIOR)
    assert [(line.kind, line.points) for line in lines] == [("hours", 16), ("completion", 10), ("certificate", 30)]
    assert lines[0].reason == str(rules.MSG_POINTS_HOURS).format(hours="33", per_hour="0.5")


def test_points_for_international_certificate_and_hour_cap():
    lines = rules.points_for_training(POINTS, hours_attended=Decimal("200"), completed=True,
                                      international_certificate=True)
    assert [(line.kind, line.points) for line in lines] == [("hours", 40), ("completion", 10), ("certificate", 50)]


def test_dropout_earns_hours_only():
    lines = rules.points_for_training(POINTS, hours_attended=Decimal("8"), completed=False,
                                      certificate_level=SkillLevel.SENIOR)
    assert [(line.kind, line.points) for line in lines] == [("hours", 4)]


@given(hours=st.decimals(min_value=-10, max_value=1000, places=1), completed=st.booleans())
def test_points_are_non_negative_whole_numbers_and_bounded(hours, completed):
    lines = rules.points_for_training(POINTS, hours_attended=hours, completed=completed,
                                      certificate_level=SkillLevel.SENIOR)
    assert all(isinstance(line.points, int) and line.points > 0 for line in lines)
    assert sum(line.points for line in lines) <= 40 + 10 + 30


# --- attendance and selection ---------------------------------------------------------------
@given(total=st.integers(1, 60), data=st.data())
def test_attendance_rate_bounds(total, data):
    attended = data.draw(st.integers(0, total))
    rate = rules.attendance_rate(attended, total)
    assert Decimal(0) <= rate <= Decimal(100)
    checks = rules.completion_checks(attended=attended, total=total, minimum_rate=80, assessment_required=False,
                                     assessment_passed=None)
    assert checks[0].passed == (rate >= 80)


def test_completion_needs_passed_assessment():
    checks = rules.completion_checks(attended=10, total=10, minimum_rate=80, assessment_required=True,
                                     assessment_passed=False)
    assert [c.passed for c in checks] == [True, False]
    assert checks[1].message == str(rules.MSG_ASSESSMENT_FAILED)


@given(capacity=st.none() | st.integers(0, 50), selected=st.integers(0, 50), wanted=st.integers(0, 50))
def test_selection_never_exceeds_capacity(capacity, selected, wanted):
    if capacity is not None and selected + wanted > capacity:
        with pytest.raises(RuleError):
            rules.check_selection(capacity=capacity, already_selected=selected, wanted=wanted)
    else:
        rules.check_selection(capacity=capacity, already_selected=selected, wanted=wanted)


# --- apprenticeship machine -----------------------------------------------------------------
STATUSES = [rules.WAITING, rules.ACTIVE, rules.PAUSED, rules.STOPPED, rules.COMPLETED]


@given(current=st.sampled_from(STATUSES), target=st.sampled_from(STATUSES))
def test_only_listed_transitions_are_allowed(current, target):
    allowed = target in rules.TRANSITIONS[current]
    try:
        rules.check_transition(current=current, target=target, on=dt.date(2024, 6, 1), reason="按计划",
                               last_change_on=dt.date(2024, 1, 1), fully_signed_reviews=1)
    except RuleError as exc:
        assert not allowed, exc
    else:
        assert allowed


@given(steps=st.lists(st.sampled_from(STATUSES), max_size=12))
def test_stopped_and_completed_are_final(steps):
    status = rules.WAITING
    for target in steps:
        try:
            rules.check_transition(current=status, target=target, on=dt.date(2024, 6, 1), reason="原因",
                                   last_change_on=None, fully_signed_reviews=1)
        except RuleError:
            continue
        assert status not in (rules.STOPPED, rules.COMPLETED)
        status = target


def test_transition_needs_reason_date_order_and_signed_review():
    kwargs = {"current": rules.ACTIVE, "on": dt.date(2024, 6, 1), "last_change_on": dt.date(2024, 1, 1)}
    with pytest.raises(RuleError) as err:
        rules.check_transition(target=rules.PAUSED, reason=" ", **kwargs)
    assert err.value.message == str(rules.ERR_REASON_REQUIRED)
    with pytest.raises(RuleError) as err:
        rules.check_transition(target=rules.PAUSED, reason="病假", current=rules.ACTIVE, on=dt.date(2023, 12, 1),
                               last_change_on=dt.date(2024, 1, 1))
    assert err.value.code == "date"
    with pytest.raises(RuleError) as err:
        rules.check_transition(target=rules.COMPLETED, reason="期满", fully_signed_reviews=0, **kwargs)
    assert err.value.message == str(rules.ERR_COMPLETE_NEEDS_REVIEW)


@pytest.mark.parametrize(("end", "reason", "code"), [
    (dt.date(2025, 8, 31), "", None),
    (dt.date(2025, 7, 31), "", "period_short"),
    (dt.date(2026, 8, 31), "", None),
    (dt.date(2027, 2, 28), "", "period_long"),
    (dt.date(2027, 2, 28), "项目延期", None),
    (dt.date(2027, 9, 30), "项目延期", "period_too_long"),
])
def test_period_rules(end, reason, code):
    start = dt.date(2024, 9, 1)
    if code is None:
        assert rules.check_period(start=start, end=end, extension_reason=reason) >= 12
    else:
        with pytest.raises(RuleError) as err:
            rules.check_period(start=start, end=end, extension_reason=reason)
        assert err.value.code == code


def test_labour_contract_of_a_year_or_open_ended():
    assert rules.check_labour_contract(start=dt.date(2024, 1, 1), end=None) is None
    assert rules.check_labour_contract(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)) == 12
    with pytest.raises(RuleError) as err:
        rules.check_labour_contract(start=dt.date(2024, 1, 1), end=dt.date(2024, 11, 30))
    assert err.value.message == str(rules.ERR_CONTRACT_SHORT).format(months=11)


@given(start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), months=st.integers(0, 120))
def test_add_months_and_whole_months_agree(start, months):
    later = rules.add_months(start, months)
    assert rules.whole_months_between(start, later) == months
    assert rules.whole_months_between(later, start) == -months
