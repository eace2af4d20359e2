"""Issuing, revoking and re-issuing credentials."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.credentials import services
from gongjiang.credentials.models import Credential
from gongjiang.credentials.selectors import RESULT_REVOKED, verify_by_number
from gongjiang.people.models import Certificate, Person
from tests.credentials.conftest import another_person


def test_issue_records_the_credential_with_a_code_and_audits(issued):
    assert len(issued.code) == 20
    assert issued.number == "Y000033000001254000001"
    assert issued.issuer_name == "越城机械有限公司"
    assert issued.issued_on == dt.date(2025, 6, 30)
    entry = AuditEntry.objects.get(action="credentials.credential.issued")
    assert entry.object_id == str(issued.pk)
    assert entry.actor_username == "olga"


def test_issue_refuses_an_id_number_in_the_public_fields(city, personas):
    holder = another_person(city)
    with pytest.raises(ApplicationError) as error:
        services.credential_issue(actor=None, kind="other", holder=holder, title="证明", fields={"id_number": "x"},
                                  issuer_name="某单位")
    assert "fields" in error.value.errors
    assert Credential.objects.count() == 0


@pytest.mark.parametrize(("data", "field"), [
    ({"kind": "diploma"}, "kind"),
    ({"title": " "}, "title"),
    ({"issuer_name": ""}, "issuer"),
    ({"issued_on": dt.date.today() + dt.timedelta(days=2)}, "issued_on"),
    ({"valid_until": dt.date(2000, 1, 1)}, "valid_until"),
    ({"fields": {"award": ["gold"]}}, "fields"),
])
def test_issue_names_the_wrong_field_and_writes_nothing(city, data, field):
    holder = another_person(city)
    arguments = {"actor": None, "kind": "competition_award", "holder": holder, "title": "竞赛获奖证书",
                 "issuer_name": "绍兴市人社局", "fields": {"award": "金牌"}, **data}
    with pytest.raises(ApplicationError) as error:
        services.credential_issue(**arguments)
    assert field in error.value.errors
    assert Credential.objects.count() == 0


def test_a_certificate_gets_only_one_credential_and_must_be_the_holders(issued, city):
    with pytest.raises(ApplicationError):
        services.credential_issue(actor=None, kind="skill_level", holder=issued.holder, title="x",
                                  certificate=issued.certificate)
    with pytest.raises(ApplicationError) as error:
        services.credential_issue(actor=None, kind="skill_level", holder=another_person(city), title="x",
                                  certificate=issued.certificate)
    assert "certificate" in error.value.errors
    assert Credential.objects.count() == 1


def test_revoke_revokes_the_registry_certificate_and_the_level_follows(issued, personas):
    holder = Person.objects.get(pk=issued.holder_id)
    assert holder.current_level == 2
    services.credential_revoke(actor=personas.olga, credential=issued, reason="冒名顶替", category="fraud")
    issued.refresh_from_db()
    holder.refresh_from_db()
    assert issued.status == Credential.Status.REVOKED
    assert issued.revocation_category == "fraud"
    assert Certificate.objects.get(pk=issued.certificate_id).status == Certificate.Status.REVOKED
    assert holder.current_level is None
    answer = verify_by_number(issued.number, "王师傅")
    assert answer["result"] == RESULT_REVOKED
    assert answer["revocation"]["date"] == timezone.localdate().isoformat()
    assert answer["revocation"]["category_label"] == "弄虚作假/违规取得"


def test_revoke_needs_a_reason_and_a_known_category(issued, personas):
    with pytest.raises(ApplicationError) as error:
        services.credential_revoke(actor=personas.olga, credential=issued, reason=" ")
    assert "reason" in error.value.errors
    with pytest.raises(ApplicationError) as error:
        services.credential_revoke(actor=personas.olga, credential=issued, reason="x", category="whim")
    assert "category" in error.value.errors
    issued.refresh_from_db()
    assert issued.status == Credential.Status.VALID


def test_revoking_twice_is_refused(issued, personas):
    services.credential_revoke(actor=personas.olga, credential=issued, reason="信息有误", category="error")
    with pytest.raises(ApplicationError):
        services.credential_revoke(actor=personas.olga, credential=issued, reason="再次", category="error")
    assert AuditEntry.objects.filter(action="credentials.credential.revoked").count() == 1


@pytest.mark.parametrize("who", ["kira", "stan", "wang", "sam", "aud"])
def test_outsiders_readers_and_holders_cannot_revoke(issued, personas, who):
    with pytest.raises(PermissionDeniedError):
        services.credential_revoke(actor=getattr(personas, who), credential=issued, reason="x")
    issued.refresh_from_db()
    assert issued.status == Credential.Status.VALID
    assert not AuditEntry.objects.filter(action="credentials.credential.revoked").exists()


@pytest.mark.parametrize("who", ["ada", "city", "dan", "olga"])
def test_issuer_admin_and_bureaus_over_it_can_revoke(issued, personas, who):
    services.credential_revoke(actor=getattr(personas, who), credential=issued, reason="x", category="error")
    issued.refresh_from_db()
    assert issued.status == Credential.Status.REVOKED


def test_reissue_links_to_the_original_which_verifies_as_reissued(issued, personas):
    new = services.credential_reissue(actor=personas.olga, original=issued, reason="证书遗失补发")
    issued.refresh_from_db()
    assert new.replaces_id == issued.pk
    assert new.code != issued.code
    assert issued.status == Credential.Status.REVOKED
    assert issued.revocation_category == Credential.RevocationCategory.REISSUED
    from gongjiang.credentials.selectors import verify_by_code

    answer = verify_by_code(issued.code)
    assert answer["result"] == "revoked"
    assert answer["revocation"]["category"] == "reissued"
    assert verify_by_code(new.code)["result"] == "valid"


def test_pdf_is_scoped_and_logged(issued, personas):
    data = services.credential_pdf(actor=personas.wang, credential=issued)
    assert data.startswith(b"%PDF")
    assert b"/FontFile2" in data  # the TrueType font is embedded, not assumed on the reader's machine
    assert AuditEntry.objects.filter(action="credentials.credential.pdf_rendered", outcome="success").count() == 1
    with pytest.raises(PermissionDeniedError):
        services.credential_pdf(actor=personas.kira, credential=issued)
    assert AuditEntry.objects.filter(action="credentials.credential.pdf_rendered", outcome="denied").count() == 1


def test_refusals_are_given_in_the_users_language(issued, personas):
    from django.utils import translation

    services.credential_revoke(actor=personas.olga, credential=issued, reason="信息有误", category="error")
    with translation.override("en"), pytest.raises(ApplicationError) as error:
        services.credential_revoke(actor=personas.olga, credential=issued, reason="再次", category="error")
    message = str(error.value.errors["reason"][0])
    assert message.startswith("This certificate was revoked on ") and "cannot be revoked again" in message
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.credential_revoke(actor=personas.olga, credential=issued, reason="再次", category="error")
    assert "不能重复撤销" in str(error.value.errors["reason"][0])
