"""The ledger import's audit trail moves to intake (intake 0001): state only, the table keeps its name."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('creditors', '0003_ledgerimport_ignored_columns'),
        ('intake', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="LedgerImport")]),
    ]
