"""On PostgreSQL, the database itself refuses to change or delete audit entries.

The application refuses already (AuditEntry.save/delete and its QuerySet); this trigger also
stops raw SQL from the application's connection. Two exceptions, both narrow:

* DELETE while the transaction-local setting ``gongjiang.audit_purge`` is ``on``: that is how
  ``gongjiang purge_audit`` removes entries older than the retention period (and only it);
* an UPDATE that changes nothing but ``actor_id`` to NULL, which is what deleting a user does
  (ON DELETE SET NULL); ``actor_username`` keeps who it was.

SQLite (development and demo only) has no such trigger. TRUNCATE is not covered: the
application never truncates, and production should revoke TRUNCATE from the application's role
(docs/operations.md).
"""

from django.db import migrations

CREATE_SQL = """
CREATE OR REPLACE FUNCTION gongjiang_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF coalesce(current_setting('gongjiang.audit_purge', true), '') = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'core_auditentry is append-only: DELETE refused'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'core_auditentry is append-only: UPDATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
    BEFORE UPDATE OR DELETE ON core_auditentry
    FOR EACH ROW EXECUTE FUNCTION gongjiang_audit_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
DROP FUNCTION IF EXISTS gongjiang_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
