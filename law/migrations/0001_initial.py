"""FeeCap and ReferenceRate, moved from dunning (dunning 0009): the tables `dunning_feecap` and
`dunning_referencerate` stay. The money CHECK is named after its app (core.money.bounded), so
it is renamed, the one change the database sees."""

import core.money
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('dunning', '0008_phone_call_retries'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='FeeCap',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reminder_fee', 'Påminnelseavgift'), ('collection_fee', 'Inkassoavgift'), ('late_payment_comp', 'Förseningsersättning'), ('payment_plan_fee', 'Avgift för avbetalningsplan'), ('payment_order_fee', 'Ansökningsavgift för betalningsföreläggande'), ('payment_order_work', 'Upprättande av ansökan om betalningsföreläggande')], max_length=20)),
                ('valid_from', models.DateField()),
                ('amount', core.money.MoneyField(decimal_places=2, max_digits=14)),
                ('source', models.CharField(help_text='The statute that sets it', max_length=200)),
            ],
            options={
                'db_table': 'dunning_feecap',
                'ordering': ['kind', 'valid_from'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'valid_from'), name='fee_cap_unique'), models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('-999999999999.99')), ('amount__lte', Decimal('999999999999.99'))), name='dunning_feecap_amount_bounded')],
            },
        ),
        migrations.CreateModel(
            name='ReferenceRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('valid_from', models.DateField(unique=True)),
                ('rate', models.DecimalField(decimal_places=2, help_text='Percent', max_digits=5)),
                ('note', models.CharField(blank=True, max_length=200)),
            ],
            options={
                'db_table': 'dunning_referencerate',
                'ordering': ['valid_from'],
                'constraints': [models.CheckConstraint(condition=models.Q(('valid_from__day', 1), models.Q(('valid_from__month', 1), ('valid_from__month', 7), _connector='OR')), name='reference_rate_half_year_start')],
            },
        ),
        ]),
        migrations.RemoveConstraint(model_name="feecap", name="dunning_feecap_amount_bounded"),
        migrations.AddConstraint(
            model_name="feecap",
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', Decimal('-999999999999.99')),
                                                                 ('amount__lte', Decimal('999999999999.99'))),
                                              name="law_feecap_amount_bounded"),
        ),
    ]
