"""The apprenticeship lifecycle: agreement rules, state machine, double sign-off, allowances, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.training import rules, selectors
from gongjiang.training.models import Apprenticeship, ApprenticeshipStatusChange, MentorAllowance
from gongjiang.training.services import apprenticeships as services
from tests import factories
from tests.training import builders


def test_registers_agreement_waiting_with_first_dated_change(city, personas):
    record = builders.apprenticeship(city, actor=personas.olga)
    assert record.status == Apprenticeship.Status.WAITING
    change = ApprenticeshipStatusChange.objects.get(apprenticeship=record)
    assert change.to_status == "waiting" and change.reason
    assert AuditEntry.objects.filter(action="training.apprenticeship.created", actor=personas.olga).exists()


@pytest.mark.parametrize(("extra", "field"), [
    ({"planned_end_date": dt.date(2024, 12, 31)}, "planned_end_date"),
    ({"planned_end_date": dt.date(2027, 2, 28)}, "planned_end_date"),
    ({"contract_end": dt.date(2024, 6, 30)}, "contract_end"),
    ({"target_level": 1}, "target_level"),
])
def test_agreement_rules_refuse_and_save_nothing(city, personas, extra, field):
    with pytest.raises(ApplicationError) as err:
        builders.apprenticeship(city, actor=personas.olga, **extra)
    assert field in err.value.errors
    assert not Apprenticeship.objects.exists()


def test_extension_to_three_years_needs_reason(city, personas):
    record = builders.apprenticeship(city, actor=personas.olga, planned_end_date=dt.date(2027, 2, 28),
                                     extension_reason="技师培养周期长")
    assert record.extension_reason == "技师培养周期长"


def test_mentors_must_be_two_people_and_enterprise_mentor_works_there(city, personas):
    outsider = factories.person("外单位师傅", employer=city.keqiao_textile, region_obj=city.keqiao)
    with pytest.raises(ApplicationError) as err:
        builders.apprenticeship(city, actor=personas.olga, enterprise_mentor=outsider)
    assert err.value.errors["enterprise_mentor"] == [services.ERR_ENTERPRISE_MENTOR_EMPLOYER]


def test_enterprise_cannot_register_for_another_enterprise(city, personas):
    with pytest.raises(ApplicationError) as err:
        builders.apprenticeship(city, actor=personas.kira)
    assert "employer" in err.value.errors
    assert not Apprenticeship.objects.exists()


def test_lifecycle_with_dated_reasons_and_double_signed_review(city, personas):
    # given
    record = builders.apprenticeship(city, actor=personas.olga)
    services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="active",
                                          on=dt.date(2024, 3, 1), reason="入学报到")
    services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="paused",
                                          on=dt.date(2024, 6, 1), reason="产假")
    services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="active",
                                          on=dt.date(2024, 9, 1), reason="复工")
    review = services.review_create(actor=personas.olga, apprenticeship=record, period_label="2024 年度",
                                    review_date=dt.date(2024, 12, 20), progress_percent=90, summary="达到预期")
    # completing before both mentors sign is refused
    with pytest.raises(ApplicationError) as err:
        services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="completed",
                                              on=dt.date(2025, 2, 28), reason="期满考核合格")
    assert err.value.message == str(rules.ERR_COMPLETE_NEEDS_REVIEW)
    # when both sign: the enterprise side by the employer's admin, the school side by the mentor's login
    services.review_sign(actor=personas.olga, review=review, side="enterprise")
    school_mentor = record.school_mentor
    school_mentor.user = factories.user("zhou")
    school_mentor.save(update_fields=["user"])
    with pytest.raises(PermissionDeniedError):
        services.review_sign(actor=personas.kira, review=review, side="school")
    services.review_sign(actor=school_mentor.user, review=review, side="school")
    done = services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="completed",
                                                 on=dt.date(2025, 2, 28), reason="期满考核合格")
    # then
    assert done.status == "completed"
    history = list(ApprenticeshipStatusChange.objects.filter(apprenticeship=record)
                   .values_list("from_status", "to_status", "reason"))
    assert history[1:] == [("waiting", "active", "入学报到"), ("active", "paused", "产假"),
                           ("paused", "active", "复工"), ("active", "completed", "期满考核合格")]
    with pytest.raises(ApplicationError):
        services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="active",
                                              on=dt.date(2025, 3, 1), reason="重新开始")


def test_signing_twice_is_refused(city, personas):
    record = builders.apprenticeship(city, actor=personas.olga)
    services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="active",
                                          on=dt.date(2024, 3, 1), reason="报到")
    review = services.review_create(actor=personas.olga, apprenticeship=record, period_label="第一学期",
                                    review_date=dt.date(2024, 7, 1), progress_percent=40, summary="良好")
    services.review_sign(actor=personas.olga, review=review, side="enterprise")
    # refused, in the language of whoever asks
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.review_sign(actor=personas.olga, review=review, side="enterprise")
    assert error.value.errors["side"] == ["企业导师已签字，不能重复签字。"]
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.review_sign(actor=personas.olga, review=review, side="enterprise")
    assert error.value.errors["side"] == ['"Company mentor" has already signed and cannot sign again.']


def test_state_change_without_reason_changes_nothing(city, personas):
    record = builders.apprenticeship(city, actor=personas.olga)
    with pytest.raises(ApplicationError) as err:
        services.apprenticeship_change_status(actor=personas.olga, apprenticeship=record, status="active",
                                              on=dt.date(2024, 3, 1), reason="")
    assert err.value.errors == {"reason": [str(rules.ERR_REASON_REQUIRED)]}
    record.refresh_from_db()
    assert record.status == "waiting" and record.status_changes.count() == 1


def test_enterprise_sees_its_own_apprentices_only(city, personas):
    mine = builders.apprenticeship(city, actor=personas.olga)
    textile_school = builders.school(city, "柯桥职业技术学校")
    theirs = builders.apprenticeship(
        city, actor=personas.kira, employer=city.keqiao_textile, school=textile_school,
        apprentice=factories.person("柯桥学徒", employer=city.keqiao_textile, region_obj=city.keqiao),
        enterprise_mentor=factories.person("柯桥师傅", employer=city.keqiao_textile, region_obj=city.keqiao),
        school_mentor=factories.person("柯桥老师", employer=textile_school, region_obj=city.keqiao),
    )
    assert set(selectors.apprenticeship_queryset(personas.olga)) == {mine}
    assert set(selectors.apprenticeship_queryset(personas.kira)) == {theirs}
    assert set(selectors.apprenticeship_queryset(personas.dan)) == {mine}
    assert set(selectors.apprenticeship_queryset(personas.city)) == {mine, theirs}
    assert not selectors.apprenticeship_queryset(personas.sam).exists()
    with pytest.raises(PermissionDeniedError):
        services.apprenticeship_change_status(actor=personas.kira, apprenticeship=mine, status="active",
                                              on=dt.date(2024, 3, 1), reason="越权")
    mine.refresh_from_db()
    assert mine.status == "waiting"


def test_stan_read_only_staff_cannot_change(city, personas):
    record = builders.apprenticeship(city, actor=personas.olga)
    assert selectors.apprenticeship_queryset(personas.stan).filter(pk=record.pk).exists()
    with pytest.raises(PermissionDeniedError):
        services.apprenticeship_change_status(actor=personas.stan, apprenticeship=record, status="active",
                                              on=dt.date(2024, 3, 1), reason="报到")


def test_mentor_allowance_recorded_once_per_period_for_a_mentor(city, personas):
    record = builders.apprenticeship(city, actor=personas.olga)
    allowance = services.mentor_allowance_record(
        actor=personas.olga, apprenticeship=record, mentor=record.enterprise_mentor,
        period_start=dt.date(2024, 3, 1), period_end=dt.date(2024, 8, 31), amount="1800", paid_on=dt.date(2024, 9, 5),
    )
    assert allowance.amount == 1800
    with pytest.raises(ApplicationError):
        services.mentor_allowance_record(actor=personas.olga, apprenticeship=record, mentor=record.enterprise_mentor,
                                         period_start=dt.date(2024, 3, 1), period_end=dt.date(2024, 8, 31), amount="1")
    with pytest.raises(ApplicationError) as err:
        services.mentor_allowance_record(actor=personas.olga, apprenticeship=record, mentor=record.apprentice,
                                         period_start=dt.date(2024, 9, 1), period_end=dt.date(2024, 12, 31), amount="1")
    assert "mentor" in err.value.errors
    assert MentorAllowance.objects.count() == 1
