"""The audit trail, append-only like the case ledger (cases 0003): PostgreSQL refuses UPDATE and
DELETE of a row, SQLite refuses UPDATE."""
import django.db.models.deletion
from django.db import migrations, models

TABLE = "creditors_auditevent"
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION fordra_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
                              f"FOR EACH ROW EXECUTE FUNCTION fordra_refuse_change()")
    elif vendor == "sqlite":
        schema_editor.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE ON {TABLE} "
                              f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: UPDATE refused'); END")


def drop_append_only(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only")


class Migration(migrations.Migration):

    dependencies = [
        ('creditors', '0007_membership_role_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField()),
                ('actor_id', models.BigIntegerField(blank=True, null=True)),
                ('actor_email', models.CharField(blank=True, max_length=254)),
                ('action', models.CharField(choices=[('member.invited', 'Användare inbjuden'), ('member.role_changed', 'Roll ändrad'), ('member.removed', 'Användare borttagen'), ('api_key.created', 'API-nyckel skapad'), ('api_key.revoked', 'API-nyckel återkallad'), ('identity.viewed', 'Personnummer visat'), ('creditor.switched', 'Bytte borgenär')], max_length=40)),
                ('target', models.CharField(blank=True, max_length=80)),
                ('details', models.JSONField(blank=True, default=dict)),
                ('ip', models.GenericIPAddressField(blank=True, null=True)),
                ('creditor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='audit_events', to='creditors.creditor')),
            ],
            options={
                'ordering': ['-at', '-id'],
                'indexes': [models.Index(fields=['creditor', '-at'], name='audit_creditor_at')],
            },
        ),
        migrations.RunPython(append_only, drop_append_only),
    ]
