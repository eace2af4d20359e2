"""Pages: the sign-in steps, account management (security administrator), the audit log
(audit administrator). Thin: forms validate, services and selectors decide."""

from __future__ import annotations

import base64
import csv
import json
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from gongjiang.accounts import exports, forms, selectors, services
from gongjiang.core import audit
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import AuditEntry
from gongjiang.imports.exporters import export_response
from gongjiang.web.listing import (
    Filter,
    ListFilters,
    export_url,
    form_filter_errors,
    list_export,
    read_filters,
    refuse_export,
)

AUDIT_PAGE_SIZE = 50
ACCOUNT_PAGE_SIZE = 50
ACTION_AUDIT_EXPORTED = "core.audit.exported"


def _next_url(request: HttpRequest, default: str = "web:home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _apply_errors(form: Any, exc: ApplicationError) -> None:
    if not exc.errors:
        form.add_error(None, str(exc.message))
        return
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, str(error))


# --- Sign-in steps ------------------------------------------------------------------------------


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    """The user's own account: password age, second factor, links to change them."""
    user: Any = request.user
    context = {
        "has_2fa": selectors.account_has_2fa(user),
        "max_age_days": settings.PASSWORD_MAX_AGE_DAYS,
    }
    return render(request, "accounts/security.html", context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "forced": user.must_change_password,
        "expired": selectors.password_is_expired(user),
    }
    return render(request, "accounts/password_change.html", context)


def _qr_svg(text: str) -> str:
    # Rendered here, as inline SVG: the secret never leaves the server for a QR service.
    return str(segno.make(text, error="m").svg_inline(scale=5, dark="#1f2937", light="#ffffff"))


def _grouped_secret(device: Any) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
def totp_enrol(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if selectors.account_has_2fa(user):
        return render(request, "accounts/totp_status.html", {"next": _next_url(request)})
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_enrol_confirm(user=user, token=form.cleaned_data["token"])
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            otp_login(request, device)
            messages.success(request, _("动态验证码已绑定，以后登录时须输入。"))
            return redirect(_next_url(request))
    device = services.totp_enrol_start(user=user)
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (segno output, no user HTML)
        "secret": _grouped_secret(device),
        "required": selectors.requires_2fa(user),
    }
    return render(request, "accounts/totp_enrol.html", context)


@login_required
def totp_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not selectors.account_has_2fa(user):
        return redirect(_next_url(request))
    form = forms.TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.totp_verify(user=user, token=form.cleaned_data["token"])
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/totp_verify.html", {"form": form, "next": _next_url(request)})


# --- Account management (security administrator only) -----------------------------------------


def account_list_state(request: HttpRequest) -> tuple[QuerySet[Any], ListFilters]:
    """The account list under its search; the page and its export both use it (security admin only)."""
    filters = read_filters(request.GET, [Filter("q", gettext_lazy("用户名或姓名"))])
    return selectors.account_list(actor=request.user, query=filters.get("q")), filters


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    accounts, filters = account_list_state(request)
    query = filters.get("q")
    page = Paginator(accounts, ACCOUNT_PAGE_SIZE).get_page(request.GET.get("page"))
    locked = selectors.locked_usernames([u.username for u in page.object_list])
    context = {"page": page, "q": query, "locked": locked, "query": urlencode({"q": query}),
               "filter_errors": filters.errors, "export_url": export_url(request, "accounts:account_export")}
    return render(request, "accounts/account_list.html", context)


@login_required
def account_export(request: HttpRequest) -> HttpResponseBase:
    """Every account the list shows under its search, as an .xlsx file."""
    return list_export(request, state=account_list_state, list_viewname="accounts:account_list",
                       title=gettext_lazy("账号"), columns=exports.account_columns(selectors.locked_usernames()),
                       action=exports.ACCOUNT_EXPORT_ACTION, object_type="core.user")


@login_required
def account_create(request: HttpRequest) -> HttpResponse:
    selectors.require_security_admin(request.user)
    form = forms.AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("账号 %(username)s 已创建，首次登录须修改密码。") % {"username": user.username})
            return redirect("accounts:account_detail", pk=user.pk)
    return render(request, "accounts/account_create.html", {"form": form})


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.account_get(actor=request.user, pk=pk)
    return _render_detail(request, account)


def _render_detail(request: HttpRequest, account: Any, **forms_: Any) -> HttpResponse:
    context = {
        "account": account,
        "memberships": selectors.account_memberships(actor=request.user, user=account),
        "is_locked": account.username in selectors.locked_usernames([account.username]),
        "has_2fa": selectors.account_has_2fa(account),
        "grant_form": forms_.get("grant_form") or forms.RoleGrantForm(),
        "reset_form": forms_.get("reset_form") or forms.PasswordResetForm(),
        "is_self": account.pk == request.user.pk,
    }
    status = 400 if forms_ else 200
    return render(request, "accounts/account_detail.html", context, status=status)


_SIMPLE_ACTIONS = {
    "disable": (services.user_disable, gettext_lazy("账号已停用，其会话已全部结束。")),
    "enable": (services.user_enable, gettext_lazy("账号已启用。")),
    "unlock": (services.user_unlock, gettext_lazy("已解除登录锁定。")),
    "reset-2fa": (services.user_reset_2fa, gettext_lazy("已重置动态验证码，用户下次登录时重新绑定。")),
}


@login_required
@require_POST
def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
    account = selectors.account_get(actor=request.user, pk=pk)
    try:
        if action in _SIMPLE_ACTIONS:
            service, done = _SIMPLE_ACTIONS[action]
            service(actor=request.user, user=account)
            messages.success(request, str(done))
        elif action == "reset-password":
            reset_form = forms.PasswordResetForm(request.POST)
            if not reset_form.is_valid():
                return _render_detail(request, account, reset_form=reset_form)
            try:
                services.user_reset_password(
                    actor=request.user, user=account, password=reset_form.cleaned_data["password"]
                )
            except ApplicationError as exc:
                _apply_errors(reset_form, exc)
                return _render_detail(request, account, reset_form=reset_form)
            messages.success(request, _("已设置临时密码，用户下次登录时须修改。"))
        elif action == "grant":
            grant_form = forms.RoleGrantForm(request.POST)
            if not grant_form.is_valid():
                return _render_detail(request, account, grant_form=grant_form)
            try:
                organization = selectors.organization_for_role(grant_form.cleaned_data["organization"])
                services.user_role_grant(
                    actor=request.user, user=account, role=grant_form.cleaned_data["role"],
                    organization=organization,
                )
            except ApplicationError as exc:
                _apply_errors(grant_form, exc)
                return _render_detail(request, account, grant_form=grant_form)
            messages.success(request, _("角色已授予。"))
        elif action == "revoke":
            membership_pk = request.POST.get("membership", "")
            membership = (
                selectors.account_memberships(actor=request.user, user=account)
                .filter(pk=int(membership_pk) if membership_pk.isdigit() else 0)
                .first()
            )
            if membership is not None:
                services.user_role_revoke(actor=request.user, membership=membership)
                messages.success(request, _("角色已撤销。"))
        else:
            return HttpResponse(status=404)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("accounts:account_detail", pk=account.pk)


# --- The audit log (audit administrator only) ----------------------------------------------------


def _audit_filters(form: forms.AuditFilterForm) -> selectors.AuditFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return selectors.AuditFilters(
        actor=data.get("actor") or "",
        action=data.get("action") or "",
        object_type=data.get("object_type") or "",
        object_id=data.get("object_id") or "",
        outcome=data.get("outcome") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


def audit_list_state(request: HttpRequest) -> tuple[forms.AuditFilterForm, selectors.AuditFilters, QuerySet[AuditEntry]]:
    """The audit log under the page's filters; the page, its CSV and its Excel export use it."""
    selectors.require_audit_admin(request.user)
    form = forms.AuditFilterForm(request.GET or None)
    filters = _audit_filters(form)
    return form, filters, selectors.audit_entry_list(actor=request.user, filters=filters)


@login_required
def audit_list(request: HttpRequest) -> HttpResponseBase:
    form, filters, entries = audit_list_state(request)
    errors = form_filter_errors(form)
    if request.GET.get("format") == "csv":
        if errors:
            return refuse_export(request, "accounts:audit_list", errors)
        return _audit_csv(entries, filters)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(entry, exports.changes_text(entry)) for entry in page.object_list]
    params = {key: value for key, value in request.GET.items() if key not in ("page", "format") and value}
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": urlencode(params),
        "object_types": selectors.audit_object_types(actor=request.user),
        "filter_errors": errors,
        "export_url": export_url(request, "accounts:audit_export"),
    }
    return render(request, "accounts/audit_list.html", context)


@login_required
@require_POST
def audit_verify(request: HttpRequest) -> HttpResponseBase:
    """Start verifying the audit log's HMAC chain in the background and show its progress."""
    verification = services.audit_verification_start(actor=request.user)
    return redirect("accounts:audit_verification", pk=verification.pk)


def _verification_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    verification = selectors.audit_verification_get(actor=request.user, pk=pk)
    return {"verification": verification, "polling": verification.in_progress,
            "recent": selectors.audit_verification_list(actor=request.user)[:10]}


@login_required
def audit_verification(request: HttpRequest, pk: int) -> HttpResponse:
    """One verification of the chain: its progress while it runs, then what it found."""
    return render(request, "accounts/audit_verification.html", _verification_context(request, pk))


@login_required
def audit_verification_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The verification's panel alone (polled by HTMX while it runs)."""
    return render(request, "accounts/_audit_verification_panel.html", _verification_context(request, pk))


@login_required
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The audit log under the page's filters as an .xlsx file: the page's columns, nothing more."""
    form, filters, entries = audit_list_state(request)
    errors = form_filter_errors(form)
    if errors:
        return refuse_export(request, "accounts:audit_list", errors)
    return export_response(user=request.user, title=gettext_lazy("审计日志"), columns=exports.AUDIT_COLUMNS,
                           objects=entries, action=exports.AUDIT_EXPORT_ACTION,
                           object_type=AuditEntry._meta.label_lower,
                           audit_filters={key: value for key, value in vars(filters).items() if value})


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheet formula injection (ASVS 1.2.10): a leading quote keeps it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _audit_csv(entries: QuerySet[AuditEntry], filters: selectors.AuditFilters) -> StreamingHttpResponse:
    audit.record(
        ACTION_AUDIT_EXPORTED, object_type=AuditEntry._meta.label_lower,
        changes={key: value for key, value in vars(filters).items() if value},
    )
    header = [_("时间"), _("操作人"), _("来源地址"), _("操作"), _("对象类型"), _("对象编号"),
              _("对象"), _("结果"), _("变更内容"), _("请求编号")]
    writer = csv.writer(_Echo())
    tz = timezone.get_current_timezone()

    def rows() -> Any:
        yield "\ufeff"  # so that Excel opens UTF-8 Chinese correctly
        yield writer.writerow(header)
        for entry in entries.iterator(chunk_size=2000):
            yield writer.writerow([
                _cell(entry.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")), _cell(entry.actor_username),
                _cell(entry.ip_address), _cell(entry.action), _cell(entry.object_type),
                _cell(entry.object_id), _cell(entry.object_repr), _cell(entry.get_outcome_display()),
                _cell(json.dumps(entry.changes, ensure_ascii=False)), _cell(entry.request_id),
            ])

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    return response

