"""The append-only tables refuse TRUNCATE too (PostgreSQL), not only a row's UPDATE and DELETE.

A row trigger does not fire for TRUNCATE, which empties a table at once; a statement trigger
BEFORE TRUNCATE does. It lets a TRUNCATE through only in a session that set
`fordra.allow_truncate` to `on`: the test settings connect saying so, because the test runner
empties the database with TRUNCATE between tests. That is not a key anyone can misuse: the
app's production role has no TRUNCATE privilege on these tables (core's `grant_app_role`), and
PostgreSQL checks the privilege before any trigger fires, so the setting gains it nothing; and the
owner, who could drop the trigger anyway, must say so on purpose and cannot empty the ledger by
a slip. SQLite has no TRUNCATE.

creditors_auditevent is here too: its migrations are creditors' own, but the rule is this one.
"""
from django.db import migrations

TABLES = ["cases_ledgerentry", "cases_caseevent", "creditors_auditevent"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION fordra_refuse_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('fordra.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              HINT = 'Only a test database is emptied: its session sets fordra.allow_truncate = on.';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PG_FUNCTION, params=None)  # no params: the % are plpgsql placeholders
    for table in TABLES:
        schema_editor.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                              f"FOR EACH STATEMENT EXECUTE FUNCTION fordra_refuse_truncate()")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS fordra_refuse_truncate()")


class Migration(migrations.Migration):
    dependencies = [("cases", "0018_case_list_indexes"), ("creditors", "0008_audit_event")]
    operations = [migrations.RunPython(forwards, backwards)]
