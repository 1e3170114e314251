from django.db import migrations, models


class Migration(migrations.Migration):
    """An "address missing" work item: a letter cannot reach the debtor, or came back; it is
    closed when an address or an agreed e-mail is added (debtors.services.debtor_address_set)."""

    dependencies = [("cases", "0013_payment_duplicates")]

    operations = [
        migrations.AlterField(
            model_name="queueitem",
            name="kind",
            field=models.CharField(choices=[
                ("phone_call", "Telefonsamtal"), ("payment_order_review", "Granska betalningsföreläggande"),
                ("dispute_review", "Bestridande"), ("address_missing", "Adress saknas")], max_length=20),
        ),
        migrations.AlterField(
            model_name="queueitem",
            name="outcome",
            field=models.CharField(blank=True, choices=[
                ("no_agreement", "Ingen överenskommelse"), ("agreement", "Överenskommelse"),
                ("waived", "Samtal efterges av arbetsledare"), ("approved", "Godkänd"), ("rejected", "Avslagen"),
                ("upheld", "Bestridandet godtas"), ("dismissed", "Bestridandet lämnas utan avseende"),
                ("cancelled", "Avbrutet: ärendet avslutat"), ("address_set", "Adress eller e-post tillagd")],
                max_length=12),
        ),
    ]
