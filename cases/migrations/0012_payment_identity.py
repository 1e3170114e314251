from django.db import migrations, models
from django.db.models import F, Q


def identity_from_reference(apps, schema_editor):
    """Payments stored before: their reference was their identity (for BgMax the serial number,
    by which the import still recognises them: `cases.payment_import._already_imported`)."""
    Payment = apps.get_model("cases", "Payment")
    Payment.objects.exclude(reference="").update(identity=F("reference"))


class Migration(migrations.Migration):
    """A bank payment's identity: BgMax serial numbers are not unique (issue #17); a payment
    naming several cases is stored as one part per case."""

    dependencies = [("cases", "0011_amounts_bounded")]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="identity",
            field=models.CharField(blank=True, default="", db_default="", help_text="A bank payment's identity for 'never imported twice' (with "
                                   "account and date): BgMax deposit and serial numbers with the payment's own fields",
                                   max_length=100),
        ),
        migrations.AddField(
            model_name="payment",
            name="part",
            field=models.PositiveSmallIntegerField(default=0, db_default=0, help_text="0: the whole bank payment; 1, 2, …: its "
                                                   "part for each of several cases it named (one record)"),
        ),
        migrations.RemoveConstraint(model_name="payment", name="payment_unique_bank_reference"),
        migrations.RunPython(identity_from_reference, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(condition=Q(~Q(identity=""), source__in=("bgmax", "camt054")),
                                               fields=("source", "account", "identity", "paid_on", "part"),
                                               name="payment_unique_bank_reference"),
        ),
    ]
