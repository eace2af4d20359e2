"""Project system checks for what ``check --deploy`` does not look at (等保 2.0 三级).

Django's deploy checks cover cookies, HSTS, the secret key and friends; these add the
session lifetime, login lockout, password rules and the database. They run with ``--deploy``:
``gongjiang check --deploy --fail-level WARNING`` must report no issues in production.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.checks import Tags, Warning, register

MAX_IDLE_SECONDS = 30 * 60
MIN_PASSWORD_LENGTH = 8

W001 = "gongjiang.W001"
W002 = "gongjiang.W002"
W003 = "gongjiang.W003"
W004 = "gongjiang.W004"
W005 = "gongjiang.W005"


def _validator_names() -> set[str]:
    validators = cast(list[dict[str, Any]], settings.AUTH_PASSWORD_VALIDATORS)
    return {entry["NAME"] for entry in validators}


@register(Tags.security, deploy=True)
def check_session_lifetime(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    if settings.SESSION_COOKIE_AGE > MAX_IDLE_SECONDS or (
        getattr(settings, "SESSION_IDLE_TIMEOUT_SECONDS", 0) > MAX_IDLE_SECONDS
    ):
        problems.append(
            Warning(
                f"SESSION_COOKIE_AGE is {settings.SESSION_COOKIE_AGE} s; sessions must end after "
                f"at most {MAX_IDLE_SECONDS} s of inactivity (等保 2.0 登录连接超时自动退出).",
                hint="Set SESSION_IDLE_TIMEOUT_SECONDS to 1800 or less.",
                id=W001,
            )
        )
    if not settings.SESSION_SAVE_EVERY_REQUEST:
        problems.append(
            Warning(
                "SESSION_SAVE_EVERY_REQUEST is off, so the idle timeout counts from sign-in.",
                id=W005,
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_login_lockout(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    enabled = getattr(settings, "AXES_ENABLED", True)
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 0)
    if not enabled or not limit or getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True) is False:
        return [
            Warning(
                "Login lockout (django-axes) is off; 等保 2.0 requires limiting failed logins.",
                hint="Leave AXES_ENABLED on; LOGIN_FAILURE_LIMIT defaults to 5.",
                id=W002,
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_password_rules(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    names = _validator_names()
    too_short = settings.PASSWORD_MIN_LENGTH < MIN_PASSWORD_LENGTH
    if "gongjiang.core.passwords.CharacterClassValidator" not in names or too_short:
        return [
            Warning(
                "Password rules are weaker than 等保 2.0 expects (at least 8 characters and "
                "3 character classes).",
                hint="Keep PASSWORD_MIN_LENGTH >= 8 and the CharacterClassValidator.",
                id=W003,
            )
        ]
    return []


@register(Tags.database, deploy=True)
def check_production_database(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    engine = settings.DATABASES["default"]["ENGINE"]
    if getattr(settings, "IS_PRODUCTION", False) and engine.endswith("sqlite3"):
        return [
            Warning(
                "Production runs on SQLite; use PostgreSQL (DATABASE_URL=postgres://...).",
                hint="SQLite is the embedded default for trying Gongjiang, not for a city.",
                id=W004,
            )
        ]
    return []
