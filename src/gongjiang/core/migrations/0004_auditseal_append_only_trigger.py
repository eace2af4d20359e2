"""On PostgreSQL, the database refuses to change or delete audit seals, as it does entries.

The one exception is the retention purge (``gongjiang purge_audit``), which removes the oldest
part of the chain with its entries while the transaction-local setting
``gongjiang.audit_purge`` is on (see 0002).
"""

from django.db import migrations

CREATE_SQL = """
CREATE OR REPLACE FUNCTION gongjiang_audit_seal_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(current_setting('gongjiang.audit_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'core_auditseal is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal;
CREATE TRIGGER core_auditseal_append_only
    BEFORE UPDATE OR DELETE ON core_auditseal
    FOR EACH ROW EXECUTE FUNCTION gongjiang_audit_seal_append_only();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS core_auditseal_append_only ON core_auditseal;
DROP FUNCTION IF EXISTS gongjiang_audit_seal_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_auditseal")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
