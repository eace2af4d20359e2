"""The sign-in gate: after the password, a user may first have to pass further steps.

In order: verify the TOTP code when the user has a confirmed device; enrol a device when the
user's role requires one (``REQUIRE_2FA_ROLES``); change the password when an administrator
set it (``must_change_password``) or it has expired (``PASSWORD_MAX_AGE_DAYS``). Until then
every page redirects to the step, and session API calls get 403 with the reason.

API token authentication happens inside DRF, after this gate: tokens are for service
accounts and are documented as such (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from gongjiang.accounts import selectors

# Views a user may reach while a sign-in step is pending.
OPEN_VIEWS = frozenset(
    {
        "web:login",
        "web:logout",
        "accounts:totp_verify",
        "accounts:totp_enrol",
        "accounts:password_change",
        "set_language",
        "healthz",
        "javascript-catalog",
    }
)

STEP_URLS = {
    selectors.STEP_VERIFY_2FA: "accounts:totp_verify",
    selectors.STEP_ENROL_2FA: "accounts:totp_enrol",
    selectors.STEP_CHANGE_PASSWORD: "accounts:password_change",
}


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        step = selectors.pending_sign_in_step(user)
        if step is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": str(selectors.STEP_MESSAGES[step]), "code": step}, status=403
            )
        target = reverse(STEP_URLS[step])
        if getattr(request, "htmx", False):
            # A redirect would be followed inside the page fragment; load the step page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
