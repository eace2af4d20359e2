"""Import jobs: create, validate (pass 1), commit (pass 2), roll back, cancel, sweep.

Each user-visible step is one function. Commit and rollback are single transactions that also
write the job's audit entry; a failure or a killed worker leaves the registry untouched (the
job row then still says "导入中" and :func:`import_jobs_sweep` marks it failed).

Audit: one entry per job event (uploaded, committed with counts, rolled back, cancelled)
rather than one per imported row — a million audit rows would double the cost of an import
and say nothing the job's :class:`ImportRecord` rows do not (every created id, every changed
record with its values before). See docs/imports.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop  # marks the messages below; shown through gettext

from gongjiang.core import audit, context
from gongjiang.core.exceptions import ApplicationError, PermissionDeniedError
from gongjiang.core.text import clauses
from gongjiang.imports import bulkwrite, pipeline, safety
from gongjiang.imports.entities.base import Entity, ImportContext, WriteResult, get_entity
from gongjiang.imports.models import ImportJob, ImportRecord, ImportRowError
from gongjiang.orgs.scope import scope_for

logger = logging.getLogger(__name__)

ERR_NOT_VALIDATED = gettext_noop("只有“校验完成，待确认”的任务可以确认导入（当前：{status}）。")
ERR_HAS_ERRORS = gettext_noop("文件中有 {count} 行错误。请修改后重新上传，或选择“导入正确的行，跳过有错的行”。")
ERR_NOTHING_TO_IMPORT = gettext_noop("没有可导入的正确行。")
ERR_NOT_COMMITTED = gettext_noop("只有已导入的任务可以撤销（当前：{status}）。")
ERR_ROLLBACK_CONFLICT = gettext_noop("不能撤销本次导入：{reasons}")
ERR_NOT_CANCELLABLE = gettext_noop("该任务已结束，不能取消。")
ERR_CONFLICT = gettext_noop("导入期间有人同时登记了文件中的部分记录（如同一证件号码），本次导入已全部撤回，数据库未作任何修改。请重新导入。")
ERR_WRITE_FAILED = gettext_noop("写入时出错，已全部撤回，数据库未作任何修改。")
ERR_FILES_GONE = gettext_noop("该任务的临时文件已清理（超过保留时间），请重新上传。")

MAX_STORED_ERRORS = 10_000
RECORD_BATCH = 5_000


def scratch_root() -> Path:
    return Path(getattr(settings, "IMPORT_SCRATCH_DIR", Path(settings.DATA_DIR) / "imports"))


def scratch_ttl() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "IMPORT_SCRATCH_TTL_HOURS", 24)))


def _job_dir(job: ImportJob) -> Path:
    return Path(job.scratch_dir)


def _upload_path(job: ImportJob) -> Path:
    return _job_dir(job) / ("upload" + Path(job.original_filename).suffix.lower())


def _spool_path(job: ImportJob) -> Path:
    return _job_dir(job) / "rows.spool"


def report_path(job: ImportJob) -> Path:
    return _job_dir(job) / "report.xlsx"


def progress_path(job: ImportJob) -> Path:
    return _job_dir(job) / "progress.json"


def _remove_files(job: ImportJob, *, keep_report: bool = False) -> None:
    """Delete the upload and working files (剩余信息保护); optionally keep the error report."""
    folder = _job_dir(job) if job.scratch_dir else None
    if folder is None or not folder.exists():
        return
    for path in folder.iterdir():
        if keep_report and path.name == "report.xlsx":
            continue
        path.unlink(missing_ok=True)
    if not any(folder.iterdir()):
        shutil.rmtree(folder, ignore_errors=True)


def _save(job: ImportJob, *fields: str) -> None:
    job.save(update_fields=[*fields, "updated_at"])


def import_job_create(
    *,
    actor: Any,
    entity: str,
    filename: str,
    source: Path | Any,
    mode: str = ImportJob.Mode.ATOMIC,
    dry_run: bool = False,
    limit_size: bool = True,
) -> ImportJob:
    """Check and store an upload (a path, or a file object such as an UploadedFile).

    Refuses with ApplicationError(field="file") when the file is unusable — too large, not
    what its name says, macro-bearing, a zip bomb — before anything parses it.
    """
    definition = get_entity(entity)
    definition.require_permission(actor)
    if mode not in ImportJob.Mode.values:
        raise ApplicationError(_("导入方式不正确。"), field="mode")
    size = getattr(source, "size", None)
    if size is not None and limit_size:
        try:
            safety.check_size(int(size))
            safety.kind_for_name(filename)
        except safety.UnusableFileError as exc:
            raise ApplicationError(exc.message, field="file", code=exc.code) from None
    import_jobs_sweep()
    job = ImportJob(
        entity=definition.name, mode=mode, dry_run=dry_run, original_filename=Path(filename).name[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        language=translation.get_language() or "",
    )
    folder = scratch_root() / job.public_id.hex
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    job.scratch_dir = str(folder)
    target = _upload_path(job)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        if isinstance(source, (str, Path)):
            with Path(source).open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
        else:
            chunks = source.chunks() if hasattr(source, "chunks") else iter(lambda: source.read(1 << 20), b"")
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
    try:
        checked = safety.check_file(target, filename=filename, limit_size=limit_size)
    except safety.UnusableFileError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        audit.record(
            "imports.job.refused", object_type="imports.importjob", object_repr=job.original_filename,
            changes={"entity": definition.name, "reason": exc.code}, outcome="denied", actor=actor,
        )
        raise ApplicationError(exc.message, field="file", code=exc.code) from None
    job.file_sha256 = digest.hexdigest()
    job.file_size = checked.size
    job.save()
    audit.record(
        "imports.job.uploaded", obj=job,
        changes={"entity": job.entity, "file": job.original_filename, "sha256": job.file_sha256,
                 "size": job.file_size, "mode": job.mode, "dry_run": job.dry_run},
        actor=actor,
    )
    return job


def import_job_start_pinned(
    *,
    actor: Any,
    entity: str,
    filename: str,
    source: Path | Any,
    pin: Callable[[ImportJob], Any],
    mode: str = ImportJob.Mode.ATOMIC,
    dry_run: bool = False,
) -> ImportJob:
    """An upload from a page that limits its job (an evaluation batch's, a competition round's):
    the job and ``pin(job)`` (the app's record of what it is limited to) are stored together,
    then the check is queued. The caller has checked who may start it."""
    from gongjiang.imports import tasks

    with transaction.atomic():
        job = import_job_create(actor=actor, entity=entity, filename=filename, source=source, mode=mode,
                                dry_run=dry_run)
        pin(job)
    tasks.enqueue_validation(job)
    return job


def _progress_writer(job: ImportJob) -> Callable[[str, int, int], None]:
    def write(phase: str, done: int, total: int) -> None:
        job.phase, job.progress_done, job.progress_total = phase, done, total
        ImportJob.objects.filter(pk=job.pk).update(phase=phase, progress_done=done, progress_total=total)

    return write


def _commit_progress_writer(job: ImportJob) -> Callable[[str, int, int], None]:
    """Progress of the write pass, in a small file beside the spool.

    The write pass is one transaction: an update of the job row made inside it stays invisible
    to the page polling it until the commit, and on SQLite no other connection may write while
    it runs. The scratch folder is shared by the web and worker processes already (the upload
    is stored there), so the progress goes there, replaced atomically.
    """
    target = progress_path(job)

    def write(phase: str, done: int, total: int) -> None:
        scratch = target.with_suffix(".tmp")
        scratch.write_text(json.dumps({"phase": phase, "done": done, "total": total}), encoding="utf-8")
        os.replace(scratch, target)

    return write


def _context_for(job: ImportJob, actor: Any = None) -> ImportContext:
    return ImportContext(actor=actor if actor is not None else job.created_by, job_ref=f"imports:{job.public_id}")


def import_job_validate(*, job: ImportJob, actor: Any = None, progress: Callable[[str, int, int], None] | None = None) -> ImportJob:
    """Pass 1: read and check every row; store the errors; spool the valid rows."""
    entity = get_entity(job.entity)
    if job.status not in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING):
        return job
    job.status, job.started_at = ImportJob.Status.VALIDATING, timezone.now()
    _save(job, "status", "started_at")
    upload = _upload_path(job)
    if not upload.exists():
        return _fail(job, "files_gone", _(ERR_FILES_GONE))
    ctx = _context_for(job, actor)
    writer = progress or _progress_writer(job)
    try:
        with context.acting_as(ctx.actor):
            checked = safety.check_file(upload, filename=job.original_filename, limit_size=False)
            result = pipeline.validate_file(
                entity=entity, checked=checked, ctx=ctx, spool_path=_spool_path(job), progress=writer,
                max_errors=MAX_STORED_ERRORS,
            )
    except safety.UnusableFileError as exc:
        return _fail(job, exc.code, str(exc.message))
    _store_validation(job, result, checked)
    job.status = ImportJob.Status.VALIDATED
    job.finished_at = timezone.now()
    job.save()
    # The valid rows are spooled and the error report built: the upload itself is not needed
    # any more, so it does not wait on disk for the user to confirm. A dry run can never be
    # confirmed, so its spooled rows go too; only the error report stays.
    upload.unlink(missing_ok=True)
    if job.dry_run:
        _remove_files(job, keep_report=True)
    return job


def _store_validation(job: ImportJob, result: pipeline.Validation, checked: safety.CheckedFile) -> None:
    """Pass 1's outcome on the job (counts, preview), its errors, and the annotated error report."""
    job.sheet_name = result.sheet_name[:100]
    job.header_row = result.header_row
    job.rows_total, job.rows_ok, job.rows_failed = result.rows_total, result.rows_ok, result.rows_failed
    job.errors_total = result.errors_total
    job.summary = result.summary()
    ImportRowError.objects.filter(job=job).delete()
    ImportRowError.objects.bulk_create(
        [ImportRowError(job=job, row=e.row, column=e.header[:100], column_letter=e.letter, code=e.code[:40],
                        message=e.message) for e in result.errors],
        batch_size=1000,
    )
    if result.errors_total:
        from gongjiang.imports.reports import build_error_workbook

        try:
            build_error_workbook(job=job, checked=checked, errors=result.errors, target=report_path(job),
                                 failed_rows=set(result.failed_rows))
            job.has_report = True
        except safety.UnusableFileError:
            job.has_report = False


def _fail(job: ImportJob, code: str, message: str) -> ImportJob:
    job.status = ImportJob.Status.FAILED
    job.error_code, job.error_message = code[:40], message
    job.finished_at = timezone.now()
    job.save()
    _remove_files(job)
    return job


class RecordWriter:
    """Writes the undo records (ImportRecord) of a job's write batches, inside its transaction.

    A record of created objects holds up to ``RECORD_BATCH`` keys: the keys of consecutive
    write batches (1,000 rows each) are gathered and stored together, one insert per
    ``RECORD_BATCH`` keys instead of one per batch. An update record — and the end of the
    writes, :meth:`flush` — first stores what is gathered, so the records keep the order of
    the writes.
    """

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self._created: dict[str, list[int]] = {}

    def add(self, written: WriteResult) -> None:
        for label, pks in written.created.items():
            self._created.setdefault(label, []).extend(pks)
        if written.updated:
            self.flush()
            ImportRecord.objects.bulk_create([
                ImportRecord(job=self.job, model=label, action=ImportRecord.Action.UPDATED, object_ids=[pk],
                             before=audit._jsonable(before))
                for label, pk, before in written.updated
            ], batch_size=500)
        elif any(len(pks) >= RECORD_BATCH for pks in self._created.values()):
            self.flush()

    def flush(self) -> None:
        if not self._created:
            return
        records = [
            ImportRecord(job=self.job, model=label, action=ImportRecord.Action.CREATED,
                         object_ids=pks[start : start + RECORD_BATCH])
            for label, pks in self._created.items()
            for start in range(0, len(pks), RECORD_BATCH)
        ]
        self._created = {}
        ImportRecord.objects.bulk_create(records, batch_size=500)


def _can_manage(actor: Any, job: ImportJob) -> bool:
    if actor is None:
        return True
    if job.created_by_id == getattr(actor, "pk", None):
        return True
    from gongjiang.orgs.models import Membership

    return scope_for(actor).has_role(Membership.Role.PLATFORM_ADMIN)


def import_job_queue_commit(*, job: ImportJob, actor: Any, partial: bool | None = None) -> ImportJob:
    """The user confirmed a validated job: check it may be written and mark it queued.

    The writing itself (:func:`import_job_commit`) runs as a background job; this refuses at
    once, with a message, anything that job would refuse.
    """
    if actor is not None and not _can_manage(actor, job):
        raise PermissionDeniedError()
    if job.status != ImportJob.Status.VALIDATED or job.dry_run:
        raise ApplicationError(_(ERR_NOT_VALIDATED).format(status=job.get_status_display()))
    if partial is not None:
        job.mode = ImportJob.Mode.PARTIAL if partial else ImportJob.Mode.ATOMIC
    if job.rows_failed and job.mode == ImportJob.Mode.ATOMIC:
        raise ApplicationError(_(ERR_HAS_ERRORS).format(count=job.rows_failed))
    if not job.rows_ok:
        raise ApplicationError(_(ERR_NOTHING_TO_IMPORT))
    if not _spool_path(job).exists():
        raise ApplicationError(_(ERR_FILES_GONE))
    job.status = ImportJob.Status.COMMITTING
    job.phase, job.progress_done, job.progress_total = "queued", 0, job.rows_ok
    job.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    _save(job, "status", "mode", "phase", "progress_done", "progress_total", "confirmed_by")
    return job


def import_job_commit(
    *, job: ImportJob, actor: Any = None, partial: bool | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportJob:
    """Pass 2: write the validated rows in one transaction (all of them, or the valid ones)."""
    if job.status != ImportJob.Status.COMMITTING:
        job = import_job_queue_commit(job=job, actor=actor, partial=partial)
    actor = actor if actor is not None else job.confirmed_by
    spool = _spool_path(job)
    if not spool.exists():
        return _fail(job, "files_gone", _(ERR_FILES_GONE))
    entity = get_entity(job.entity)
    ctx = _context_for(job)
    writer = progress or _commit_progress_writer(job)
    try:
        with context.acting_as(ctx.actor), transaction.atomic(), bulkwrite.tuned_for_bulk():
            records = RecordWriter(job)
            counts = pipeline.write_spool(
                entity=entity, spool_path=spool, ctx=ctx, total=job.rows_ok, progress=writer, on_batch=records.add,
            )
            records.flush()
            _mark_committed(job, counts, actor)
    except Exception as exc:
        mark_write_failed(job, exc)
        raise
    _remove_files(job, keep_report=True)
    return job


def mark_write_failed(job: ImportJob, exc: Exception) -> None:
    """After the write transaction rolled back: the job failed, saying why; its files go."""
    job.status = ImportJob.Status.FAILED
    if isinstance(exc, IntegrityError):  # an expected race, not a bug: one line, no traceback
        logger.warning("import job %s lost a race for the same record and was rolled back: %s", job.pk, exc)
        job.error_code, job.error_message = "conflict", _(ERR_CONFLICT)
    else:
        logger.error("import job %s failed while writing", job.pk, exc_info=exc)
        job.error_code, job.error_message = "write_failed", _(ERR_WRITE_FAILED)
    job.finished_at = timezone.now()
    job.save()
    _remove_files(job, keep_report=True)


def _mark_committed(job: ImportJob, counts: dict[str, int], actor: Any) -> None:
    """Inside the write transaction: the job is committed, with its counts and audit entry."""
    job.rows_created, job.rows_updated, job.rows_unchanged = counts["created"], counts["updated"], counts["unchanged"]
    job.status = ImportJob.Status.COMMITTED
    job.committed_at = job.finished_at = timezone.now()
    job.progress_done = job.progress_total = job.rows_ok
    job.phase = "done"
    job.save()
    audit.record(
        "imports.job.committed", obj=job, actor=actor,
        changes={"entity": job.entity, "file": job.original_filename, "sha256": job.file_sha256,
                 "mode": job.mode, "rows_total": job.rows_total, "rows_failed": job.rows_failed,
                 "created": job.rows_created, "updated": job.rows_updated, "unchanged": job.rows_unchanged},
    )


def import_job_rollback(*, job: ImportJob, actor: Any) -> ImportJob:
    """Undo a committed import as a whole: delete what it created, restore what it changed."""
    if actor is not None and not _can_manage(actor, job):
        raise PermissionDeniedError()
    if job.status != ImportJob.Status.COMMITTED:
        raise ApplicationError(_(ERR_NOT_COMMITTED).format(status=job.get_status_display()))
    entity: Entity = get_entity(job.entity)
    ctx = _context_for(job, actor)
    with context.acting_as(ctx.actor), transaction.atomic():
        records = list(ImportRecord.objects.filter(job=job).order_by("id"))
        conflicts = entity.rollback_conflicts(records=records, since=job.committed_at) if hasattr(entity, "rollback_conflicts") else []
        if conflicts:
            audit.record("imports.job.rolled_back", obj=job, outcome="denied", changes={"reasons": conflicts}, actor=actor)
            raise ApplicationError(_(ERR_ROLLBACK_CONFLICT).format(reasons=clauses(conflicts)))
        counts = entity.rollback(records=records, ctx=ctx)
        job.status = ImportJob.Status.ROLLED_BACK
        job.rolled_back_at = timezone.now()
        job.rolled_back_by = actor if getattr(actor, "is_authenticated", False) else None
        job.save()
        audit.record("imports.job.rolled_back", obj=job, changes={"entity": job.entity, **counts}, actor=actor)
    return job


def import_job_cancel(*, job: ImportJob, actor: Any) -> ImportJob:
    if actor is not None and not _can_manage(actor, job):
        raise PermissionDeniedError()
    if job.status not in (ImportJob.Status.PENDING, ImportJob.Status.VALIDATED):
        raise ApplicationError(_(ERR_NOT_CANCELLABLE))
    job.status = ImportJob.Status.CANCELLED
    job.finished_at = timezone.now()
    job.save()
    _remove_files(job)
    audit.record("imports.job.cancelled", obj=job, changes={"entity": job.entity}, actor=actor)
    return job


def import_jobs_sweep(*, now: dt.datetime | None = None) -> int:
    """Expire stale jobs and delete their files: validated but never confirmed, stuck
    half-way (a killed worker), or finished with a report kept past the retention time."""
    now = now or timezone.now()
    limit = now - scratch_ttl()
    swept = 0
    for job in ImportJob.objects.filter(updated_at__lt=limit).exclude(scratch_dir="")[:200]:
        if job.status == ImportJob.Status.VALIDATED:
            job.status = ImportJob.Status.CANCELLED
        elif job.status in ImportJob.ACTIVE_STATUSES:
            job.status = ImportJob.Status.FAILED
            job.error_code = "stale"
            job.error_message = _("任务中断（进程退出或超时），未写入任何数据。")
        _remove_files(job)
        job.scratch_dir = ""
        job.has_report = False
        job.save()
        swept += 1
    return swept


def run_import(
    *,
    actor: Any,
    entity: str,
    path: Path,
    mode: str = ImportJob.Mode.ATOMIC,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    limit_size: bool = False,
) -> ImportJob:
    """Create, validate and (unless a dry run or refused) commit, in this process (the CLI).

    A large file is checked and written side by side (:mod:`gongjiang.imports.streaming`),
    with the same outcome as the two passes in turn.
    """
    job = import_job_create(actor=actor, entity=entity, filename=path.name, source=path, mode=mode,
                            dry_run=dry_run, limit_size=limit_size)
    if not dry_run:
        from gongjiang.imports import streaming

        if streaming.can_stream(job):
            try:
                return streaming.run_streamed(job=job, actor=actor, progress=progress)
            except Exception:  # recorded on the job (and logged with its traceback)
                job.refresh_from_db()
                return job
    job = import_job_validate(job=job, actor=actor, progress=progress)
    if job.status != ImportJob.Status.VALIDATED or dry_run:
        if job.status == ImportJob.Status.VALIDATED:
            _remove_files(job, keep_report=True)
        return job
    if job.rows_failed and mode == ImportJob.Mode.ATOMIC:
        job.status = ImportJob.Status.REJECTED
        job.finished_at = timezone.now()
        job.save()
        _remove_files(job, keep_report=True)
        audit.record("imports.job.rejected", obj=job, changes={"entity": job.entity, "rows_failed": job.rows_failed},
                     actor=actor)
        return job
    if not job.rows_ok:
        _remove_files(job, keep_report=True)
        return job
    try:
        return import_job_commit(job=job, actor=actor, progress=progress)
    except Exception:  # recorded on the job (and logged with its traceback): the caller reports it
        job.refresh_from_db()
        return job
