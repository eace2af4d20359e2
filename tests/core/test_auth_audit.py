"""Sign-ins, failures and refused requests are written to the audit log (ASVS 16.3.1-16.3.2)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.core.signals import ACTION_LOGIN, ACTION_LOGIN_FAILED, ACTION_PERMISSION_DENIED
from tests import factories

PASSWORD = "Pass-Word-123"


@pytest.mark.django_db
def test_a_successful_login_is_recorded_with_the_address(client):
    user = factories.user("lina")
    client.post(reverse("web:login"), {"username": "lina", "password": PASSWORD}, REMOTE_ADDR="10.2.3.4")
    entry = AuditEntry.objects.get(action=ACTION_LOGIN)
    assert entry.actor == user
    assert entry.ip_address == "10.2.3.4"
    assert entry.outcome == AuditEntry.Outcome.SUCCESS
    assert entry.request_id


@pytest.mark.django_db
def test_a_failed_login_records_the_username_tried_but_never_the_password(client):
    factories.user("lina")
    client.post(reverse("web:login"), {"username": "lina", "password": "Secret-Guess-9"})
    entry = AuditEntry.objects.get(action=ACTION_LOGIN_FAILED)
    assert entry.outcome == AuditEntry.Outcome.FAILURE
    assert entry.object_repr == "lina"
    assert entry.actor is None
    assert "Secret-Guess-9" not in str(entry.changes)


@pytest.mark.django_db
def test_a_failed_login_for_an_unknown_username_is_recorded_too(client):
    client.post(reverse("web:login"), {"username": "ghost", "password": "whatever"})
    assert AuditEntry.objects.filter(action=ACTION_LOGIN_FAILED, object_repr="ghost").count() == 1


def test_a_refused_page_is_recorded(client, personas):
    # given: the city bureau admin is not the audit administrator
    client.force_login(personas.city)
    # when
    response = client.get(reverse("accounts:audit_list"))
    # then
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action=ACTION_PERMISSION_DENIED)
    assert entry.actor == personas.city
    assert entry.outcome == AuditEntry.Outcome.DENIED
    assert entry.object_repr == reverse("accounts:audit_list")
    assert entry.object_id == "GET"


def test_a_refused_api_call_is_recorded(client, db):
    # when: somebody not signed in asks the people API
    response = client.get("/api/v1/people/", REMOTE_ADDR="10.6.6.6")
    # then
    assert response.status_code == 403
    entry = AuditEntry.objects.get(action=ACTION_PERMISSION_DENIED)
    assert entry.object_repr == "/api/v1/people/"
    assert entry.actor is None and entry.ip_address == "10.6.6.6"
