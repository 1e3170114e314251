"""What a debtor sends with a dispute, kept with the case (dunning.documents)."""

import django.db.models.deletion
import dunning.models
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0017_payment_duplicate_confirmed'),
        ('creditors', '0005_agency_auditor'),
        ('dunning', '0011_more_outcomes'),
    ]

    operations = [
        migrations.CreateModel(
            name='DisputeDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text="The file's name as uploaded, cleaned", max_length=200)),
                ('file', models.FileField(max_length=300, upload_to=dunning.models.dispute_document_upload_to)),
                ('content_type', models.CharField(max_length=40)),
                ('size', models.PositiveIntegerField()),
                ('sha256', models.CharField(max_length=64)),
                ('note', models.CharField(blank=True, help_text="What it is, or the debtor's statement", max_length=500)),
                ('uploaded_by', models.CharField(max_length=120)),
                ('uploaded_at', models.DateTimeField(auto_now_add=True)),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='dispute_documents', to='cases.case')),
                ('creditor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='creditors.creditor')),
            ],
            options={
                'ordering': ['uploaded_at', 'id'],
            },
        ),
    ]
