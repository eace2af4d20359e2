"""The audit administrator browses and filters the audit log at /audit/; nobody else can."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongjiang.accounts.views import ACTION_AUDIT_EXPORTED, AUDIT_PAGE_SIZE
from gongjiang.core import audit
from gongjiang.core.context import acting_as
from gongjiang.core.models import AuditEntry
from gongjiang.core.signals import ACTION_PERMISSION_DENIED

AUDIT = reverse("accounts:audit_list")


@pytest.fixture
def log(personas):
    with acting_as(personas.city, ip_address="10.1.1.1"):
        audit.record("people.person.created", object_type="people.person", object_id="7", object_repr="张*")
        audit.record("people.person.id_revealed", object_type="people.person", object_id="7")
    with acting_as(personas.dan):
        audit.record("orgs.organization.updated", object_type="orgs.organization", object_id="3")
        audit.record("people.person.updated", object_type="people.person", object_id="8",
                     outcome=AuditEntry.Outcome.DENIED)
    return personas


def _actions(response) -> list[str]:
    return [entry.action for entry in response.context["page"].object_list]


@pytest.mark.parametrize("persona", ["ada", "sam", "city", "dan", "olga", "stan", "wang", "kira"])
def test_nobody_but_the_audit_admin_may_read_the_log(client, log, persona):
    client.force_login(getattr(log, persona))
    assert client.get(AUDIT).status_code == 403
    assert client.get(AUDIT, {"format": "csv"}).status_code == 403
    assert not AuditEntry.objects.filter(action=ACTION_AUDIT_EXPORTED).exists()
    assert AuditEntry.objects.filter(action=ACTION_PERMISSION_DENIED).count() == 2


def test_the_audit_admin_sees_everything_newest_first(client, log):
    client.force_login(log.aud)
    response = client.get(AUDIT)
    assert response.status_code == 200
    entries = list(response.context["page"].object_list)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    actions = [e.action for e in entries if not e.action.startswith("auth.")]
    assert actions[0] == "people.person.updated"
    assert {"people.person.created", "orgs.organization.updated", "orgs.membership.granted"} <= set(actions)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"actor": "dan"}, ["people.person.updated", "orgs.organization.updated"]),
        ({"action": "people.person.id"}, ["people.person.id_revealed"]),
        ({"object_type": "people.person", "object_id": "7"}, ["people.person.id_revealed", "people.person.created"]),
        ({"outcome": "denied", "action": "people."}, ["people.person.updated"]),
    ],
)
def test_filters(client, log, params, expected):
    client.force_login(log.aud)
    assert _actions(client.get(AUDIT, params)) == expected


def test_date_range_filter(client, log):
    client.force_login(log.aud)
    today = dt.date.today()
    assert len(_actions(client.get(AUDIT, {"date_from": today.isoformat(), "date_to": today.isoformat()}))) >= 4
    tomorrow = today + dt.timedelta(days=1)
    assert _actions(client.get(AUDIT, {"date_from": tomorrow.isoformat()})) == []


def test_paging(client, log):
    for n in range(AUDIT_PAGE_SIZE + 5):
        audit.record("core.test.bulk", object_type="x", object_id=str(n))
    client.force_login(log.aud)
    first = client.get(AUDIT, {"action": "core.test.bulk"})
    second = client.get(AUDIT, {"action": "core.test.bulk", "page": 2})
    assert len(first.context["page"].object_list) == AUDIT_PAGE_SIZE
    assert len(second.context["page"].object_list) == 5


def test_csv_export_is_filtered_safe_and_audited(client, log):
    audit.record("core.test.formula", object_repr="=HYPERLINK(\"http://x\")")
    client.force_login(log.aud)
    response = client.get(AUDIT, {"action": "core.test.formula", "format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    lines = body.lstrip("\ufeff").splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert len(lines) == 2
    assert "'=HYPERLINK" in lines[1]
    exported = AuditEntry.objects.get(action=ACTION_AUDIT_EXPORTED)
    assert exported.actor == log.aud and exported.changes == {"action": "core.test.formula"}


def test_changes_are_shown_as_readable_json_and_long_ones_fold(client, log):
    with acting_as(log.city):
        audit.record("test.short", object_type="test", changes={"姓名": ["张三", "张叁"]})
        audit.record("test.long", object_type="test", changes={"说明": "很长的变更内容" * 30})
    client.force_login(log.aud)
    html = client.get(AUDIT, {"action": "test."}).content.decode()
    short = html.split('data-action="test.short"', 1)[1].split("</tr>", 1)[0]
    assert "{&quot;姓名&quot;: [&quot;张三&quot;, &quot;张叁&quot;]}" in short  # JSON, not {'姓名': …}
    assert "&#x27;" not in short and "<details>" not in short
    long = html.split('data-action="test.long"', 1)[1].split("</tr>", 1)[0]
    assert "<details><summary>" in long and long.count("很长的变更内容") > 30
