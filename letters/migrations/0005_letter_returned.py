"""A letter the mail house or the e-mail server returns: when, why, and the fees written off."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_queue_call_outcomes'),
        ('creditors', '0003_ledgerimport_ignored_columns'),
        ('dunning', '0008_phone_call_retries'),
        ('letters', '0004_amounts_bounded'),
    ]

    operations = [
        migrations.AddField(
            model_name='letter',
            name='fees_waived',
            field=models.JSONField(blank=True, help_text='The fee kinds written off when it came back', null=True),
        ),
        migrations.AddField(
            model_name='letter',
            name='returned_on',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='letter',
            name='returned_reason',
            field=models.CharField(blank=True, db_default='', max_length=200),
        ),
        migrations.AddIndex(
            model_name='letter',
            index=models.Index(condition=models.Q(('returned_on__isnull', False)), fields=['case'], name='letter_returned'),
        ),
    ]
