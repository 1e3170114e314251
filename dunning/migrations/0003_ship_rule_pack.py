"""Ship the legal figures of LAW.md as data: fee caps and Riksbanken's reference rates.

An operator corrects or adds a figure without a code change (the admin, or
`manage.py set_reference_rate`). Caps whose start lies before any claim Fordra handles
carry valid_from 2000-01-01.
"""
from datetime import date
from decimal import Decimal

from django.db import migrations

LONG_AGO = date(2000, 1, 1)
FEE_CAPS = [
    ("reminder_fee", LONG_AGO, "60.00", "lag (1981:739) 2 §, 4 §; förordning (1981:1057)"),
    ("collection_fee", LONG_AGO, "180.00", "lag (1981:739) 4 §; förordning (1981:1057)"),
    ("payment_plan_fee", LONG_AGO, "170.00", "lag (1981:739) 4 §; förordning (1981:1057)"),
    ("payment_order_fee", LONG_AGO, "300.00", "förordning (1992:1094) 1 §"),
    ("payment_order_work", LONG_AGO, "380.00", "lag (1990:746) 48 §; förordning (1991:1339)"),
    ("late_payment_comp", date(2013, 3, 16), "450.00", "lag (1981:739) 4 a §"),
]
REFERENCE_RATES = [
    (date(2023, 1, 1), "2.50", ""), (date(2023, 7, 1), "3.50", ""), (date(2024, 1, 1), "4.00", ""),
    (date(2024, 7, 1), "4.00", ""), (date(2025, 1, 1), "3.00", ""), (date(2025, 7, 1), "2.00", ""),
    (date(2026, 1, 1), "2.00", ""),
    (date(2026, 7, 1), "2.00", "unverified: confirm with Riksbanken (policy rate 1.75 % from October 2025)"),
]


def ship(apps, schema_editor):
    FeeCap = apps.get_model("dunning", "FeeCap")
    ReferenceRate = apps.get_model("dunning", "ReferenceRate")
    for kind, valid_from, amount, source in FEE_CAPS:
        FeeCap.objects.get_or_create(kind=kind, valid_from=valid_from,
                                     defaults={"amount": Decimal(amount), "source": source})
    for valid_from, rate, note in REFERENCE_RATES:
        ReferenceRate.objects.get_or_create(valid_from=valid_from, defaults={"rate": Decimal(rate), "note": note})


class Migration(migrations.Migration):
    dependencies = [("dunning", "0002_rule_pack_and_applied_steps")]
    operations = [migrations.RunPython(ship, migrations.RunPython.noop)]
