"""A possible duplicate payment an agent confirmed as a repeat: kept, never booked (payments.importing)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_queueitem_to_dunning'),
        ('creditors', '0005_agency_auditor'),
    ]

    operations = [
        migrations.AddField(
            model_name='payment',
            name='duplicate_confirmed_by',
            field=models.CharField(blank=True, db_default='', default='', max_length=120),
        ),
        migrations.AddField(
            model_name='payment',
            name='duplicate_confirmed_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.CheckConstraint(condition=models.Q(('duplicate_confirmed_on__isnull', True), models.Q(('case__isnull', True), ('duplicate_of__isnull', False)), _connector='OR'), name='payment_confirmed_duplicate_unbooked'),
        ),
    ]
