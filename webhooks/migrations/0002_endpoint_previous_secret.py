"""A rotated webhook secret signs beside the new one until its end (webhooks.services.endpoint_secret_rotate)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('webhooks', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='webhookendpoint',
            name='previous_secret_encrypted',
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name='webhookendpoint',
            name='previous_secret_expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddConstraint(
            model_name='webhookendpoint',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('previous_secret_encrypted', ''), ('previous_secret_expires_at__isnull', True)), models.Q(models.Q(('previous_secret_encrypted', ''), _negated=True), ('previous_secret_expires_at__isnull', False)), _connector='OR'), name='webhookendpoint_previous_secret_expires'),
        ),
    ]
