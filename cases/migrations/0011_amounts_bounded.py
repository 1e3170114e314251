"""Every money column held within ±MAX_AMOUNT (core.money) by a CHECK, whatever path writes it.

SQLite adds a CHECK by rebuilding the table, and the rebuild drops the table's triggers:
the append-only ones of 0003 and the debtor-of-creditor ones of 0010. They are read
before and created again after, exactly as they were. PostgreSQL adds the CHECK in place
(its numeric(14, 2) already refused more, so no stored row can fail it).
"""
from decimal import Decimal

from django.db import migrations, models

TABLES = ["cases_invoice", "cases_ledgerentry", "cases_payment", "cases_paymentfile"]
_saved: list[tuple[str, str]] = []


def save_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN "
                       f"({', '.join('%s' for _ in TABLES)}) ORDER BY name", TABLES)
        _saved[:] = cursor.fetchall()


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, sql in _saved:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql)
    _saved.clear()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0010_debtor_of_creditor'),
    ]

    operations = [
        migrations.RunPython(save_triggers, restore_triggers),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('-999999999999.99')), ('amount__lte', Decimal('999999999999.99'))), name='cases_invoice_amount_bounded'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('open_amount_reported__gte', Decimal('-999999999999.99')), ('open_amount_reported__lte', Decimal('999999999999.99'))), ('open_amount_reported__isnull', True), _connector='OR'), name='cases_invoice_open_amount_reported_bounded'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('-999999999999.99')), ('amount__lte', Decimal('999999999999.99'))), name='cases_ledgerentry_amount_bounded'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('-999999999999.99')), ('amount__lte', Decimal('999999999999.99'))), name='cases_payment_amount_bounded'),
        ),
        migrations.AddConstraint(
            model_name='paymentfile',
            constraint=models.CheckConstraint(condition=models.Q(('total__gte', Decimal('-999999999999.99')), ('total__lte', Decimal('999999999999.99'))), name='cases_paymentfile_total_bounded'),
        ),
        migrations.RunPython(restore_triggers, save_triggers),
    ]
