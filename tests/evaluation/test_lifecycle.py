"""The whole batch lifecycle, end to end: plan, open, apply, examine, score, publicise, issue."""

from __future__ import annotations

import datetime as dt

import jwt as pyjwt
import pytest

from gongjiang.catalog.levels import SkillLevel
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import AuditEntry
from gongjiang.credentials.models import Credential
from gongjiang.credentials.rules import NATIONAL, parse_certificate_number
from gongjiang.credentials.selectors import verify_by_number
from gongjiang.credentials.signing import public_jwks
from gongjiang.evaluation import services
from gongjiang.evaluation.models import Application, EvaluationBatch, Publicity
from gongjiang.evaluation.services import batches as batch_services
from gongjiang.evaluation.services import issuance
from tests.evaluation.conftest import TODAY, make_batch, run_to_examining, score_all


def _backdate_publicity(batch, days: int = 8) -> None:
    Publicity.objects.filter(batch=batch).update(
        starts_on=TODAY() - dt.timedelta(days=days), ends_on=TODAY() - dt.timedelta(days=days - 6)
    )


def test_a_batch_runs_from_plan_to_certificates(setup, personas):
    # given an open batch with three eligible applicants
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch)
    assert {a.status for a in applications} == {"accepted"}
    # when theory and practical are scored: two pass, one fails the practical
    score_all(batch, setup, {applications[0].pk: (80, 75), applications[1].pk: (61, 60), applications[2].pk: (90, 59)})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    services.batch_transition(actor=None, batch=batch, target="publicity")
    results = dict(Application.objects.filter(batch=batch).values_list("pk", "result"))
    assert results == {applications[0].pk: "passed", applications[1].pk: "passed", applications[2].pk: "failed"}
    # then certificates cannot be issued during publicity
    with pytest.raises(ApplicationError) as error:
        services.batch_issue(actor=None, batch=batch)
    assert "公示期至" in str(error.value.message)
    # when publicity has run its 7 days
    _backdate_publicity(batch)
    certificates = services.batch_issue(actor=personas.olga, batch=batch)
    # then the two who passed hold 四级 certificates numbered 1 and 2, and their level follows
    assert [c.number for c in certificates] == [
        f"Y000033000001{TODAY():%y}4000001", f"Y000033000001{TODAY():%y}4000002"
    ]
    for certificate in certificates:
        assert parse_certificate_number(certificate.number).scheme == NATIONAL
        certificate.holder.refresh_from_db()
        assert certificate.holder.current_level == SkillLevel.INTERMEDIATE
        assert certificate.source == "evaluation"
    batch.refresh_from_db()
    assert batch.status == EvaluationBatch.Status.CERTIFIED
    # and each verifies publicly and cryptographically
    credential = Credential.objects.get(certificate=certificates[0])
    assert verify_by_number(certificates[0].number, setup.candidates[0].name)["result"] == "valid"
    key = public_jwks()["keys"][0]
    claims = pyjwt.decode(credential.jwt, pyjwt.PyJWK(key).key, algorithms=["EdDSA"])
    assert claims["vc"]["gongjiang"]["fields"]["level_name"] == "四级/中级工"
    assert claims["vc"]["issuer"]["name"] == setup.body.filed_name
    # and every move was audited
    actions = set(AuditEntry.objects.filter(object_type="evaluation.evaluationbatch").values_list("action", flat=True))
    assert {"evaluation.batch.open", "evaluation.batch.closed", "evaluation.batch.examining", "evaluation.batch.scoring",
            "evaluation.batch.publicity", "evaluation.batch.certified"} <= actions


def test_moves_outside_the_state_machine_are_refused(setup):
    batch = make_batch(setup, open_it=False)
    for target in ("closed", "examining", "scoring", "publicity"):
        with pytest.raises(ApplicationError):
            services.batch_transition(actor=None, batch=batch, target=target)
    with pytest.raises(ApplicationError) as error:
        services.batch_transition(actor=None, batch=batch, target="certified")
    assert error.value.message == batch_services.ERR_USE_ISSUE
    batch.refresh_from_db()
    assert batch.status == "draft"


def test_examining_needs_applications_and_a_proper_panel(setup):
    batch = make_batch(setup)
    services.batch_transition(actor=None, batch=batch, target="closed")
    with pytest.raises(ApplicationError) as error:
        services.batch_transition(actor=None, batch=batch, target="examining")
    assert error.value.message == batch_services.ERR_NO_APPLICATIONS
    services.batch_transition(actor=None, batch=batch, target="open")
    services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4,
                                facts={"occupation_start": dt.date(2010, 1, 1)})
    services.batch_transition(actor=None, batch=batch, target="closed")
    services.batch_assign_evaluator(actor=None, batch=batch, evaluator=setup.evaluators[0], component="practical")
    services.batch_assign_evaluator(actor=None, batch=batch, evaluator=setup.evaluators[1], component="practical")
    with pytest.raises(ApplicationError) as error:
        services.batch_transition(actor=None, batch=batch, target="examining")
    assert "单数" in str(error.value.message) and "不少于 3 人" in str(error.value.message)
    batch.refresh_from_db()
    assert batch.status == "closed"


def test_batch_refusals_are_given_in_the_users_language(setup):
    from django.utils import translation

    batch = make_batch(setup)
    services.application_submit(actor=None, batch=batch, person=setup.candidates[0], grade=4,
                                facts={"occupation_start": dt.date(2010, 1, 1)})
    services.batch_transition(actor=None, batch=batch, target="closed")
    # no practical evaluator is assigned: the summary and the problem inside it are both translated
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.batch_transition(actor=None, batch=batch, target="examining")
    message = str(error.value.message)
    assert message.startswith("The evaluator assignments do not meet the requirements: No ")
    assert "evaluator assigned" in message and "未安排" not in message
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.batch_transition(actor=None, batch=batch, target="examining")
    assert str(error.value.message).startswith("考评员安排不符合要求：未安排")


def test_publicity_needs_every_sheet_locked(setup):
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch)
    score_all(batch, setup, {applications[0].pk: (80, 80)})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    with pytest.raises(ApplicationError) as error:
        services.batch_transition(actor=None, batch=batch, target="publicity")
    assert "钱二" in str(error.value.message)
    services.application_mark_absent(actor=None, application=applications[1])
    services.application_mark_absent(actor=None, application=applications[2])
    services.batch_transition(actor=None, batch=batch, target="publicity")
    assert Publicity.objects.get(batch=batch).ends_on == TODAY() + dt.timedelta(days=6)


def test_open_objections_block_issuance_and_an_upheld_one_excludes(setup):
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch)
    score_all(batch, setup, {a.pk: (80, 80) for a in applications})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    services.batch_transition(actor=None, batch=batch, target="publicity")
    objection = services.objection_record(actor=None, batch=batch, raised_by="匿名", content="钱二代考",
                                          application=applications[1])
    _backdate_publicity(batch)
    with pytest.raises(ApplicationError) as error:
        services.batch_issue(actor=None, batch=batch)
    assert "1 件公示异议" in str(error.value.message)
    services.objection_resolve(actor=None, objection=objection, upheld=True, resolution="经查属实，取消成绩")
    certificates = services.batch_issue(actor=None, batch=batch)
    assert [c.holder.name for c in certificates] == ["赵一", "孙三"]
    applications[1].refresh_from_db()
    assert applications[1].result == "excluded" and applications[1].certificate is None


def test_issuance_and_objection_refusals_are_given_in_the_users_language(setup):
    from django.utils import translation

    batch = make_batch(setup)
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.batch_issue(actor=None, batch=batch)
    assert str(error.value.message) == (
        'The batch is currently "Open for applications"; certificates can be issued only after the publicity period '
        "has ended."
    )
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.batch_issue(actor=None, batch=batch)
    assert str(error.value.message) == "批次当前为“报名中”，须在公示期满后发证。"
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.objection_record(actor=None, batch=batch, raised_by="匿名", content="代考")
    assert str(error.value.message) == "The batch is not in its publicity period, so objections cannot be recorded."
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.objection_record(actor=None, batch=batch, raised_by="匿名", content="代考")
    assert str(error.value.message) == "批次不在公示期，不能登记异议。"


def test_cancel_needs_a_reason(setup):
    batch = make_batch(setup)
    with pytest.raises(ApplicationError):
        services.batch_transition(actor=None, batch=batch, target="cancelled")
    services.batch_transition(actor=None, batch=batch, target="cancelled", reason="报名人数不足")
    batch.refresh_from_db()
    assert batch.status == "cancelled" and batch.cancel_reason == "报名人数不足"


def test_reissue_gets_a_new_serial_and_links_to_the_original(setup, personas):
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch)
    score_all(batch, setup, {a.pk: (80, 80) for a in applications})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    services.batch_transition(actor=None, batch=batch, target="publicity")
    _backdate_publicity(batch)
    certificates = services.batch_issue(actor=None, batch=batch)
    original = certificates[0]
    application = Application.objects.get(certificate=original)
    new = services.evaluation_certificate_reissue(actor=personas.olga, application=application, reason="证书遗失")
    assert new.number.endswith("4000004")
    original.refresh_from_db()
    assert original.status == "revoked"
    old_credential = Credential.objects.get(certificate=original)
    new_credential = Credential.objects.get(certificate=new)
    assert new_credential.replaces_id == old_credential.pk
    answer = verify_by_number(original.number, application.person.name)
    assert answer["result"] == "revoked" and answer["revocation"]["category"] == "reissued"
    assert answer["revocation"]["replaced_by"] == new.number
    application.refresh_from_db()
    assert application.certificate_id == new.pk
    application.person.refresh_from_db()
    assert application.person.current_level == SkillLevel.INTERMEDIATE


def test_revoking_an_evaluation_certificate_drops_the_level(setup):
    batch = make_batch(setup)
    applications = run_to_examining(setup, batch, people=setup.candidates[:1])
    score_all(batch, setup, {applications[0].pk: (80, 80)})
    services.batch_transition(actor=None, batch=batch, target="scoring")
    services.batch_transition(actor=None, batch=batch, target="publicity")
    _backdate_publicity(batch)
    [certificate] = services.batch_issue(actor=None, batch=batch)
    application = Application.objects.get(certificate=certificate)
    services.evaluation_certificate_revoke(actor=None, application=application, reason="考试舞弊", category="fraud")
    certificate.holder.refresh_from_db()
    assert certificate.holder.current_level is None
    assert verify_by_number(certificate.number, certificate.holder.name)["revocation"]["category"] == "fraud"


def test_numbers_continue_per_body_year_and_level(setup):
    assert issuance.assign_number(setup.body, year=2025, grade=4).endswith("254000001")
    assert issuance.assign_number(setup.body, year=2025, grade=4).endswith("254000002")
    assert issuance.assign_number(setup.body, year=2025, grade=3).endswith("253000001")
    assert issuance.assign_number(setup.body, year=2026, grade=4).endswith("264000001")
