"""Pages: public verification (no login) and the staff/holder view of issued credentials."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongjiang.core.exceptions import ApplicationError
from gongjiang.credentials import exports, ratelimit, rules, selectors, services
from gongjiang.credentials.models import Credential
from gongjiang.credentials.qr import qr_svg
from gongjiang.credentials.signing import public_jwks
from gongjiang.web.forms import page_window, paginate
from gongjiang.web.listing import (
    Filter,
    ListFilters,
    export_url,
    filter_query,
    list_export,
    read_filters,
)

MSG_RATE_LIMITED = gettext_noop("查询过于频繁：每个网络地址每 {window} 秒最多查询 {limit} 次，请 {retry} 秒后再试。")
MSG_NEED_NUMBER_AND_NAME = gettext_noop("请同时填写证书编号和持证人姓名。")


def _public(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _limited(request: HttpRequest) -> ratelimit.RateDecision | None:
    decision = ratelimit.hit(request)
    return None if decision.allowed else decision


def _limit_message(decision: ratelimit.RateDecision) -> str:
    _limit, window = ratelimit.limits()
    return _(MSG_RATE_LIMITED).format(window=window, limit=decision.limit, retry=decision.retry_after)


def _render_result(request: HttpRequest, answer: dict[str, Any], *, status: int = 200, **extra: Any) -> HttpResponse:
    context = {"answer": answer, **extra}
    if answer.get("result") in ("valid", "revoked", "expired"):
        context["qr"] = qr_svg(answer["verification_url"], scale=3)
    return _public(render(request, "credentials/verify.html", context, status=status))


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """/verify/: look a certificate up by number and name (POST), or by verification code."""
    code = request.GET.get("code", "").strip()
    if code:
        return redirect("credentials:verify_code", code=rules.normalize_verification_code(code)[:40] or "-")
    if request.method == "GET":
        return _public(render(request, "credentials/verify.html", {"form_only": True}))
    number = request.POST.get("number", "").strip()
    name = request.POST.get("name", "").strip()
    if not number or not name:
        return _public(render(
            request, "credentials/verify.html",
            {"form_only": True, "error": _(MSG_NEED_NUMBER_AND_NAME), "number": number}, status=400,
        ))
    limited = _limited(request)
    if limited is not None:
        response = _public(render(
            request, "credentials/verify.html", {"form_only": True, "error": _limit_message(limited)}, status=429
        ))
        response["Retry-After"] = str(limited.retry_after)
        return response
    return _render_result(request, selectors.verify_by_number(number, name), number=number)


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """/verify/<code>/: the QR target; shows the same answer as a number + name lookup."""
    limited = _limited(request)
    if limited is not None:
        response = _public(render(
            request, "credentials/verify.html", {"form_only": True, "error": _limit_message(limited)}, status=429
        ))
        response["Retry-After"] = str(limited.retry_after)
        return response
    return _render_result(request, selectors.verify_by_code(code))


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """/.well-known/jwks.json: every public key that ever signed a credential."""
    response = JsonResponse(public_jwks())
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- JSON API for third parties (no login), mounted under /api/v1/ ----------------------------
# Plain Django views rather than DRF: this is the hot path of the verification benchmark.


def _api_limited(request: HttpRequest) -> JsonResponse | None:
    limited = _limited(request)
    if limited is None:
        return None
    response = JsonResponse({"result": "rate_limited", "detail": _limit_message(limited)}, status=429)
    response["Retry-After"] = str(limited.retry_after)
    _public(response)
    return response


def _api_answer(answer: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    _public(response)
    return response


@require_GET
def api_verify(request: HttpRequest) -> JsonResponse:
    """GET /api/v1/verify/?number=...&name=... → valid / revoked / expired / not_found."""
    number = request.GET.get("number", "").strip()
    name = request.GET.get("name", "").strip()
    if not number or not name:
        response = JsonResponse({"result": "invalid", "detail": _(MSG_NEED_NUMBER_AND_NAME),
                                 "errors": {"number": [_(MSG_NEED_NUMBER_AND_NAME)]}}, status=400)
        return _public(response)  # type: ignore[return-value]
    limited = _api_limited(request)
    if limited is not None:
        return limited
    return _api_answer(selectors.verify_by_number(number, name))


@require_GET
def api_verify_code(request: HttpRequest, code: str) -> JsonResponse:
    """GET /api/v1/verify/<code>/ → the answer with the signed credential (VC-JWT)."""
    limited = _api_limited(request)
    if limited is not None:
        return limited
    return _api_answer(selectors.verify_by_code(code))


# --- Staff and holder pages -------------------------------------------------------------------


def credential_list_state(request: HttpRequest) -> tuple[QuerySet[Credential], ListFilters]:
    """The list's scoped, filtered queryset; the list page and its export both use it."""
    filters = read_filters(request.GET, [
        Filter("q", gettext_lazy("证书编号/核验码/姓名")),
        Filter("kind", gettext_lazy("类型"), Credential.Kind.choices),
        Filter("status", gettext_lazy("状态"), Credential.Status.choices),
    ])
    queryset = selectors.credential_list(
        user=request.user, q=filters.get("q"), kind=filters.get("kind"), status=filters.get("status"),
    )
    return queryset, filters


@login_required
def credential_list(request: HttpRequest) -> HttpResponse:
    credentials, filters = credential_list_state(request)
    page, size = paginate(request, credentials)
    return render(request, "credentials/list.html", {
        "credentials": page.object_list, "kinds": Credential.Kind.choices, "statuses": Credential.Status.choices,
        "q": request.GET.get("q", ""), "page": page, "page_size": size, "page_numbers": page_window(page),
        "query": filter_query(request), "filter_errors": filters.errors,
        "export_url": export_url(request, "credentials:export"),
    })


@login_required
def credential_export(request: HttpRequest) -> HttpResponseBase:
    """Every credential the list shows under its current filters, as an .xlsx file."""
    return list_export(request, state=credential_list_state, list_viewname="credentials:list",
                       title=gettext_lazy("已签发证书"), columns=exports.COLUMNS, action=exports.EXPORT_ACTION)


@login_required
def credential_detail(request: HttpRequest, pk: int) -> HttpResponse:
    credential = selectors.credential_get_for_user(user=request.user, pk=pk)
    can_revoke = selectors.credential_queryset(request.user, write=True).filter(pk=pk).exists()
    return render(request, "credentials/detail.html", {
        "credential": credential,
        "answer": selectors.public_answer(credential, include_token=False),
        "qr": qr_svg(selectors.verification_url(credential.code), scale=3),
        "can_revoke": can_revoke,
        "categories": Credential.RevocationCategory.choices,
    })


@login_required
def credential_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    credential = selectors.credential_get_for_user(user=request.user, pk=pk)
    data = services.credential_pdf(actor=request.user, credential=credential)
    response = HttpResponse(data, content_type="application/pdf")
    filename = f"certificate-{credential.number or credential.code}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def credential_jwt(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the signed credential (VC-JWT) to keep or hand to a third party."""
    credential = selectors.credential_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(credential.jwt, content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.code}.jwt"'
    return response


@login_required
@require_POST
def credential_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    credential = selectors.credential_get_for_user(user=request.user, pk=pk, write=True)
    try:
        services.credential_revoke(
            actor=request.user, credential=credential, reason=request.POST.get("reason", ""),
            category=request.POST.get("category", Credential.RevocationCategory.OTHER),
        )
    except ApplicationError as error:
        for messages_ in error.as_field_map().values():
            for message in messages_:
                messages.error(request, message)
    else:
        messages.success(request, _("证书已撤销。"))
    return redirect("credentials:detail", pk=pk)
