"""CaseEvent.on: the business day an event concerns, filled for existing events from `at`.

The event table is append-only by trigger; this one back-fill lifts the trigger for its
own UPDATE and puts it back in the same transaction.
"""
from django.db import migrations, models

BACKFILL = "UPDATE cases_caseevent SET on_day = (at AT TIME ZONE 'Europe/Stockholm')::date"


def backfill(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_caseevent DISABLE TRIGGER cases_caseevent_append_only")
        schema_editor.execute(BACKFILL.replace("on_day", '"on"'))
        schema_editor.execute("ALTER TABLE cases_caseevent ENABLE TRIGGER cases_caseevent_append_only")
    else:  # SQLite: the trigger is re-created after every migrate (cases.apps)
        schema_editor.execute("DROP TRIGGER IF EXISTS cases_caseevent_append_only")
        schema_editor.execute('UPDATE cases_caseevent SET "on" = date(at)')


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_reallocation")]
    operations = [
        migrations.AddField("caseevent", "on", models.DateField(
            null=True, help_text="The business day it concerns (a catch-up cycle records past days)")),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField("caseevent", "on", models.DateField(
            help_text="The business day it concerns (a catch-up cycle records past days)")),
        migrations.AlterField("caseevent", "at", models.DateTimeField(help_text="When it was recorded")),
        migrations.AlterModelOptions("caseevent", {"ordering": ["on", "at", "id"]}),
    ]
