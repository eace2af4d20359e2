from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views.defaults import permission_denied

from gongjiang.core import audit
from gongjiang.core.context import RequestContext, _current
from gongjiang.core.exceptions import PermissionDeniedError
from gongjiang.core.models import AuditEntry
from gongjiang.core.signals import (
    ACTION_PERMISSION_DENIED,
    LOGOUT_REASON_ATTR,
    SESSION_LAST_SEEN_KEY,
    SESSION_STARTED_KEY,
)

logger = logging.getLogger(__name__)

_ABSOLUTE_KEY = SESSION_STARTED_KEY
_LAST_SEEN_KEY = SESSION_LAST_SEEN_KEY


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Make the user, address and a request id available to services for audit entries.

    It also records every refused request (HTTP 403, pages and API alike) in the audit log
    (ASVS 16.3.2), and turns a service's PermissionDeniedError into a 403 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        token = _current.set(
            RequestContext(user=getattr(request, "user", None), ip_address=client_ip(request), request_id=request_id)
        )
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                _record_denial(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PermissionDeniedError):
            return permission_denied(request, exception)
        return None


def _record_denial(request: HttpRequest) -> None:
    try:
        audit.record(
            ACTION_PERMISSION_DENIED,
            object_type="url",
            object_id=request.method or "",
            # The path only: query strings may carry search terms, never worth keeping.
            object_repr=request.path[:200],
            outcome=AuditEntry.Outcome.DENIED,
        )
    except DatabaseError:  # the refusal itself must not turn into a server error
        logger.exception("Could not record a refused request in the audit log")


class SessionTimeoutMiddleware:
    """Idle timeout (default 30 minutes) and absolute session lifetime (default 12 hours).

    The cookie expiry handles most idle sessions; this check also ends a session whose cookie
    was kept alive some other way, and enforces the absolute limit (ASVS 7.3.1/7.3.2).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.get(_ABSOLUTE_KEY)
            last_seen = request.session.get(_LAST_SEEN_KEY, now)
            if started is None:
                request.session[_ABSOLUTE_KEY] = now
            elif now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
                setattr(request, LOGOUT_REASON_ATTR, "absolute")
                logout(request)
            elif now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
                setattr(request, LOGOUT_REASON_ATTR, "idle")
                logout(request)
            if request.user.is_authenticated:  # not just logged out above
                request.session[_LAST_SEEN_KEY] = now
        return self.get_response(request)


class NoStoreForPersonalDataMiddleware:
    """Pages and API answers for signed-in users may carry personal data: never cache them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
