"""API keys get scopes (every existing key keeps reading and writing: the default), who made them,
when they were last used; a revoked key's name may be reused."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('creditors', '0008_audit_event'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='apiclient',
            name='api_client_unique_name',
        ),
        migrations.AddField(
            model_name='apiclient',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='last_used_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='apiclient',
            name='scopes',
            field=models.CharField(choices=[('read write', 'Läsa och skriva'), ('read', 'Läsa'), ('write', 'Skriva')], default='read write', max_length=20),
        ),
        migrations.AddConstraint(
            model_name='apiclient',
            constraint=models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('creditor', 'name'), name='api_client_unique_live_name'),
        ),
        migrations.AddConstraint(
            model_name='apiclient',
            constraint=models.CheckConstraint(condition=models.Q(('scopes__in', ['read write', 'read', 'write'])), name='api_client_scopes_valid'),
        ),
    ]
