"""Writes about accounts: one function per use case, one transaction each, each audited.

Account management (create, disable, unlock, reset, roles) belongs to the security
administrator alone (三权分立); a user manages their own password and second factor.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework.authtoken.models import Token

from gongjiang.accounts import tasks
from gongjiang.accounts.models import SealedTOTPDevice, key_associated_data
from gongjiang.accounts.selectors import require_audit_admin
from gongjiang.core import audit, auditchain, keyrotation
from gongjiang.core.crypto import DecryptionError
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.models import AuditEntry, AuditVerification, User
from gongjiang.orgs import roles
from gongjiang.orgs.models import Membership, Organization
from gongjiang.orgs.scope import scope_for
from gongjiang.orgs.services import membership_grant, membership_revoke

ERR_USERNAME_REQUIRED = gettext_noop("请填写用户名。")
ERR_USERNAME_TAKEN = gettext_noop("用户名“{username}”已被使用，请换一个。")
ERR_USERNAME_INVALID = gettext_noop("用户名只能包含字母、数字和 @ . + - _，长度不超过 150 个字符。")
ERR_NOT_YOURSELF = gettext_noop("不能对自己的账号执行此操作，须由另一名安全管理员办理。")
ERR_OLD_PASSWORD = gettext_noop("原密码不正确。")
ERR_SAME_PASSWORD = gettext_noop("新密码不能与原密码相同。")
ERR_TOTP_CODE = gettext_noop("动态验证码不正确或已使用过，请输入验证器上显示的最新 6 位数字。")
ERR_TOTP_ALREADY = gettext_noop("您已绑定动态验证码；如需更换，请联系安全管理员重置。")
ERR_ROLE_UNKNOWN = gettext_noop("角色“{role}”不存在。")

ACTION_USER_CREATED = "accounts.user.created"
ACTION_USER_DISABLED = "accounts.user.disabled"
ACTION_USER_ENABLED = "accounts.user.enabled"
ACTION_USER_UNLOCKED = "accounts.user.unlocked"
ACTION_PASSWORD_RESET = "accounts.user.password_reset"
ACTION_2FA_RESET = "accounts.user.2fa_reset"
ACTION_PASSWORD_CHANGED = "auth.password.changed"
ACTION_2FA_ENROLLED = "auth.2fa.enrolled"
ACTION_2FA_VERIFIED = "auth.2fa.verified"
ACTION_2FA_FAILED = "auth.2fa.failed"

DEVICE_NAME = "default"

logger = logging.getLogger(__name__)


def _require_security_admin(actor: Any) -> None:
    if actor is not None and not scope_for(actor).has_role(*roles.ACCOUNT_ADMIN_ROLES):
        raise PermissionDeniedError()


def _refuse_self(actor: Any, user: Any) -> None:
    if actor is not None and actor.pk == user.pk:
        raise ApplicationError(_(ERR_NOT_YOURSELF))


def _validate_password(password: str, user: Any, field: str) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(
            _("密码不符合要求。"), errors={field: [str(m) for m in exc.messages]}
        ) from None


def sessions_end_for_user(user: Any, *, keep_session_key: str | None = None) -> int:
    """Delete every live session of ``user`` (ASVS 7.4.2/7.4.5); returns how many ended."""
    ended = 0
    user_id = str(user.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.session_key == keep_session_key:
            continue
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_create(
    *, actor: Any, username: str, password: str, display_name: str = "",
    must_change_password: bool = True, is_staff: bool = False,
) -> User:
    """Create a login with a temporary password that must be changed at first sign-in."""
    _require_security_admin(actor)
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_(ERR_USERNAME_REQUIRED)]
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = [_(ERR_USERNAME_INVALID)]
        if User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_(ERR_USERNAME_TAKEN).format(username=username)]
    if errors:
        raise ApplicationError(_("账号信息有误，请按提示修改。"), errors=errors)
    user = User(username=username, display_name=(display_name or "").strip()[:100], is_staff=is_staff)
    _validate_password(password, user, "password")
    user.set_password(password)
    user.must_change_password = must_change_password
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        ACTION_USER_CREATED, obj=user, actor=actor,
        changes={"username": username, "display_name": user.display_name,
                 "must_change_password": must_change_password},
    )
    return user


@transaction.atomic
def user_disable(*, actor: Any, user: User) -> User:
    """Disable a login: it can no longer sign in, its sessions and API tokens end at once."""
    _require_security_admin(actor)
    _refuse_self(actor, user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions_end_for_user(user)
    tokens, _unused = Token.objects.filter(user=user).delete()
    audit.record(ACTION_USER_DISABLED, obj=user, actor=actor,
                 changes={"sessions_ended": ended, "tokens_revoked": tokens})
    return user


@transaction.atomic
def user_enable(*, actor: Any, user: User) -> User:
    _require_security_admin(actor)
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit.record(ACTION_USER_ENABLED, obj=user, actor=actor)
    return user


@transaction.atomic
def user_unlock(*, actor: Any, user: User) -> int:
    """Lift a login lockout (django-axes) for this username before its 30 minutes are over."""
    _require_security_admin(actor)
    cleared = axes_reset(username=user.username)
    audit.record(ACTION_USER_UNLOCKED, obj=user, actor=actor, changes={"attempts_cleared": cleared})
    return cleared


@transaction.atomic
def user_reset_password(*, actor: Any, user: User, password: str) -> User:
    """Set a temporary password; the user must change it at next sign-in. Sessions end."""
    _require_security_admin(actor)
    _refuse_self(actor, user)
    _validate_password(password, user, "password")
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    ended = sessions_end_for_user(user)
    audit.record(ACTION_PASSWORD_RESET, obj=user, actor=actor, changes={"sessions_ended": ended})
    return user


@transaction.atomic
def user_reset_2fa(*, actor: Any, user: User) -> int:
    """Remove the user's TOTP devices (a lost phone); they enrol again at next sign-in."""
    _require_security_admin(actor)
    _refuse_self(actor, user)
    removed, _unused = SealedTOTPDevice.objects.filter(user=user).delete()
    ended = sessions_end_for_user(user)
    audit.record(ACTION_2FA_RESET, obj=user, actor=actor,
                 changes={"devices_removed": removed, "sessions_ended": ended})
    return removed


def user_role_grant(
    *, actor: Any, user: User, role: str, organization: Organization | None = None
) -> Membership:
    """Give ``user`` a role (三权分立 enforced by orgs); nobody grants roles to themselves."""
    _require_security_admin(actor)
    _refuse_self(actor, user)
    if role not in Membership.Role.values:
        raise ApplicationError(_(ERR_ROLE_UNKNOWN).format(role=role), field="role")
    return membership_grant(actor=actor, user=user, role=role, organization=organization)


def user_role_revoke(*, actor: Any, membership: Membership) -> None:
    _require_security_admin(actor)
    _refuse_self(actor, membership.user)
    membership_revoke(actor=actor, membership=membership)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> User:
    """A user changes their own password (also when it expired or was set by an administrator).

    The new password hash changes the session hash, so every other session of the user ends.
    """
    if not user.check_password(old_password):
        raise ApplicationError(_(ERR_OLD_PASSWORD), field="old_password")
    if old_password == new_password:
        raise ApplicationError(_(ERR_SAME_PASSWORD), field="new_password1")
    _validate_password(new_password, user, "new_password1")
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit.record(ACTION_PASSWORD_CHANGED, obj=user, actor=user)
    return user


@transaction.atomic
def totp_enrol_start(*, user: User) -> SealedTOTPDevice:
    """The unconfirmed TOTP device the user is to scan: the pending one, or a new secret."""
    if SealedTOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ApplicationError(_(ERR_TOTP_ALREADY))
    pending = SealedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if pending is not None:
        try:
            pending.bin_key  # noqa: B018 - its secret must still decrypt (a field key may be gone)
        except DecryptionError:
            logger.error("TOTP device %s of user %s: the secret does not decrypt; a new one is issued",
                         pending.pk, user.pk)
            pending.delete()
        else:
            return pending
    return SealedTOTPDevice.create_for(user=user, name=DEVICE_NAME)


def _verify(device: SealedTOTPDevice, token: str) -> bool:
    token = (token or "").strip().replace(" ", "")
    if not (token.isdigit() and len(token) == device.digits):
        return False
    try:
        return bool(device.verify_token(token))
    except DecryptionError:
        # A field key removed too early, or a secret altered in the database: no code can
        # match. Counted as a failure (throttling); the security administrator resets 2FA.
        logger.error("TOTP device %s of user %s: the secret does not decrypt", device.pk, device.user_id)
        device.throttle_increment(commit=True)
        return False


def totp_enrol_confirm(*, user: User, token: str) -> SealedTOTPDevice:
    """Confirm the pending device with a code from the authenticator app."""
    with transaction.atomic():
        device = (
            SealedTOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False).order_by("-pk").first()
        )
        ok = device is not None and _verify(device, token)
        if ok and device is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(ACTION_2FA_ENROLLED, obj=user, actor=user)
        else:
            audit.record(ACTION_2FA_FAILED, obj=user, actor=user,
                         outcome=AuditEntry.Outcome.FAILURE, changes={"step": "enrol"})
    # Failures are committed (throttling and the audit entry must stay), then reported.
    if not ok or device is None:
        raise ApplicationError(_(ERR_TOTP_CODE), field="token")
    return device


def totp_verify(*, user: User, token: str) -> SealedTOTPDevice:
    """Check a code after the password. Each code works once (its time step is remembered),
    and repeated failures slow further attempts down (django-otp throttling)."""
    with transaction.atomic():
        device = (
            SealedTOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True).order_by("pk").first()
        )
        ok = device is not None and _verify(device, token)
        audit.record(
            ACTION_2FA_VERIFIED if ok else ACTION_2FA_FAILED, obj=user, actor=user,
            outcome=AuditEntry.Outcome.SUCCESS if ok else AuditEntry.Outcome.FAILURE,
        )
    if not ok or device is None:
        raise ApplicationError(_(ERR_TOTP_CODE), field="token")
    return device


@transaction.atomic
def admin_account_create(
    *, username: str, password: str, role: str, display_name: str = ""
) -> User:
    """For ``gongjiang createadmin``: a NAMED administrator (no default accounts ship)."""
    if role not in roles.SEPARATED_ADMIN_ROLES:
        raise ApplicationError(_(ERR_ROLE_UNKNOWN).format(role=role), field="role")
    user = user_create(
        actor=None, username=username, password=password, display_name=display_name,
        must_change_password=False, is_staff=role == Membership.Role.PLATFORM_ADMIN,
    )
    membership_grant(actor=None, user=user, role=role)
    return user


# A verification whose job has not reported progress for this long is taken to have died
# with its worker: the next request marks it failed and starts a new one.
VERIFICATION_STALE_AFTER = dt.timedelta(minutes=15)
ERR_VERIFICATION_FAILED = gettext_noop("校验时出错（{detail}），请查看服务日志。")
ERR_VERIFICATION_STALLED = gettext_noop("校验任务中断（后台任务进程可能已停止），已重新发起。")


def audit_verification_start(*, actor: Any) -> AuditVerification:
    """Start checking the audit chain in the background (the audit administrator's button).

    One verification at a time: while one is queued or running, asking again returns it.
    """
    require_audit_admin(actor)
    with transaction.atomic():
        current = (AuditVerification.objects.select_for_update()
                   .filter(status__in=[AuditVerification.Status.QUEUED, AuditVerification.Status.RUNNING])
                   .order_by("-id").first())
        if current is not None:
            if current.updated_at >= timezone.now() - VERIFICATION_STALE_AFTER:
                return current
            current.status, current.finished_at = AuditVerification.Status.FAILED, timezone.now()
            current.error = _(ERR_VERIFICATION_STALLED)
            current.save(update_fields=["status", "finished_at", "error", "updated_at"])
        verification = AuditVerification.objects.create(requested_by=actor)
    tasks.enqueue_audit_verification(verification)
    verification.refresh_from_db()
    return verification


def audit_verification_run(*, verification_id: int) -> AuditVerification | None:
    """The background job: verify the chain, reporting progress on the verification's row.

    Does nothing for a verification that is not queued (a job delivered twice)."""
    with transaction.atomic():
        verification = (AuditVerification.objects.select_for_update()
                        .filter(pk=verification_id, status=AuditVerification.Status.QUEUED).first())
        if verification is None:
            return None
        verification.status, verification.started_at = AuditVerification.Status.RUNNING, timezone.now()
        verification.save(update_fields=["status", "started_at", "updated_at"])

    def progress(checked: int, total: int) -> None:
        AuditVerification.objects.filter(pk=verification_id).update(
            checked=checked, total=total, updated_at=timezone.now())

    try:
        result = auditchain.run_verification(actor=verification.requested_by, progress=progress)
    except Exception as exc:  # recorded on the row for the page; the details go to the log
        logger.exception("audit verification %s failed", verification_id)
        verification.status, verification.finished_at = AuditVerification.Status.FAILED, timezone.now()
        detail = f"{type(exc).__name__}: {exc}"[:1800]
        verification.error = _(ERR_VERIFICATION_FAILED).format(detail=detail)
        verification.save(update_fields=["status", "finished_at", "error", "updated_at"])
        return verification
    verification.status, verification.finished_at = AuditVerification.Status.DONE, timezone.now()
    verification.checked = verification.total = result.checked
    verification.ok, verification.head, verification.unsealed = result.ok, result.head, result.unsealed
    verification.problems = [
        {"code": p.code, "seq": p.seq, "entry_id": p.entry_id, "message": p.message}
        for p in result.problems[: AuditVerification.PROBLEMS_KEPT]
    ]
    verification.problems_total = len(result.problems)
    verification.save()
    return verification


def rotate_totp_keys(*, batch_size: int = 1000) -> int:
    """Re-encrypt TOTP secrets written under an old field key with the active key (a
    ``FIELD_KEY_ROTATORS`` entry, run by ``gongjiang rotate_keys``)."""
    return keyrotation.reencrypt(
        SealedTOTPDevice.objects.all(), action="accounts.totp.keys_rotated", batch_size=batch_size,
        fields={"key_encrypted": lambda device: key_associated_data(device.user_id)},
    )
