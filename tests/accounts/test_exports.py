"""The account list and audit log Excel exports: their own administrators only, the page's
columns and filters, formula-safe, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongjiang.accounts import exports
from gongjiang.core import audit
from gongjiang.core.context import acting_as
from gongjiang.core.models import AuditEntry, User
from tests.export_helpers import column, sheet_rows

ACCOUNTS, ACCOUNTS_EXPORT = reverse("accounts:account_list"), reverse("accounts:account_export")
AUDIT, AUDIT_EXPORT = reverse("accounts:audit_list"), reverse("accounts:audit_export")


@pytest.fixture
def log(personas):
    with acting_as(personas.city, ip_address="10.1.1.1"):
        audit.record("people.person.created", object_type="people.person", object_id="7", object_repr="=cmd|'/c calc'!A1")
        audit.record("people.person.id_revealed", object_type="people.person", object_id="7")
    with acting_as(personas.dan):
        audit.record("orgs.organization.updated", object_type="orgs.organization", object_id="3")
    return personas


@pytest.mark.parametrize("persona", ["ada", "sam", "city", "dan", "olga", "stan", "wang", "kira"])
def test_only_the_audit_admin_exports_the_log(client, log, persona):
    client.force_login(getattr(log, persona))
    assert client.get(AUDIT_EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action=exports.AUDIT_EXPORT_ACTION).exists()


def test_audit_export_has_the_pages_rows_and_columns_only(client, log):
    client.force_login(log.aud)
    params = {"action": "people.person"}
    page = client.get(AUDIT, params)
    rows = sheet_rows(client.get(AUDIT_EXPORT, params))
    assert column(rows, "操作") == [e.action for e in page.context["page"].object_list]
    assert len(rows) - 1 == page.context["page"].paginator.count == 3  # with 王师傅's registration
    assert "请求编号" not in rows[0]  # the page does not show request ids, nor does its export
    assert column(rows, "对象")[1] == "'=cmd|'/c calc'!A1"
    assert column(rows, "来源地址")[1] == "10.1.1.1"
    entry = AuditEntry.objects.get(action=exports.AUDIT_EXPORT_ACTION)
    assert entry.actor == log.aud and entry.changes["rows"] == 3
    assert entry.changes["filters"] == {"action": "people.person"}


def test_audit_export_refuses_an_invalid_filter(client, log):
    client.force_login(log.aud)
    response = client.get(AUDIT_EXPORT, {"date_from": "2025-13-45"})
    assert response.status_code == 302 and response["Location"].startswith(AUDIT + "?")
    assert not AuditEntry.objects.filter(action=exports.AUDIT_EXPORT_ACTION).exists()
    page = client.get(AUDIT, {"date_from": "2025-13-45"})
    assert "起始日期" in page.context["filter_errors"][0]


@pytest.mark.parametrize("persona", ["ada", "aud", "city", "olga", "wang"])
def test_only_the_security_admin_exports_accounts(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(ACCOUNTS_EXPORT).status_code == 403
    assert not AuditEntry.objects.filter(action=exports.ACCOUNT_EXPORT_ACTION).exists()


def test_account_export_follows_the_search_and_is_audited(client, personas):
    User.objects.filter(pk=personas.kira.pk).update(display_name="=SUM(A1)")
    client.force_login(personas.sam)
    page = client.get(ACCOUNTS, {"q": "k"})
    rows = sheet_rows(client.get(ACCOUNTS_EXPORT, {"q": "k"}))
    assert column(rows, "用户名") == [u.username for u in page.context["page"].object_list]
    assert "kira" in column(rows, "用户名")
    assert column(rows, "姓名")[column(rows, "用户名").index("kira")] == "'=SUM(A1)"
    entry = AuditEntry.objects.get(action=exports.ACCOUNT_EXPORT_ACTION)
    assert entry.actor == personas.sam and entry.changes["rows"] == len(rows) - 1
    assert entry.changes["filters"] == {"q": "k"}
