"""Money columns held within ±MAX_AMOUNT (core.money) by a CHECK, as in cases 0011."""
from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('letters', '0003_no_redundant_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.CheckConstraint(condition=models.Q(('total__gte', Decimal('-999999999999.99')), ('total__lte', Decimal('999999999999.99'))), name='letters_letter_total_bounded'),
        ),
    ]
