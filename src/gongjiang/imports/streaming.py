"""The streamed import: check and write at the same time, on two cores.

:func:`services.run_import` (the CLI) normally runs pass 1 (check every row, spool the valid
ones) to the end and then pass 2 (write the spool in one transaction). On a large file this
module runs them side by side instead: a forked child process runs pass 1 and hands each
checked batch to the parent through a pipe, and the parent writes the batch at once, inside
one transaction that it commits only when the child reports the whole file checked — and, in
all-or-nothing mode, free of errors. The database sees exactly what the two passes would
have written: nothing until the commit; nothing at all if a row is wrong, if the file turns
out unusable, or if either process dies (the transaction never commits).

Checking is Python work; writing is mostly the database's (SQLite's B-trees, PostgreSQL's
server process). Side by side, an import takes about as long as the longer of the two instead
of their sum.

Used only where a fork is safe and helps: on POSIX, from a process with one thread, outside
any transaction (the child opens its own connection, which must see what the parent sees),
not on an in-memory SQLite database, for files of at least ``STREAM_MIN_BYTES``, and unless
the setting ``IMPORT_STREAMING`` is off. Otherwise :func:`services.run_import` runs the two
passes in turn. The web flow always runs them in turn: its user looks at the check's result
before confirming.
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

try:
    import fcntl
except ImportError:  # not POSIX: nothing is streamed there anyway (can_stream)
    fcntl = None  # type: ignore[assignment]

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from gongjiang.core import audit, context
from gongjiang.imports import bulkwrite, pipeline, safety
from gongjiang.imports.entities.base import get_entity
from gongjiang.imports.models import ImportJob

logger = logging.getLogger(__name__)

STREAM_MIN_BYTES = 256 * 1024

# Messages from the checking child: one tag byte, then the body.
_ROWS, _PROGRESS, _DONE, _UNUSABLE, _CRASHED = b"R", b"P", b"D", b"U", b"X"


class _Stop(Exception):
    """Leave the transaction without committing (the import is refused, not failed)."""


class ChildFailedError(RuntimeError):
    """The checking process died or crashed; nothing was written."""


def can_stream(job: ImportJob) -> bool:
    if not getattr(settings, "IMPORT_STREAMING", True) or os.name != "posix":
        return False
    if job.file_size < STREAM_MIN_BYTES or threading.active_count() != 1:
        return False
    if connection.in_atomic_block:
        return False
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict.get("NAME", ""))
        if ":memory:" in name or "mode=memory" in name:
            return False
    return connection.vendor in ("sqlite", "postgresql")


def run_streamed(
    *, job: ImportJob, actor: Any, progress: Callable[[str, int, int], None] | None = None,
) -> ImportJob:
    """Check and write ``job``'s upload side by side (see the module text)."""
    from gongjiang.imports import services

    entity = get_entity(job.entity)
    report = progress or (lambda phase, done, total: None)
    job.status, job.started_at = ImportJob.Status.COMMITTING, timezone.now()
    job.phase, job.progress_done, job.progress_total = "validating", 0, 0
    job.save(update_fields=["status", "started_at", "phase", "progress_done", "progress_total", "updated_at"])

    # The child must not share the parent's database connection: close it here (the parent
    # reconnects on its next query) so that each process opens its own.
    connections.close_all()
    mp = multiprocessing.get_context("fork")
    receiver, sender = mp.Pipe(duplex=False)
    _widen(sender)
    child = mp.Process(target=_check_in_child, args=(job, actor, sender, receiver), daemon=True,
                       name=f"gongjiang-import-check-{job.pk}")
    child.start()
    sender.close()

    ctx = services._context_for(job, actor)
    ctx.streamed = True
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    result: pipeline.Validation | None = None
    unusable: tuple[str, str] | None = None
    written, estimated = 0, 0
    try:
        with context.acting_as(ctx.actor), pipeline.gc_paused(), transaction.atomic(), bulkwrite.tuned_for_bulk():
            records = services.RecordWriter(job)
            while True:
                try:
                    message = receiver.recv_bytes()
                except EOFError:
                    raise ChildFailedError("the checking process ended without a result") from None
                tag, body = message[:1], message[1:]
                if tag == _ROWS:
                    payloads = marshal.loads(body)
                    for start in range(0, len(payloads), pipeline.BATCH_SIZE):
                        batch_result = entity.write(payloads[start : start + pipeline.BATCH_SIZE], ctx)
                        for key, value in batch_result.counts.items():
                            counts[key] = counts.get(key, 0) + value
                        records.add(batch_result)
                    written += len(payloads)
                    report("writing", written, max(estimated, written))
                elif tag == _PROGRESS:
                    phase, done, estimated = marshal.loads(body)
                    if not written:
                        report(phase, done, estimated)
                elif tag == _DONE:
                    result = pickle.loads(body)  # noqa: S301 - from our own forked child
                    break
                elif tag == _UNUSABLE:
                    unusable = marshal.loads(body)
                    raise _Stop
                else:
                    raise ChildFailedError(body.decode("utf-8", "replace"))
            assert result is not None
            if (result.rows_failed and job.mode == ImportJob.Mode.ATOMIC) or not result.rows_ok:
                raise _Stop
            records.flush()
            checked = safety.check_file(services._upload_path(job), filename=job.original_filename, limit_size=False)
            services._store_validation(job, result, checked)
            job.summary = {**job.summary, "streamed": True}
            services._mark_committed(job, counts, actor)
    except _Stop:
        pass
    except Exception as exc:
        services.mark_write_failed(job, exc)
        raise
    finally:
        receiver.close()
        child.join(timeout=30)
        if child.is_alive():
            child.kill()
            child.join()
    if unusable is not None:
        return services._fail(job, unusable[0], unusable[1])
    assert result is not None
    if job.status == ImportJob.Status.COMMITTED:
        services._remove_files(job, keep_report=True)
        return job
    # Refused (errors in all-or-nothing mode) or nothing valid: nothing was written; record
    # the check's outcome exactly as the two-pass import does.
    checked = safety.check_file(services._upload_path(job), filename=job.original_filename, limit_size=False)
    services._store_validation(job, result, checked)
    job.summary = {**job.summary, "streamed": True}
    job.finished_at = timezone.now()
    if result.rows_failed and job.mode == ImportJob.Mode.ATOMIC:
        job.status = ImportJob.Status.REJECTED
        job.save()
        audit.record("imports.job.rejected", obj=job, changes={"entity": job.entity, "rows_failed": job.rows_failed},
                     actor=actor)
    else:
        job.status = ImportJob.Status.VALIDATED
        job.save()
    services._remove_files(job, keep_report=True)
    return job


def _check_in_child(job: ImportJob, actor: Any, sender: Connection, receiver: Connection) -> None:
    """Pass 1 in the forked child; every outcome goes to the parent through ``sender``."""
    from gongjiang.imports import services

    receiver.close()
    try:
        prepare_checking_connection()
        entity = get_entity(job.entity)
        ctx = services._context_for(job, actor)

        def rows(payloads: list[tuple[Any, ...]]) -> None:
            sender.send_bytes(_ROWS + marshal.dumps(payloads))

        def progress(phase: str, done: int, total: int) -> None:
            sender.send_bytes(_PROGRESS + marshal.dumps((phase, done, total)))

        with context.acting_as(ctx.actor):
            checked = safety.check_file(services._upload_path(job), filename=job.original_filename, limit_size=False)
            result = pipeline.validate_file(
                entity=entity, checked=checked, ctx=ctx, spool_path=None, progress=progress,
                max_errors=services.MAX_STORED_ERRORS, sink=rows,
            )
        sender.send_bytes(_DONE + pickle.dumps(result))
    except safety.UnusableFileError as exc:
        _send_quietly(sender, _UNUSABLE + marshal.dumps((exc.code, str(exc.message))))
    except BaseException as exc:  # the parent rolls back and reports; the details go to the log
        logger.exception("import job %s: the checking process failed", job.pk)
        _send_quietly(sender, _CRASHED + f"{type(exc).__name__}: {exc}".encode())
    finally:
        sender.close()
        connections.close_all()


def prepare_checking_connection() -> None:
    """Set up the checking child's own database connection.

    * **Read-only.** The child only reads. Anything that tried to write — or merely to begin
      a write transaction, as Django does when it first probes some database features — would
      wait for the write lock the parent holds until the import ends (on SQLite, for the 20 s
      busy timeout, then fail). Read-only, such an attempt fails at once instead.
    * **Index look-ups only (PostgreSQL).** Every query the check makes is a look-up by an
      indexed key, and the tables it looks in are growing by the parent's still uncommitted
      rows, which a sequential scan must step over: after a ``TRUNCATE``, or on a table with
      no statistics yet, the planner would choose one for each batch's look-up, and a 100,000-
      row import spent ~0.6 s of server time re-reading rows it could not see. (The writing
      side does the same for its own look-ups: ``bulkwrite.tuned_for_bulk``.)
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        elif connection.vendor == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cursor.execute("SET enable_seqscan = off")


# How many bytes the pipe holds before the child's send waits for the parent to read: about
# four checked batches of people (one is ~250 KB marshalled), Linux's default limit for an
# unprivileged process (/proc/sys/fs/pipe-max-size).
PIPE_BYTES = 1 << 20


def _widen(sender: Connection) -> None:
    """Let the child run a few batches ahead of the parent.

    A pipe holds 64 KB by default, less than one batch, so each send waited until the parent
    had finished writing the previous batch and read this one: the two sides moved in lock
    step, and each waited for the other whenever one batch took longer on one side than the
    next did on the other (measured on 100,000 rows: ~0.3 s of waiting on each side). Where
    the pipe cannot be widened (not Linux, or a lower limit), it stays as it is.
    """
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # None where fcntl itself is missing too
    if set_size is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(sender.fileno(), set_size, PIPE_BYTES)


def _send_quietly(sender: Connection, message: bytes) -> None:
    with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
        sender.send_bytes(message)
