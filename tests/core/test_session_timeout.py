"""Sessions end after 30 idle minutes and after an absolute limit; logout flushes the session."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

from gongjiang.core.models import AuditEntry
from gongjiang.core.signals import (
    ACTION_LOGOUT,
    ACTION_SESSION_EXPIRED,
    SESSION_LAST_SEEN_KEY,
    SESSION_STARTED_KEY,
)
from tests import factories

PASSWORD = "Pass-Word-123"


@pytest.fixture
def signed_in(client, db):
    factories.user("lina")
    response = client.post(reverse("web:login"), {"username": "lina", "password": PASSWORD})
    assert response.status_code == 302
    return client


def _age_session(client, *, idle_seconds: float = 0, since_start_seconds: float = 0) -> None:
    session = client.session
    now = time.time()
    session[SESSION_LAST_SEEN_KEY] = now - idle_seconds
    session[SESSION_STARTED_KEY] = now - max(since_start_seconds, idle_seconds)
    session.save()


def _home(client):
    return client.get(reverse("web:home"))


def test_defaults_are_thirty_idle_minutes_and_twelve_hours():
    assert settings.SESSION_IDLE_TIMEOUT_SECONDS == 30 * 60
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS == 12 * 60 * 60


def test_login_stamps_the_session_start(signed_in):
    session = signed_in.session
    assert abs(session[SESSION_STARTED_KEY] - time.time()) < 60
    assert abs(session[SESSION_LAST_SEEN_KEY] - time.time()) < 60


def test_activity_within_thirty_minutes_keeps_the_session(signed_in):
    _age_session(signed_in, idle_seconds=29 * 60)
    response = _home(signed_in)
    assert response.status_code == 200
    assert abs(signed_in.session[SESSION_LAST_SEEN_KEY] - time.time()) < 60


def test_thirty_one_idle_minutes_end_the_session(signed_in):
    # given
    _age_session(signed_in, idle_seconds=31 * 60)
    # when
    response = _home(signed_in)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert "_auth_user_id" not in signed_in.session
    entry = AuditEntry.objects.get(action=ACTION_SESSION_EXPIRED)
    assert entry.actor_username == "lina"
    assert entry.changes == {"reason": "idle"}


def test_the_absolute_limit_ends_an_active_session(signed_in):
    # given: active a minute ago, but signed in thirteen hours ago
    session = signed_in.session
    session[SESSION_STARTED_KEY] = time.time() - 13 * 3600
    session[SESSION_LAST_SEEN_KEY] = time.time() - 60
    session.save()
    # when
    response = _home(signed_in)
    # then
    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session
    assert AuditEntry.objects.get(action=ACTION_SESSION_EXPIRED).changes == {"reason": "absolute"}


def test_logout_flushes_the_session_and_is_audited(signed_in):
    # given
    old_key = signed_in.session.session_key
    assert Session.objects.filter(session_key=old_key).exists()
    # when
    response = signed_in.post(reverse("web:logout"))
    # then
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=old_key).exists()
    assert _home(signed_in).status_code == 302
    entry = AuditEntry.objects.get(action=ACTION_LOGOUT)
    assert entry.actor_username == "lina"
