"""The work queue moves to dunning (dunning 0009): state only, the table keeps its name.
The help text of Payment.duplicate_of names the module that moved (payments.duplicates)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_queue_call_outcomes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='payment',
            name='duplicate_of',
            field=models.ForeignKey(blank=True, help_text='A CSV row equal to this earlier payment: kept, not booked, until an agent assigns it (payments.duplicates)', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cases.payment'),
        ),
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="QueueItem")]),
    ]
