from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from gongjiang.core.context import RequestContext, _current

_ABSOLUTE_KEY = "_gongjiang_session_started"
_LAST_SEEN_KEY = "_gongjiang_last_seen"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Make the user, address and a request id available to services for audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:64] or uuid.uuid4().hex
        token = _current.set(
            RequestContext(user=getattr(request, "user", None), ip_address=client_ip(request), request_id=request_id)
        )
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        return response


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
            elif (
                now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
                or now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS
            ):
                logout(request)
            if user.is_authenticated:
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
