"""Audit entries cannot be changed or deleted through the platform, and are kept >= 183 days."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.utils import timezone

from gongjiang.core import audit, retention
from gongjiang.core.exceptions import ApplicationError
from gongjiang.core.models import AuditEntry
from tests import factories

TABLE = AuditEntry._meta.db_table


def backdate(entry: AuditEntry, days: int) -> None:
    """Move an entry into the past the way only a migration or the DBA could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER core_auditentry_append_only")
        cursor.execute(
            f"UPDATE {TABLE} SET at = %s WHERE id = %s",
            [connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(days=days)), entry.pk],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER core_auditentry_append_only")


def trigger_names() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_bulk_update_and_delete_are_refused():
    audit.record("core.test.done", object_type="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(action="core.test.done").update(action="forged")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(action="core.test.done").delete()
    assert AuditEntry.objects.filter(action="core.test.done").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_raw_changes_on_postgresql_only():
    entry = audit.record("core.test.done", object_type="x")
    if connection.vendor != "postgresql":
        # SQLite is for development and the demo: the model and its QuerySet refuse instead.
        assert trigger_names() == []
        return
    assert trigger_names() == ["core_auditentry_append_only"]
    for statement in (f"UPDATE {TABLE} SET action = 'forged' WHERE id = %s", f"DELETE FROM {TABLE} WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "core.test.done"


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_entries_with_the_username():
    user = factories.user("leaver")
    entry = audit.record("core.test.done", actor=user)
    user.delete()
    kept = AuditEntry.objects.get(pk=entry.pk)
    assert kept.actor_id is None and kept.actor_username == "leaver"


@pytest.mark.django_db
@pytest.mark.parametrize("days", [0, 30, 182])
def test_purging_below_the_legal_minimum_is_refused(days):
    old = audit.record("core.test.old")
    backdate(old, 400)
    with pytest.raises(ApplicationError) as caught:
        retention.audit_purge(older_than_days=days)
    assert caught.value.errors["older_than_days"]
    with pytest.raises(CommandError):
        call_command("purge_audit", "--older-than-days", str(days))
    assert AuditEntry.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=365)
def test_purging_below_the_configured_retention_is_refused():
    with pytest.raises(ApplicationError) as caught:
        retention.audit_purge(older_than_days=200)
    assert str(caught.value.message) == retention.ERR_RETENTION_TOO_SHORT.format(minimum=365, days=200)


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=365)
def test_refusals_are_given_in_the_users_language():
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError) as caught:
        call_command("purge_audit", "--older-than-days", "200")
    assert str(caught.value) == ("Audit log entries must be kept for at least 365 days (AUDIT_RETENTION_DAYS): "
                                 "entries from the last 200 days cannot be purged.")
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        retention.audit_purge(older_than_days=200)
    assert str(error.value.message) == "审计日志须至少保留 365 天（AUDIT_RETENTION_DAYS），不能清除 200 天以内的记录。"


@pytest.mark.django_db
@override_settings(AUDIT_RETENTION_DAYS=183)
def test_purge_removes_only_old_entries_records_itself_and_leaves_the_guard_on():
    # given
    old = audit.record("core.test.old")
    backdate(old, 200)
    recent = audit.record("core.test.recent")
    backdate(recent, 100)
    new = audit.record("core.test.new")
    # when
    dry = io.StringIO()
    call_command("purge_audit", "--older-than-days", "183", "--dry-run", stdout=dry)
    assert AuditEntry.objects.filter(pk=old.pk).exists()
    out = io.StringIO()
    call_command("purge_audit", "--older-than-days", "183", stdout=out)
    # then
    assert "1 audit entries" in dry.getvalue()
    assert "Deleted 1 audit entries" in out.getvalue()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[recent.pk, new.pk]).count() == 2
    purge = AuditEntry.objects.get(action=retention.ACTION_PURGED)
    assert purge.changes["deleted"] == 1 and purge.changes["older_than_days"] == 183
    if connection.vendor == "postgresql":
        # the switch was only on for the purge statement
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [recent.pk])
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
