"""Reads about accounts: pending sign-in steps, the account list, the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from gongjiang.accounts import rules
from gongjiang.accounts.models import SealedTOTPDevice
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry, AuditVerification, User
from gongjiang.orgs import roles
from gongjiang.orgs.models import Membership, Organization
from gongjiang.orgs.scope import scope_for

STEP_VERIFY_2FA = "verify_2fa"
STEP_ENROL_2FA = "enrol_2fa"
STEP_CHANGE_PASSWORD = "change_password"

STEP_MESSAGES = {
    STEP_VERIFY_2FA: _("请先输入动态验证码完成登录。"),
    STEP_ENROL_2FA: _("您的角色须启用动态验证码（双因素认证），请先绑定。"),
    STEP_CHANGE_PASSWORD: _("您的密码已过期或须在首次登录时修改，请先修改密码。"),
}


def password_is_expired(user: Any) -> bool:
    return rules.password_expired(
        changed_at=user.password_changed_at,
        joined_at=user.date_joined,
        now=timezone.now(),
        max_age_days=settings.PASSWORD_MAX_AGE_DAYS,
    )


def requires_2fa(user: Any) -> bool:
    wanted = set(settings.REQUIRE_2FA_ROLES)
    return bool(wanted) and scope_for(user).has_role(*wanted)


def pending_sign_in_step(user: Any) -> str | None:
    """The step a signed-in user must still take before using the platform, or None."""
    verified = getattr(user, "is_verified", None)
    if not (callable(verified) and verified()):
        if account_has_2fa(user):
            return STEP_VERIFY_2FA
        if requires_2fa(user):
            return STEP_ENROL_2FA
    if user.must_change_password or password_is_expired(user):
        return STEP_CHANGE_PASSWORD
    return None


# --- Account management (security administrator) ----------------------------------------------


def require_security_admin(user: Any) -> None:
    if not scope_for(user).has_role(*roles.ACCOUNT_ADMIN_ROLES):
        raise PermissionDeniedError()


def require_audit_admin(user: Any) -> None:
    if not scope_for(user).has_role(*roles.AUDIT_READ_ROLES):
        raise PermissionDeniedError()


def locked_usernames(usernames: list[str] | None = None) -> set[str]:
    """Usernames locked out right now by repeated failed logins (django-axes)."""
    attempts = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    )
    if usernames is not None:
        attempts = attempts.filter(username__in=usernames)
    return set(attempts.values_list("username", flat=True))


def account_list(*, actor: Any, query: str = "") -> QuerySet[User]:
    require_security_admin(actor)
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.filter(is_active=True).select_related("organization"))
    )
    query = (query or "").strip()
    if query:
        users = users.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    return users


def account_get(*, actor: Any, pk: int) -> User:
    require_security_admin(actor)
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def account_memberships(*, actor: Any, user: User) -> QuerySet[Membership]:
    require_security_admin(actor)
    return Membership.objects.filter(user=user, is_active=True).select_related("organization")


def account_has_2fa(user: User) -> bool:
    """Whether the user has bound an authenticator. Only the sealed device counts (not
    django_otp.user_has_device, which would also ask django-otp's clear-text table)."""
    return SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- The audit log (audit administrator) ----------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_entry_list(*, actor: Any, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The audit log, newest first, for the audit administrator only."""
    require_audit_admin(actor)
    entries = AuditEntry.objects.all().order_by("-at", "-id")
    if filters.actor:
        entries = entries.filter(actor_username__icontains=filters.actor.strip())
    if filters.action:
        entries = entries.filter(action__startswith=filters.action.strip())
    if filters.object_type:
        entries = entries.filter(object_type=filters.object_type.strip())
    if filters.object_id:
        entries = entries.filter(object_id=filters.object_id.strip())
    if filters.outcome:
        entries = entries.filter(outcome=filters.outcome)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
        entries = entries.filter(at__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        entries = entries.filter(at__lt=end)
    return entries


def audit_object_types(*, actor: Any) -> list[str]:
    require_audit_admin(actor)
    return list(
        AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )


ERR_ORGANIZATION_NOT_FOUND = gettext_noop("未找到单位“{text}”，请填写单位全称或统一社会信用代码。")


def organization_for_role(text: str) -> Organization | None:
    """The organisation a role is granted in, named by full name or credit code.

    Unscoped on purpose: the security administrator sees no registry data, but names the
    organisation a role belongs to; only the name and code are used.
    """
    text = (text or "").strip()
    if not text:
        return None
    found = Organization.objects.filter(Q(credit_code=text.upper()) | Q(name=text)).first()
    if found is None:
        raise ApplicationError(gettext(ERR_ORGANIZATION_NOT_FOUND).format(text=text), field="organization")
    return found


def audit_verification_list(*, actor: Any) -> QuerySet[AuditVerification]:
    """The audit chain's verifications, newest first (the audit administrator's)."""
    require_audit_admin(actor)
    return AuditVerification.objects.select_related("requested_by").order_by("-requested_at", "-id")


def audit_verification_get(*, actor: Any, pk: int) -> AuditVerification:
    try:
        return audit_verification_list(actor=actor).get(pk=pk)
    except AuditVerification.DoesNotExist:
        raise Http404 from None
