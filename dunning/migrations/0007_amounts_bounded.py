"""Money columns held within ±MAX_AMOUNT (core.money) by a CHECK, as in cases 0011."""
from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dunning', '0006_no_redundant_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='feecap',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('-999999999999.99')), ('amount__lte', Decimal('999999999999.99'))), name='dunning_feecap_amount_bounded'),
        ),
        migrations.AddConstraint(
            model_name='policy',
            constraint=models.CheckConstraint(condition=models.Q(('min_collection_amount__gte', Decimal('-999999999999.99')), ('min_collection_amount__lte', Decimal('999999999999.99'))), name='dunning_policy_min_collection_amount_bounded'),
        ),
        migrations.AddConstraint(
            model_name='policystep',
            constraint=models.CheckConstraint(condition=models.Q(('fee_amount__gte', Decimal('-999999999999.99')), ('fee_amount__lte', Decimal('999999999999.99'))), name='dunning_policystep_fee_amount_bounded'),
        ),
    ]
