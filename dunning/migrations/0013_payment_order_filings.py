"""Approved payment-order applications and their status at Kronofogden (dunning.legal)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_payment_duplicate_confirmed'),
        ('creditors', '0005_agency_auditor'),
        ('dunning', '0012_dispute_documents'),
    ]

    operations = [
        migrations.CreateModel(
            name='PaymentOrderFiling',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('application', models.JSONField(help_text='The application as approved (dunning.legal.application_file)')),
                ('status', models.CharField(choices=[('to_file', 'Att ge in'), ('filed', 'Ingiven till Kronofogden'), ('decided', 'Utslag meddelat'), ('enforcement', 'Verkställighet'), ('withdrawn', 'Återkallad')], default='to_file', max_length=12)),
                ('status_on', models.DateField()),
                ('reference', models.CharField(blank=True, help_text="Kronofogden's case number (målnummer)", max_length=40)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('updated_by', models.CharField(max_length=120)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payment_order_filings', to='cases.case')),
                ('creditor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='creditors.creditor')),
                ('review', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='filing', to='dunning.queueitem')),
            ],
            options={
                'ordering': ['status_on', 'id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('status__in', ['to_file', 'filed', 'decided', 'enforcement', 'withdrawn'])), name='filing_status_valid')],
            },
        ),
    ]
