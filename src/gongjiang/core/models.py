from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


# django-stubs cannot type User.sealedtotpdevice_set: the device's manager is django-otp's,
# which ships no type information.
class User(AbstractUser):  # type: ignore[django-manager-missing]
    """A login. Roles come from memberships (orgs.Membership); a worker's login links to a Person."""

    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        # The password's age drives expiry (PASSWORD_MAX_AGE_DAYS); callers save the user.
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Bulk changes are refused like single ones; retention purging is core.retention's job."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit entries are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """An append-only record of who did what, when, from where, to which object.

    Entries are written by services inside the same transaction as the change they describe.
    They cannot be changed or deleted through the platform: ``save`` refuses updates and
    ``delete`` refuses outright; on PostgreSQL a trigger refuses UPDATE and DELETE as well.
    """

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("成功")
        DENIED = "denied", _("拒绝")
        FAILURE = "failure", _("失败")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "core.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit entries cannot be deleted.")


class AuditSealQuerySet(models.QuerySet["AuditSeal"]):
    """Seals are appended by ``core.auditchain`` and removed only by the retention purge."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("Audit seals are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit seals cannot be deleted.")


class AuditSeal(models.Model):
    """One link of the audit log's HMAC chain: entry ``seq`` sealed after entry ``seq - 1``.

    ``mac`` is HMAC(chain key, previous mac, seq, the entry's content). Changing an entry's
    content breaks its mac; removing an entry and its seal leaves a gap in ``seq``; neither can
    be repaired without the key. Entries are sealed in the order their transactions committed
    (``core.auditchain.seal_pending``), which is why the chain has its own sequence.
    """

    seq = models.PositiveBigIntegerField(_("链序号"), primary_key=True)
    entry = models.OneToOneField(
        AuditEntry, verbose_name=_("审计记录"), on_delete=models.PROTECT, related_name="seal"
    )
    algorithm = models.CharField(_("算法"), max_length=16)
    mac = models.CharField(_("校验值"), max_length=64)
    sealed_at = models.DateTimeField(_("封存时间"), default=timezone.now)

    objects = AuditSealQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计链封存")
        verbose_name_plural = _("审计链封存")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.mac[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit seals are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit seals cannot be deleted.")


class AuditVerification(models.Model):
    """One run of the audit chain's verification, started by the audit administrator and run
    as a background job (``core.tasks.audit_verify_task``), so that a log of millions of
    entries is checked without holding a request open; its page shows the progress. The
    outcome is also in the audit log itself (``core.audit.verified``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在校验")
        DONE = "done", _("已完成")
        FAILED = "failed", _("出错")

    requested_by = models.ForeignKey(
        User, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    checked = models.PositiveBigIntegerField(_("已校验"), default=0)
    total = models.PositiveBigIntegerField(_("封存总数"), default=0)
    ok = models.BooleanField(_("链完好"), null=True, blank=True)
    head = models.CharField(_("链头"), max_length=100, blank=True)
    unsealed = models.PositiveBigIntegerField(_("未封存"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)  # the first PROBLEMS_KEPT
    problems_total = models.PositiveIntegerField(_("问题数"), default=0)
    error = models.TextField(_("出错原因"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)  # progress; a stalled job shows here

    PROBLEMS_KEPT = 200

    class Meta:
        verbose_name = _("审计链校验")
        verbose_name_plural = _("审计链校验")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def seconds_taken(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def percent(self) -> int:
        return min(100, self.checked * 100 // self.total) if self.total else 0
