"""Import jobs: what was uploaded, how far it got, what it found, and what it changed.

An :class:`ImportJob` is the job row of a user-visible background job (STYLE.md rule 24). Its
row errors are :class:`ImportRowError` rows (capped per job). What a committed job created or
changed is kept in :class:`ImportRecord` rows — created objects by primary key, in batches, and
each changed object with its values before the import — which is what rolling a job back
replays. The upload itself and the working files live in a scratch folder that is removed when
the job ends.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongjiang.core.models import BaseModel


class ImportJob(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        VALIDATING = "validating", _("校验中")
        VALIDATED = "validated", _("校验完成，待确认")
        COMMITTING = "committing", _("导入中")
        COMMITTED = "committed", _("已导入")
        REJECTED = "rejected", _("有错误，未导入")
        FAILED = "failed", _("文件无法导入")
        CANCELLED = "cancelled", _("已取消")
        ROLLED_BACK = "rolled_back", _("已撤销")

    class Mode(models.TextChoices):
        ATOMIC = "atomic", _("全部正确才导入")
        PARTIAL = "partial", _("导入正确的行，跳过有错的行")

    ACTIVE_STATUSES = (Status.PENDING, Status.VALIDATING, Status.COMMITTING)

    public_id = models.UUIDField(_("任务编号"), default=uuid.uuid4, unique=True, editable=False)
    entity = models.CharField(_("导入内容"), max_length=40, db_index=True)
    mode = models.CharField(_("导入方式"), max_length=10, choices=Mode.choices, default=Mode.ATOMIC)
    dry_run = models.BooleanField(_("仅校验"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    original_filename = models.CharField(_("文件名"), max_length=255)
    file_sha256 = models.CharField(_("文件摘要"), max_length=64, blank=True)
    file_size = models.BigIntegerField(_("文件大小"), default=0)
    language = models.CharField(
        _("语言"), max_length=16, blank=True, default="",
        help_text=_("提交人当时使用的界面语言：后台校验时，行错误和错误报告都用这种语言写出。"),
    )
    scratch_dir = models.CharField(max_length=500, blank=True, editable=False)
    sheet_name = models.CharField(_("工作表"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("表头所在行"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("数据行数"), default=0)
    rows_ok = models.PositiveIntegerField(_("正确行数"), default=0)
    rows_failed = models.PositiveIntegerField(_("错误行数"), default=0)
    rows_created = models.PositiveIntegerField(_("新增"), default=0)
    rows_updated = models.PositiveIntegerField(_("更新"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    errors_total = models.PositiveIntegerField(_("错误数"), default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=20, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.TextField(_("错误说明"), blank=True)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)
    has_report = models.BooleanField(default=False)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    committed_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.entity} · {self.original_filename} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def progress_percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, int(self.progress_done * 100 / self.progress_total))


class ImportRowError(models.Model):
    """One problem in one cell (or row) of an import file."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("行"))
    column = models.CharField(_("列"), max_length=100, blank=True)
    column_letter = models.CharField(max_length=4, blank=True)
    code = models.CharField(_("错误代码"), max_length=40)
    message = models.TextField(_("错误说明"))

    class Meta:
        verbose_name = _("导入错误")
        verbose_name_plural = _("导入错误")
        ordering = ["row", "id"]
        indexes = [models.Index(fields=["job", "row"], name="imports_rowerror_job_row_idx")]

    def __str__(self) -> str:
        return f"{self.row} {self.column}: {self.message}"


class ImportRecord(models.Model):
    """What a committed import did to one model: created objects (many per record) or one
    changed object with its values before the change."""

    class Action(models.TextChoices):
        CREATED = "created", _("新增")
        UPDATED = "updated", _("更新")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="records")
    model = models.CharField(max_length=100)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_ids = models.JSONField(default=list)
    before = models.JSONField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("导入变更记录")
        verbose_name_plural = _("导入变更记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.job_id} {self.model} {self.action} {len(self.object_ids)}"
