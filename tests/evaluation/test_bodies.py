"""Bodies: filing by bureaus, scope and validity, status, rosters; appointments; reporting."""

from __future__ import annotations

import datetime as dt

import pytest

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.credentials.models import Credential
from gongjiang.evaluation import services
from gongjiang.evaluation.models import EvaluationBody
from gongjiang.evaluation.services import bodies as body_services
from tests import factories
from tests.evaluation.conftest import make_batch

FILING = {
    "category": "S", "filing_authority": "浙江省人社厅", "filing_number": "ZJ-2025-001", "institution_code": "0000",
    "province_code": "33", "site_code": "000009", "valid_from": dt.date(2025, 1, 1), "valid_until": dt.date(2029, 12, 31),
}


@pytest.mark.parametrize("who", ["ada", "city", "dan"])
def test_bureaus_file_bodies_in_their_region(city, personas, who):
    centre = factories.organization("越城评价中心", kind="evaluation_body", region_obj=city.yuecheng)
    body = services.body_file(actor=getattr(personas, who), organization=centre, **FILING)
    assert body.number_prefix == "S000033000009"
    assert AuditEntry.objects.filter(action="evaluation.body.filed", object_id=str(body.pk)).exists()


@pytest.mark.parametrize("who", ["olga", "stan", "wang", "kira", "sam", "aud"])
def test_others_cannot_file(city, personas, who):
    centre = factories.organization("越城评价中心", kind="evaluation_body", region_obj=city.yuecheng)
    with pytest.raises(PermissionDeniedError):
        services.body_file(actor=getattr(personas, who), organization=centre, **FILING)
    assert not EvaluationBody.objects.exists()


def test_a_district_bureau_cannot_file_in_another_district(city, personas):
    centre = factories.organization("柯桥评价中心", kind="evaluation_body", region_obj=city.keqiao)
    with pytest.raises(PermissionDeniedError):
        services.body_file(actor=personas.dan, organization=centre, **FILING)
    assert not EvaluationBody.objects.exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"category": "X"}, "category"),
    ({"institution_code": "12"}, "institution_code"),
    ({"province_code": "3"}, "province_code"),
    ({"site_code": "abc"}, "site_code"),
    ({"filing_number": " "}, "filing_number"),
    ({"valid_until": dt.date(2024, 1, 1)}, "valid_until"),
])
def test_filing_errors_name_the_field(city, change, field):
    centre = factories.organization("越城评价中心", kind="evaluation_body", region_obj=city.yuecheng)
    with pytest.raises(ApplicationError) as error:
        services.body_file(actor=None, organization=centre, **{**FILING, **change})
    assert field in error.value.errors
    assert not EvaluationBody.objects.exists()


def test_only_employers_are_category_y(city):
    centre = factories.organization("越城评价中心", kind="evaluation_body", region_obj=city.yuecheng)
    with pytest.raises(ApplicationError) as error:
        services.body_file(actor=None, organization=centre, **{**FILING, "category": "Y"})
    assert error.value.errors["category"] == [body_services.ERR_CATEGORY_KIND]


def test_filing_refusals_are_given_in_the_users_language(city):
    from django.utils import translation

    centre = factories.organization("越城评价中心", kind="evaluation_body", region_obj=city.yuecheng)
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.body_file(actor=None, organization=centre, **{**FILING, "category": "Y"})
    assert [str(m) for m in error.value.errors["category"]] == [
        "Type Y (employer self-evaluation) is only for employers such as enterprises; social training and evaluation "
        "organizations should choose S."
    ]
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.body_file(actor=None, organization=centre, **{**FILING, "category": "Y"})
    assert [str(m) for m in error.value.errors["category"]] == [
        "类别 Y（用人单位自主评价）只适用于企业等用人单位；社会培训评价组织请选 S。"
    ]


def test_codes_that_would_repeat_certificate_numbers_are_refused(setup, city):
    centre = factories.organization("越城评价中心", kind="enterprise", region_obj=city.yuecheng)
    with pytest.raises(ApplicationError) as error:
        services.body_file(actor=None, organization=centre, **{**FILING, "category": "Y", "site_code": "000001"})
    assert error.value.errors["site_code"] == [body_services.ERR_CODES_TAKEN]


def test_batches_stay_inside_scope_and_validity(setup, personas):
    other = factories.occupation("6-20-01-01", "钳工")
    with pytest.raises(ApplicationError) as error:
        services.batch_create(actor=None, body=setup.body, name="钳工", occupation=other, grades=[4],
                              applications_open=dt.date.today(), applications_close=dt.date.today())
    assert "不在备案范围内" in error.value.errors["occupation"][0]
    services.body_scope_set(actor=None, body=setup.body, occupation=other, grades=[4, 3])
    with pytest.raises(ApplicationError) as error:
        services.batch_create(actor=None, body=setup.body, name="钳工", occupation=other, grades=[2],
                              applications_open=dt.date.today(), applications_close=dt.date.today())
    assert "备案范围不含二级/技师" in error.value.errors["occupation"][0]
    with pytest.raises(ApplicationError) as error:
        services.batch_create(actor=None, body=setup.body, name="钳工", occupation=other, grades=[4],
                              applications_open=dt.date(2031, 3, 1), applications_close=dt.date(2031, 3, 9))
    assert "不在备案有效期内" in error.value.errors["occupation"][0]


def test_a_suspended_body_cannot_open_batches(setup, personas):
    batch = make_batch(setup, open_it=False)
    with pytest.raises(ApplicationError):
        services.body_set_status(actor=personas.city, body=setup.body, status="suspended", reason="")
    services.body_set_status(actor=personas.city, body=setup.body, status="suspended", reason="督导发现违规")
    with pytest.raises(ApplicationError) as error:
        services.batch_transition(actor=None, batch=batch, target="open")
    assert "暂停" in str(error.value.message)
    with pytest.raises(PermissionDeniedError):
        services.body_set_status(actor=personas.olga, body=setup.body, status="active")
    services.body_set_status(actor=personas.city, body=setup.body, status="revoked", reason="撤销")
    with pytest.raises(ApplicationError):
        services.body_set_status(actor=personas.city, body=setup.body, status="active")


def test_scope_grades_must_exist_in_the_occupation(setup):
    robot = factories.occupation("6-30-99-00", "工业机器人系统操作员", grades=(4, 3, 2, 1))
    with pytest.raises(ApplicationError) as error:
        services.body_scope_set(actor=None, body=setup.body, occupation=robot, grades=[5, 4])
    assert "未设置五级/初级工" in error.value.errors["grades"][0]


def test_roster_levels(setup, city):
    junior = factories.person("新手", employer=setup.college, region_obj=city.yuecheng)
    factories.certificate(junior, level=2)
    with pytest.raises(ApplicationError) as error:
        services.evaluator_add(actor=None, body=setup.body, person=junior)
    assert error.value.errors["level"] == [body_services.ERR_EVALUATOR_LEVEL]
    supervisor = services.evaluator_add(actor=None, body=setup.body, person=junior, role="supervisor")
    assert supervisor.role == "supervisor"


def test_body_admin_manages_the_roster_outsiders_do_not(setup, city, personas):
    person = factories.person("外聘专家", employer=setup.college, region_obj=city.yuecheng)
    factories.certificate(person, level=3)
    with pytest.raises(PermissionDeniedError):
        services.evaluator_add(actor=personas.kira, body=setup.body, person=person)
    evaluator = services.evaluator_add(actor=personas.olga, body=setup.body, person=person)
    assert evaluator.level == SkillLevel.SENIOR


def test_appointment_to_a_principal_technician_post(setup, personas):
    worker = setup.candidates[0]
    with pytest.raises(ApplicationError) as error:
        services.post_appoint(actor=personas.olga, body=setup.body, person=worker, post=6, occupation=setup.occupation,
                              term_start=dt.date(2025, 1, 1), term_end=dt.date(2027, 12, 31), grounds="业绩突出")
    assert "须本人已取得高级技师" in error.value.errors["person"][0]
    factories.certificate(worker, level=5, occupation_obj=setup.occupation)
    appointment = services.post_appoint(
        actor=personas.olga, body=setup.body, person=worker, post=6, occupation=setup.occupation,
        term_start=dt.date(2025, 1, 1), term_end=dt.date(2027, 12, 31),
        grounds="业绩评审 92 分，现场答辩通过；主持曲轴生产线技术攻关",
    )
    worker.refresh_from_db()
    assert worker.current_level == SkillLevel.PRINCIPAL_TECHNICIAN
    assert appointment.certificate.kind == "post_appointment"
    assert appointment.certificate.number.startswith("TJ000033000001")
    assert len(appointment.certificate.number) == 22
    credential = Credential.objects.get(certificate=appointment.certificate)
    assert credential.kind == "post_appointment" and credential.valid_until == dt.date(2027, 12, 31)
    services.post_end(actor=personas.olga, appointment=appointment, reason="调离岗位", revoke=True)
    worker.refresh_from_db()
    assert worker.current_level == SkillLevel.SENIOR_TECHNICIAN


def test_report_export_has_full_ids_for_writers_only(setup, personas):
    from tests.evaluation.conftest import run_to_examining, score_all
    from tests.evaluation.test_lifecycle import _backdate_publicity

    batch = make_batch(setup)
    applications = run_to_examining(setup, batch, people=setup.candidates[:1])
    score_all(batch, setup, {applications[0].pk: (90, 90)})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    services.batch_transition(actor=None, batch=batch, target="publicity")
    _backdate_publicity(batch)
    services.batch_issue(actor=None, batch=batch)
    rows = services.report_export(actor=personas.olga, batch=batch)
    assert len(rows) == 1
    assert len(rows[0]["id_number"]) == 18 and rows[0]["level_name"] == "四级/中级工"
    assert rows[0]["theory_score"] == "90.0"
    with pytest.raises(PermissionDeniedError):
        services.report_export(actor=personas.stan, batch=batch)
    assert AuditEntry.objects.filter(action="evaluation.report.exported", outcome="denied").count() == 1
