"""The audit trail records changes to webhook endpoints and replays (choices only: no SQL)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('creditors', '0009_api_client_scopes_last_used'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('member.invited', 'Användare inbjuden'), ('member.role_changed', 'Roll ändrad'), ('member.removed', 'Användare borttagen'), ('api_key.created', 'API-nyckel skapad'), ('api_key.revoked', 'API-nyckel återkallad'), ('identity.viewed', 'Personnummer visat'), ('creditor.switched', 'Bytte borgenär'), ('webhook.created', 'Webhook skapad'), ('webhook.changed', 'Webhook ändrad'), ('webhook.deleted', 'Webhook borttagen'), ('webhook.replayed', 'Webhookhändelse skickad igen')], max_length=40),
        ),
    ]
