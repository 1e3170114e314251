import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A re-sent payment CSV: a row equal to an earlier file's payment points at it
    (`Payment.duplicate_of`); a file records whose own export it is (`PaymentFile.exported_by`)."""

    dependencies = [
        ("cases", "0012_payment_identity"),
        ("creditors", "0003_ledgerimport_ignored_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="duplicate_of",
            field=models.ForeignKey(blank=True, help_text="A CSV row equal to this earlier payment: kept, not booked, until an agent assigns it (cases.payment_duplicates)", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="cases.payment"),
        ),
        migrations.AddField(
            model_name="paymentfile",
            name="exported_by",
            field=models.ForeignKey(blank=True, help_text="Whose own export it is (a CSV imported with --creditor); none for the agency's files", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="creditors.creditor"),
        ),
    ]
