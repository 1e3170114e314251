"""A queue item can be leased to an agent (dunning.workqueue); open items are read by due date."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_queueitem_to_dunning'),
        ('creditors', '0005_agency_auditor'),
        ('dunning', '0009_queue_here_legal_figures_to_law'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='queueitem',
            name='claimed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='queueitem',
            name='claimed_until',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='queueitem',
            index=models.Index(condition=models.Q(('outcome', '')), fields=['due_on', 'id'], name='queue_open_by_due'),
        ),
        migrations.AddConstraint(
            model_name='queueitem',
            constraint=models.CheckConstraint(condition=models.Q(('claimed_by__isnull', True), ('claimed_until__isnull', False), _connector='OR'), name='queue_claim_has_end'),
        ),
    ]
