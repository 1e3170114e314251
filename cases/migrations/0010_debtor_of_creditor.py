"""An invoice's and a case's debtor must be their creditor's, checked by the database.

One foreign key, (debtor_id, creditor_id) → debtors_debtor (id, creditor_id), takes the
place of the two single ones (debtor, creditor): it checks that both exist, and that the
debtor belongs to the creditor, which the single keys did not. That is one check per row
instead of two, at the commit of a 100 000-row ledger import 200 000 fewer (bench/README.md).

PostgreSQL gets the keys, deferred like Django's; SQLite cannot add a key to a table, so
it gets triggers that refuse such a row when it is written.
"""
import django.db.models.deletion
from django.db import migrations, models

TABLES = ["cases_invoice", "cases_case"]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_debtor_of_creditor FOREIGN KEY (debtor_id, creditor_id) "
                f"REFERENCES debtors_debtor (id, creditor_id) DEFERRABLE INITIALLY DEFERRED NOT VALID")
            schema_editor.execute(f"ALTER TABLE {table} VALIDATE CONSTRAINT {table}_debtor_of_creditor")
        elif vendor == "sqlite":
            for when, event in (("insert", "INSERT"), ("update", "UPDATE OF debtor_id, creditor_id")):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_debtor_of_creditor_{when} BEFORE {event} ON {table} "
                    f"WHEN NOT EXISTS (SELECT 1 FROM debtors_debtor "
                    f"WHERE id = NEW.debtor_id AND creditor_id = NEW.creditor_id) "
                    f"BEGIN SELECT RAISE(ABORT, 'FOREIGN KEY constraint failed: {table}_debtor_of_creditor'); END")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {table}_debtor_of_creditor")
        elif vendor == "sqlite":
            for when in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_debtor_of_creditor_{when}")


def single_key(related_name: str, model: str, **options):
    return models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT,
                             related_name=related_name, to=model, **options)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_caseevent_event_broken'),
        ('creditors', '0002_ledgerimport'),
        ('debtors', '0004_debtor_of_creditor'),
    ]

    operations = [
        migrations.AlterField(model_name='case', name='creditor',
                              field=single_key('cases', 'creditors.creditor', db_index=False)),
        migrations.AlterField(model_name='case', name='debtor', field=single_key('cases', 'debtors.debtor')),
        migrations.AlterField(model_name='invoice', name='creditor',
                              field=single_key('invoices', 'creditors.creditor', db_index=False)),
        migrations.AlterField(model_name='invoice', name='debtor', field=single_key('invoices', 'debtors.debtor')),
        migrations.RunPython(forwards, backwards),
    ]
