"""Production settings pass ``check --deploy`` cleanly; project checks catch what Django's miss."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.test import override_settings

from gongjiang.core import checks


def production_env(tmp_path, **extra: str) -> dict[str, str]:
    key = base64.b64encode(secrets.token_bytes(32)).decode()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "PASSWORD_", "SESSION_", "LOGIN_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gongjiang.settings",
            "GONGJIANG_ENV": "production",
            "GONGJIANG_DATA_DIR": str(tmp_path),
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "gongjiang.example.gov.cn",
            "DATABASE_URL": "postgres://gongjiang@db.internal:5432/gongjiang",
            "FIELD_ENCRYPTION_KEYS": json.dumps(
                {"active": "p1", "encryption_keys": {"p1": key}, "blind_index_key": key}
            ),
        }
    )
    env.update(extra)
    return env


def run_deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongjiang", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_deploy_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_long_idle_timeout_fails_the_deploy_check(tmp_path):
    result = run_deploy_check(production_env(tmp_path, SESSION_IDLE_TIMEOUT_SECONDS="7200"))
    assert result.returncode != 0
    assert checks.W001 in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = run_deploy_check(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_field_keys(tmp_path):
    env = production_env(tmp_path)
    del env["FIELD_ENCRYPTION_KEYS"]
    result = run_deploy_check(env)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def _ids(found) -> list[str]:
    return [message.id for message in found]


def test_session_check():
    assert checks.check_session_lifetime() == []
    with override_settings(SESSION_COOKIE_AGE=14 * 24 * 3600):
        assert _ids(checks.check_session_lifetime()) == [checks.W001]
    with override_settings(SESSION_SAVE_EVERY_REQUEST=False):
        assert _ids(checks.check_session_lifetime()) == [checks.W005]


def test_lockout_check():
    assert checks.check_login_lockout() == []
    with override_settings(AXES_ENABLED=False):
        assert _ids(checks.check_login_lockout()) == [checks.W002]


def test_password_check(settings):
    assert checks.check_password_rules() == []
    settings.AUTH_PASSWORD_VALIDATORS = settings.AUTH_PASSWORD_VALIDATORS[:1]
    assert _ids(checks.check_password_rules()) == [checks.W003]


@pytest.mark.parametrize(("production", "engine", "expected"), [
    (True, "django.db.backends.sqlite3", [checks.W004]),
    (True, "django.db.backends.postgresql", []),
    (False, "django.db.backends.sqlite3", []),
])
def test_database_check(monkeypatch, production, engine, expected):
    # Overriding DATABASES itself is unsafe inside a test; the check only reads these two.
    fake = SimpleNamespace(IS_PRODUCTION=production, DATABASES={"default": {"ENGINE": engine}})
    monkeypatch.setattr(checks, "settings", fake)
    assert _ids(checks.check_production_database()) == expected
