"""Agency staff gain the auditor role (reads, changes nothing); the roles are labelled in Swedish."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('creditors', '0004_ledgerimport_to_intake'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='agencystaff',
            name='agency_staff_role_valid',
        ),
        migrations.AlterField(
            model_name='agencystaff',
            name='role',
            field=models.CharField(choices=[('agent', 'Handläggare'), ('supervisor', 'Arbetsledare'), ('auditor', 'Granskare')], default='agent', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='agencystaff',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['agent', 'supervisor', 'auditor'])), name='agency_staff_role_valid'),
        ),
    ]
