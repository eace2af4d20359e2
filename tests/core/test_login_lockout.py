"""Login lockout (等保 2.0 登录失败处理): 5 failures lock the username for 30 minutes."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.core.signals import ACTION_LOCKED_OUT, ACTION_LOGIN, ACTION_LOGIN_FAILED
from tests import factories

PASSWORD = "Pass-Word-123"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("web:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_settings_are_the_dengbao_values():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_RESET_ON_SUCCESS is True
    # Never the bare address: one address must not be able to lock everybody out.
    assert "ip_address" not in settings.AXES_LOCKOUT_PARAMETERS


@pytest.mark.django_db
def test_fifth_failure_locks_the_account_even_for_the_right_password(client):
    # given
    factories.user("lina")
    # when
    responses = [_login(client, "lina", "wrong-password") for _ in range(5)]
    lockouts = list(AuditEntry.objects.filter(action=ACTION_LOCKED_OUT))
    after = _login(client, "lina", PASSWORD)
    # then
    assert [r.status_code for r in responses[:4]] == [200, 200, 200, 200]
    assert responses[4].status_code == 429
    assert "web/locked_out.html" in [t.name for t in responses[4].templates]
    assert after.status_code == 429
    assert not _is_signed_in(client)
    assert AuditEntry.objects.filter(action=ACTION_LOGIN_FAILED, object_repr="lina").count() >= 5
    assert len(lockouts) == 1
    locked = lockouts[0]
    assert locked.object_repr == "lina"
    assert locked.outcome == AuditEntry.Outcome.DENIED
    assert locked.ip_address == "10.0.0.1"


@pytest.mark.django_db
def test_four_failures_then_the_right_password_signs_in_and_resets_the_count(client):
    factories.user("lina")
    for _ in range(4):
        _login(client, "lina", "wrong-password")
    response = _login(client, "lina", PASSWORD)
    assert response.status_code == 302
    assert _is_signed_in(client)
    assert AuditEntry.objects.filter(action=ACTION_LOGIN, actor_username="lina").count() == 1
    assert not AccessAttempt.objects.filter(username="lina").exists()


@pytest.mark.django_db
def test_a_locked_username_does_not_lock_other_users_from_the_same_address(client):
    # given: lina is locked out from 10.0.0.1
    factories.user("lina")
    factories.user("ming")
    for _ in range(5):
        _login(client, "lina", "wrong-password", ip="10.0.0.1")
    assert _login(client, "lina", PASSWORD, ip="10.0.0.1").status_code == 429
    # when: ming signs in from the same address
    response = _login(client, "ming", PASSWORD, ip="10.0.0.1")
    # then
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(factories_user_pk("ming"))


def factories_user_pk(username: str) -> int:
    from gongjiang.core.models import User

    return User.objects.get(username=username).pk


@pytest.mark.django_db
def test_the_lock_holds_from_another_address_too(client):
    factories.user("lina")
    for _ in range(5):
        _login(client, "lina", "wrong-password", ip="10.0.0.1")
    assert _login(client, "lina", PASSWORD, ip="10.9.9.9").status_code == 429


@pytest.mark.django_db
def test_the_lock_lifts_after_thirty_minutes(client):
    # given
    factories.user("lina")
    for _ in range(5):
        _login(client, "lina", "wrong-password")
    assert _login(client, "lina", PASSWORD).status_code == 429
    # when: the failures are 29 minutes old the lock still holds ...
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=29))
    assert _login(client, "lina", PASSWORD).status_code == 429
    # ... and at 31 minutes it is gone
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31))
    response = _login(client, "lina", PASSWORD)
    # then
    assert response.status_code == 302
    assert _is_signed_in(client)
