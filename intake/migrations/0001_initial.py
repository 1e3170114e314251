"""LedgerImport, moved from creditors (creditors 0004): state only, the table `creditors_ledgerimport` stays."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('creditors', '0003_ledgerimport_ignored_columns'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='LedgerImport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=255)),
                ('sha256', models.CharField(max_length=64)),
                ('format', models.CharField(max_length=4)),
                ('imported_at', models.DateTimeField(auto_now_add=True)),
                ('actor', models.CharField(max_length=200)),
                ('rows', models.PositiveIntegerField()),
                ('created', models.PositiveIntegerField()),
                ('updated', models.PositiveIntegerField()),
                ('unchanged', models.PositiveIntegerField()),
                ('rejected', models.PositiveIntegerField()),
                ('problems', models.JSONField(blank=True, default=list, help_text='The rejected rows: row, column, value, reason')),
                ('ignored_columns', models.JSONField(blank=True, default=list, help_text="The header's names no field reads: imported as if absent")),
                ('creditor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ledger_imports', to='creditors.creditor')),
            ],
            options={
                'db_table': 'creditors_ledgerimport',
                'ordering': ['-imported_at'],
            },
        ),
    ])]
