"""Authentication events in the audit log (等保 安全审计; ASVS 16.3.1).

Signals are right here: sign-in and sign-out are Django's and django-axes' flows, not ours, and
recording them is a cross-cutting concern. Everything else is recorded by services.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from gongjiang.core import audit
from gongjiang.core.models import AuditEntry

ACTION_LOGIN = "auth.login.succeeded"
ACTION_LOGIN_FAILED = "auth.login.failed"
ACTION_LOCKED_OUT = "auth.login.locked_out"
ACTION_LOGOUT = "auth.logout"
ACTION_SESSION_EXPIRED = "auth.session.expired"
ACTION_PERMISSION_DENIED = "auth.permission.denied"

SESSION_STARTED_KEY = "_gongjiang_session_started"
SESSION_LAST_SEEN_KEY = "_gongjiang_last_seen"
# Set on the request by whoever ends a session for a reason other than the user's choice.
LOGOUT_REASON_ATTR = "_gongjiang_logout_reason"


def _username_tried(credentials: dict[str, Any] | None) -> str:
    username = str((credentials or {}).get("username") or "")
    return username[:150]


@receiver(user_logged_in, dispatch_uid="gongjiang.audit.login")
def record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_LAST_SEEN_KEY] = now
    audit.record(ACTION_LOGIN, obj=user, actor=user)


@receiver(user_login_failed, dispatch_uid="gongjiang.audit.login_failed")
def record_login_failure(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    username = _username_tried(credentials)
    audit.record(
        ACTION_LOGIN_FAILED,
        object_type="core.user",
        object_repr=username,
        changes={"username": username},
        outcome=AuditEntry.Outcome.FAILURE,
    )


@receiver(user_logged_out, dispatch_uid="gongjiang.audit.logout")
def record_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None:
        return
    reason = getattr(request, LOGOUT_REASON_ATTR, "") if request is not None else ""
    action = ACTION_SESSION_EXPIRED if reason else ACTION_LOGOUT
    audit.record(action, obj=user, actor=user, changes={"reason": reason} if reason else None)


def record_lockout(sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any) -> None:
    audit.record(
        ACTION_LOCKED_OUT,
        object_type="core.user",
        object_repr=(username or "")[:150],
        changes={"username": (username or "")[:150]},
        outcome=AuditEntry.Outcome.DENIED,
    )


def connect() -> None:
    """Connect the receivers that need other apps loaded (called from CoreConfig.ready)."""
    from axes.signals import user_locked_out

    user_locked_out.connect(record_lockout, dispatch_uid="gongjiang.audit.locked_out")
