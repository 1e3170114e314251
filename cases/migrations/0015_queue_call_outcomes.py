from django.db import migrations, models


class Migration(migrations.Migration):
    """A phone call's outcomes say what was agreed (a promise, a plan) and record unanswered tries."""

    dependencies = [("cases", "0014_queue_address_missing")]

    operations = [
        migrations.AlterField(
            model_name="queueitem",
            name="outcome",
            field=models.CharField(blank=True, choices=[
                ("no_agreement", "Nådd, ingen överenskommelse"), ("promised", "Betalningslöfte"),
                ("payment_plan", "Avbetalningsplan"), ("no_answer", "Inget svar, nytt försök"),
                ("unreachable", "Inget svar, försöken slut"), ("agreement", "Överenskommelse"),
                ("waived", "Samtal efterges av arbetsledare"), ("approved", "Godkänd"), ("rejected", "Avslagen"),
                ("upheld", "Bestridandet godtas"), ("dismissed", "Bestridandet lämnas utan avseende"),
                ("cancelled", "Avbrutet: ärendet avslutat"),
                ("address_set", "Adress eller e-post tillagd")],  # 0014's, kept
                max_length=12),
        ),
    ]
