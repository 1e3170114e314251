"""The audit trail records a webhook secret's rotation (choices only: no SQL)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('creditors', '0010_audit_webhook_actions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('member.invited', 'Användare inbjuden'), ('member.role_changed', 'Roll ändrad'), ('member.removed', 'Användare borttagen'), ('api_key.created', 'API-nyckel skapad'), ('api_key.revoked', 'API-nyckel återkallad'), ('identity.viewed', 'Personnummer visat'), ('creditor.switched', 'Bytte borgenär'), ('webhook.created', 'Webhook skapad'), ('webhook.changed', 'Webhook ändrad'), ('webhook.deleted', 'Webhook borttagen'), ('webhook.replayed', 'Webhookhändelse skickad igen'), ('webhook.secret_rotated', 'Webhookhemlighet bytt')], max_length=40),
        ),
    ]
