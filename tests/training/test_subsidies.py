"""Subsidy policies as data, claims computed against them, no double claims, the approval chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.training import selectors
from gongjiang.training.models import SubsidyClaim, SubsidyPolicy
from gongjiang.training.services import apprenticeships as apprenticeship_services
from gongjiang.training.services import subsidies as services
from tests.training import builders


def claim(personas, policy, person, **extra):
    data = {"claim_date": dt.date(2024, 6, 1), "level": 2, "occupation_code": "6-18-01-01",
            "certificate_date": dt.date(2024, 3, 1), "insured_months": 24}
    data.update(extra)
    return services.claim_create(actor=personas.olga, policy=policy, person=person, **data)


def test_eligible_claim_is_assessed_with_amount_and_reasons(city, personas):
    policy = builders.skill_policy(city)
    result = claim(personas, policy, personas.wang.person)
    assert result.status == SubsidyClaim.Status.ASSESSED and result.amount == Decimal("1500.00")
    assert result.explanation["eligible"] is True
    assert [c["code"] for c in result.explanation["checks"]][:2] == ["policy_period", "insured_months"]


def test_double_claim_is_refused_and_recorded_with_reason(city, personas):
    policy = builders.skill_policy(city)
    claim(personas, policy, personas.wang.person)
    second = claim(personas, policy, personas.wang.person, claim_date=dt.date(2024, 7, 1))
    assert second.status == SubsidyClaim.Status.REFUSED and second.amount == 0
    assert {c["code"] for c in second.explanation["checks"] if not c["passed"]} == {"same_level"}
    assert SubsidyClaim.objects.filter(status__in=SubsidyClaim.LIVE_STATUSES).count() == 1


def test_cancelled_claim_no_longer_blocks(city, personas):
    policy = builders.skill_policy(city)
    first = claim(personas, policy, personas.wang.person)
    services.claim_cancel(actor=personas.olga, claim=first, reason="信息填错")
    again = claim(personas, policy, personas.wang.person)
    assert again.status == SubsidyClaim.Status.ASSESSED


def test_fourth_claim_in_a_year_refused(city, personas):
    policy = builders.skill_policy(city)
    for index, level in enumerate((1, 2, 3)):
        claim(personas, policy, personas.wang.person, occupation_code=f"6-18-01-0{index + 1}", level=level)
    fourth = claim(personas, policy, personas.wang.person, occupation_code="6-20-01-01", level=1)
    assert {c["code"] for c in fourth.explanation["checks"] if not c["passed"]} == {"times_per_year"}


def test_no_stacking_across_kinds(city, personas):
    skill = builders.skill_policy(city)
    training = services.policy_create(actor=personas.city, region=city.city, year=2024, kind="vocational_training",
                                      name="职业培训补贴", amounts_by_level={"2": "1000"},
                                      exclusive_with=["skill_upgrade"])
    claim(personas, training, personas.wang.person)
    stacked = claim(personas, skill, personas.wang.person)
    assert stacked.status == SubsidyClaim.Status.REFUSED
    assert {c["code"] for c in stacked.explanation["checks"] if not c["passed"]} == {"stacking"}


def test_approval_chain_by_bureau_only(city, personas):
    policy = builders.skill_policy(city)
    result = claim(personas, policy, personas.wang.person)
    with pytest.raises(PermissionDeniedError):
        services.claim_approve(actor=personas.olga, claim=result)
    services.claim_approve(actor=personas.dan, claim=result)
    paid = services.claim_mark_paid(actor=personas.dan, claim=result, paid_on=dt.date(2024, 8, 1))
    assert paid.status == SubsidyClaim.Status.PAID and paid.paid_on == dt.date(2024, 8, 1)
    with pytest.raises(ApplicationError):
        services.claim_cancel(actor=personas.dan, claim=paid, reason="晚了")
    assert SubsidyClaim.objects.get(pk=paid.pk).status == "paid"


def test_refusals_are_given_in_the_users_language(city, personas):
    from django.utils import translation

    paid = claim(personas, builders.skill_policy(city), personas.wang.person)
    services.claim_approve(actor=personas.dan, claim=paid)
    services.claim_mark_paid(actor=personas.dan, claim=paid, paid_on=dt.date(2024, 8, 1))
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.claim_cancel(actor=personas.dan, claim=paid, reason="晚了")
    assert error.value.errors["status"] == ['The subsidy claim status is "Paid", so "Revoke" is not possible.']
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.claim_cancel(actor=personas.dan, claim=paid, reason="晚了")
    assert error.value.errors["status"] == ["补贴申领状态为“已发放”，不能撤销。"]


def test_outsider_cannot_claim_for_someone_else(city, personas):
    policy = builders.skill_policy(city)
    with pytest.raises(PermissionDeniedError):
        services.claim_create(actor=personas.kira, policy=policy, person=personas.wang.person, level=2)
    assert not SubsidyClaim.objects.exists()


def test_policy_only_by_bureau_of_the_region_and_unique_per_year(city, personas):
    with pytest.raises(PermissionDeniedError):
        services.policy_create(actor=personas.olga, region=city.city, year=2025, kind="skill_upgrade", name="x")
    with pytest.raises(PermissionDeniedError):
        services.policy_create(actor=personas.dan, region=city.keqiao, year=2025, kind="skill_upgrade", name="x")
    builders.skill_policy(city)
    with pytest.raises(ApplicationError) as err:
        builders.skill_policy(city)
    assert "year" in err.value.errors
    assert SubsidyPolicy.objects.count() == 1


def test_policy_lookup_falls_back_to_the_region_above(city):
    policy = builders.skill_policy(city)
    assert selectors.policy_for(region=city.yuecheng, year=2024, kind="skill_upgrade") == policy
    assert selectors.policy_for(region=city.yuecheng, year=2023, kind="skill_upgrade") is None


def test_apprenticeship_subsidy_per_year_and_capped(city, personas):
    # given
    policy = builders.apprentice_policy(city)
    record = builders.apprenticeship(city, actor=personas.olga, planned_end_date=dt.date(2027, 2, 28),
                                     extension_reason="技师班", target_level=4)
    apprenticeship_services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record,
                                                         status="active", on=dt.date(2024, 3, 1), reason="报到")
    # when
    first = services.claim_create(actor=personas.olga, policy=policy, person=record.apprentice, apprenticeship=record,
                                  claim_date=dt.date(2024, 12, 1), months_covered=10)
    again = services.claim_create(actor=personas.olga, policy=policy, person=record.apprentice, apprenticeship=record,
                                  claim_date=dt.date(2024, 12, 2), months_covered=2)
    # then
    assert first.amount == Decimal("4166.67") and first.status == "assessed"
    assert again.status == "refused"
    assert {c["code"] for c in again.explanation["checks"] if not c["passed"]} == {"same_year", "times_per_year"}
