"""Audit log retention: entries are kept at least ``AUDIT_RETENTION_DAYS`` (never under 183).

网络安全法 Art. 21(三) (Art. 23 after the 2026 amendment) requires network logs to be kept for
no less than six months. Purging older entries is the only deletion the platform ever does to
the audit log, and it is itself recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongjiang.core import audit, auditchain
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import AuditEntry, AuditSeal

LEGAL_MINIMUM_DAYS = 183
ACTION_PURGED = auditchain.ACTION_PURGED
ERR_RETENTION_TOO_SHORT = gettext_noop("审计日志须至少保留 {minimum} 天（AUDIT_RETENTION_DAYS），不能清除 {days} 天以内的记录。")


def minimum_retention_days() -> int:
    return max(int(settings.AUDIT_RETENTION_DAYS), LEGAL_MINIMUM_DAYS)


def purge_cutoff(older_than_days: int) -> dt.datetime:
    minimum = minimum_retention_days()
    if older_than_days < minimum:
        raise ApplicationError(
            _(ERR_RETENTION_TOO_SHORT).format(minimum=minimum, days=older_than_days),
            field="older_than_days",
        )
    return timezone.now() - dt.timedelta(days=older_than_days)


def audit_purge_count(*, older_than_days: int) -> int:
    """How many entries are past the cutoff: at most what :func:`audit_purge` removes.

    An old entry sealed into the chain after a newer one stays until that one may go too.
    """
    return AuditEntry.objects.filter(at__lt=purge_cutoff(older_than_days)).count()


@transaction.atomic
def audit_purge(*, older_than_days: int, actor: Any = None) -> int:
    """Delete audit entries older than ``older_than_days`` (refused below the retention minimum).

    The HMAC chain (``core.auditchain``) may lose only its beginning: every entry is sealed
    first, and the oldest run of seals whose entries are all past the cutoff goes with those
    entries. The purge's own entry records where the chain now starts and the mac it continues
    from, and is sealed in the same transaction.

    On PostgreSQL the append-only triggers let a DELETE through only while the
    transaction-local setting ``gongjiang.audit_purge`` is on; it is switched on for these
    statements and off again, inside this transaction.
    """
    cutoff = purge_cutoff(older_than_days)
    auditchain.seal_pending()
    cut = auditchain.cut_before(cutoff)
    entries = connection.ops.quote_name(AuditEntry._meta.db_table)
    seals = connection.ops.quote_name(AuditSeal._meta.db_table)
    is_postgresql = connection.vendor == "postgresql"
    deleted = 0
    with connection.cursor() as cursor:
        if is_postgresql:
            cursor.execute("SELECT set_config('gongjiang.audit_purge', 'on', true)")
        if cut.entry_ids:
            cursor.execute(
                f"DELETE FROM {seals} WHERE seq < %s",  # noqa: S608 (the table name is ours)
                [cut.resumes_at],
            )
            for start in range(0, len(cut.entry_ids), 500):
                chunk = cut.entry_ids[start:start + 500]
                cursor.execute(
                    f"DELETE FROM {entries} WHERE id IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                    chunk,
                )
                deleted += cursor.rowcount
        if is_postgresql:
            cursor.execute("SELECT set_config('gongjiang.audit_purge', 'off', true)")
    changes: dict[str, Any] = {"older_than_days": older_than_days, "cutoff": cutoff, "deleted": deleted}
    if cut.entry_ids:
        changes.update(chain_resumes_at=cut.resumes_at, chain_anchor=cut.anchor)
    audit.record(ACTION_PURGED, object_type=AuditEntry._meta.label_lower, changes=changes, actor=actor)
    auditchain.seal_pending()
    return deleted
