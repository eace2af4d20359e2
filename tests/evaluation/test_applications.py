"""Applications: eligibility decided at once, refusals explained, bulk by employer, 破格, routes."""

from __future__ import annotations

import datetime as dt

import pytest

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.evaluation import services
from gongjiang.evaluation.models import Application
from gongjiang.evaluation.services import applications as application_services
from tests import factories
from tests.evaluation.conftest import make_batch


def test_an_eligible_worker_applies_for_themselves(setup, personas):
    from gongjiang.people.models import Person

    wang = Person.objects.get(user=personas.wang)
    batch = make_batch(setup)
    application = services.application_submit(
        actor=personas.wang, batch=batch, person=wang, grade=4, facts={"occupation_start": dt.date(2012, 5, 1)}
    )
    assert application.status == "accepted"
    assert application.eligibility["met"] == "4-2"
    assert application.employer_id == wang.current_employer_id
    assert AuditEntry.objects.filter(action="evaluation.application.submitted", object_id=str(application.pk)).exists()


def test_an_ineligible_application_is_refused_with_the_explanation(setup):
    batch = make_batch(setup, grades=(3,))
    person = setup.candidates[0]
    factories.certificate(person, level=2, occupation_obj=setup.occupation, issue_date=dt.date(2023, 1, 1))
    application = services.application_submit(actor=None, batch=batch, person=person, grade=3, facts={})
    assert application.status == "refused"
    assert "取得四级证书后还需累计从事本职业工作" in application.eligibility["explanation"]
    assert "2028 年 1 月 1 日起可申报" in application.eligibility["explanation"]


def test_registry_certificates_of_related_occupations_count(setup):
    batch = make_batch(setup, grades=(3,))
    batch.rule_set.related_occupations = ["6-18-01-02"]
    batch.rule_set.save()
    milling = factories.occupation("6-18-01-02", "铣工")
    person = setup.candidates[0]
    factories.certificate(person, level=2, occupation_obj=milling, issue_date=dt.date(2015, 1, 1))
    application = services.application_submit(actor=None, batch=batch, person=person, grade=3, facts={})
    assert application.status == "accepted"
    assert application.eligibility["met"] == "3-1"


def test_an_admin_may_accept_a_refused_application_as_an_exception(setup, personas):
    batch = make_batch(setup)
    application = services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4, facts={})
    assert application.status == "refused"
    with pytest.raises(ApplicationError) as error:
        services.application_approve_exception(actor=personas.olga, application=application, reason=" ")
    assert error.value.message == application_services.ERR_EXCEPTION_REASON
    services.application_approve_exception(actor=personas.olga, application=application, reason="省级技术能手，破格")
    application.refresh_from_db()
    assert application.status == "accepted" and application.is_exception
    entry = AuditEntry.objects.get(action="evaluation.application.exception_approved")
    assert entry.changes == {"reason": "省级技术能手，破格"} and entry.actor_username == "olga"


@pytest.mark.parametrize("who", ["kira", "stan", "wang", "sam", "aud"])
def test_exceptions_need_write_scope_over_the_batch(setup, personas, who):
    batch = make_batch(setup)
    application = services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4, facts={})
    with pytest.raises(PermissionDeniedError):
        services.application_approve_exception(actor=getattr(personas, who), application=application, reason="x")
    application.refresh_from_db()
    assert application.status == "refused" and not application.is_exception


def test_a_worker_cannot_apply_for_someone_else(setup, personas):
    batch = make_batch(setup)
    with pytest.raises(PermissionDeniedError):
        services.application_submit(actor=personas.wang, batch=batch, person=setup.candidates[0], grade=4, facts={})
    assert not Application.objects.exists()


def test_refusals_are_given_in_the_users_language(setup, personas):
    from django.utils import translation

    batch = make_batch(setup)
    with translation.override("en"), pytest.raises(PermissionDeniedError) as error:
        services.application_submit(actor=personas.wang, batch=batch, person=setup.candidates[0], grade=4, facts={})
    assert str(error.value.message) == "Individuals can apply only for themselves."
    with translation.override("zh-hans"), pytest.raises(PermissionDeniedError) as error:
        services.application_submit(actor=personas.wang, batch=batch, person=setup.candidates[0], grade=4, facts={})
    assert str(error.value.message) == "个人只能为本人申报。"


@pytest.mark.parametrize(("facts", "field"), [
    ({"occupation_start": dt.date.today() + dt.timedelta(days=3)}, "occupation_start"),
    ({"education": "kindergarten"}, "education"),
    ({"prior_grade": 5}, "prior_grade"),
    ({"programs": ["circus"]}, "programs"),
    ({"flags": ["lucky"]}, "flags"),
    ({"height": 180}, "facts"),
])
def test_bad_facts_are_named_and_nothing_saved(setup, facts, field):
    batch = make_batch(setup)
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4, facts=facts)
    assert field in error.value.errors
    assert not Application.objects.exists()


def test_batch_must_be_open_grade_offered_and_no_duplicates(setup):
    batch = make_batch(setup, open_it=False)
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4, facts={})
    assert "batch" in error.value.errors
    services.batch_transition(actor=None, batch=batch, target="open")
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=3, facts={})
    assert "grade" in error.value.errors
    services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4, facts={})
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4, facts={})
    assert "person" in error.value.errors
    assert Application.objects.count() == 1


def test_enterprise_self_evaluation_is_for_its_own_staff(setup, city):
    batch = make_batch(setup)
    outsider = factories.person("外单位", employer=city.keqiao_textile, region_obj=city.keqiao)
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=None, batch=batch, person=outsider, grade=4, facts={})
    assert "person" in error.value.errors


def test_capacity_is_enforced(setup):
    batch = make_batch(setup, capacity=1)
    services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4,
                                facts={"occupation_start": dt.date(2010, 1, 1)})
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=None, batch=batch, person=setup.candidates[1], grade=4,
                                    facts={"occupation_start": dt.date(2010, 1, 1)})
    assert "额满" in str(error.value.message)


def test_employer_applies_in_bulk(setup, city, personas):
    batch = make_batch(setup)
    rows = [
        {"person": setup.candidates[0], "grade": 4, "occupation_start": dt.date(2010, 1, 1)},
        {"person": setup.candidates[1], "grade": 4},
    ]
    saved = services.application_bulk_submit(actor=personas.olga, batch=batch, employer=city.yuecheng_machinery, rows=rows)
    assert [a.status for a in saved] == ["accepted", "refused"]
    assert all(a.is_bulk for a in saved)


def test_bulk_is_all_or_nothing_and_names_the_row(setup, city, personas):
    batch = make_batch(setup)
    outsider = factories.person("外单位", employer=city.keqiao_textile, region_obj=city.keqiao)
    rows = [
        {"person": setup.candidates[0], "grade": 4, "occupation_start": dt.date(2010, 1, 1)},
        {"person": outsider, "grade": 4},
    ]
    with pytest.raises(ApplicationError) as error:
        services.application_bulk_submit(actor=personas.olga, batch=batch, employer=city.yuecheng_machinery, rows=rows)
    assert any("第 2 行（外单位）" in m for m in error.value.errors["row2.person"])
    assert not Application.objects.exists()


def test_bulk_by_another_employer_is_refused(setup, city, personas):
    batch = make_batch(setup)
    with pytest.raises(PermissionDeniedError):
        services.application_bulk_submit(actor=personas.kira, batch=batch, employer=city.yuecheng_machinery,
                                         rows=[{"person": setup.candidates[0], "grade": 4}])
    assert not Application.objects.exists()


def test_direct_certification_needs_grounds_and_senior_level(setup, personas):
    batch = make_batch(setup, grades=(4, 3))
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=personas.olga, batch=batch, person=setup.candidates[0], grade=3,
                                    route="direct", facts={})
    assert "grounds" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        services.application_submit(actor=personas.olga, batch=batch, person=setup.candidates[0], grade=4,
                                    route="direct", grounds_kind="outstanding", grounds="x", facts={})
    assert "grade" in error.value.errors
    application = services.application_submit(
        actor=personas.olga, batch=batch, person=setup.candidates[0], grade=3, route="direct",
        grounds_kind="technical_problem", grounds="主持解决曲轴磨削振纹难题", facts={},
    )
    assert application.status == "accepted"
    assert application.components == ("review",)


def test_a_worker_cannot_choose_the_direct_route(setup, personas):
    from gongjiang.people.models import Person

    batch = make_batch(setup, grades=(3,))
    wang = Person.objects.get(user=personas.wang)
    with pytest.raises(PermissionDeniedError):
        services.application_submit(actor=personas.wang, batch=batch, person=wang, grade=3, route="direct",
                                    grounds_kind="outstanding", grounds="我很优秀", facts={})


def test_withdraw_before_exams(setup):
    batch = make_batch(setup)
    application = services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4,
                                              facts={"occupation_start": dt.date(2010, 1, 1)})
    services.application_withdraw(actor=None, application=application)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    again = services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4,
                                        facts={"occupation_start": dt.date(2010, 1, 1)})
    assert again.status == "accepted"
