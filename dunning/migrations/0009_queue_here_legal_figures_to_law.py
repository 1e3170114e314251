"""The work queue moves here from cases (cases 0016); the legal figures move to law (law 0001).
State only: no table changes name or content."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_queueitem_to_dunning'),
        ('law', '0001_initial'),
        ('dunning', '0008_phone_call_retries'),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=[
        migrations.CreateModel(
            name='QueueItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('phone_call', 'Telefonsamtal'), ('payment_order_review', 'Granska betalningsföreläggande'), ('dispute_review', 'Bestridande'), ('address_missing', 'Adress saknas')], max_length=20)),
                ('created_on', models.DateField()),
                ('due_on', models.DateField()),
                ('outcome', models.CharField(blank=True, choices=[('no_agreement', 'Nådd, ingen överenskommelse'), ('promised', 'Betalningslöfte'), ('payment_plan', 'Avbetalningsplan'), ('no_answer', 'Inget svar, nytt försök'), ('unreachable', 'Inget svar, försöken slut'), ('agreement', 'Överenskommelse'), ('waived', 'Samtal efterges av arbetsledare'), ('approved', 'Godkänd'), ('rejected', 'Avslagen'), ('upheld', 'Bestridandet godtas'), ('dismissed', 'Bestridandet lämnas utan avseende'), ('cancelled', 'Avbrutet: ärendet avslutat'), ('address_set', 'Adress eller e-post tillagd')], max_length=12)),
                ('decided_on', models.DateField(blank=True, null=True)),
                ('decided_by', models.CharField(blank=True, max_length=120)),
                ('note', models.TextField(blank=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='queue_items', to='cases.case')),
                ('creditor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='creditors.creditor')),
            ],
            options={
                'db_table': 'cases_queueitem',
                'ordering': ['due_on', 'id'],
            },
        ),
        migrations.DeleteModel(
            name='FeeCap',
        ),
        migrations.DeleteModel(
            name='ReferenceRate',
        ),
        migrations.AddConstraint(
            model_name='queueitem',
            constraint=models.UniqueConstraint(condition=models.Q(('outcome', '')), fields=('case', 'kind'), name='queue_one_open_item'),
        ),
        migrations.AddConstraint(
            model_name='queueitem',
            constraint=models.CheckConstraint(condition=models.Q(('outcome', ''), ('decided_on__isnull', False), _connector='OR'), name='queue_decided_has_date'),
        ),
    ])]
