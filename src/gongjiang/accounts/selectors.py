"""Reads about accounts: pending sign-in steps, the account list, the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from gongjiang.accounts import rules
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
        if user_has_device(user, confirmed=True):
            return STEP_VERIFY_2FA
        if requires_2fa(user):
            return STEP_ENROL_2FA
    if user.must_change_password or password_is_expired(user):
        return STEP_CHANGE_PASSWORD
    return None
