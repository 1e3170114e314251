"""core.bulk writes what it is given, small batch or large, on SQLite and PostgreSQL."""
import datetime
from types import SimpleNamespace

import pytest

from core import bulk
from debtors.models import Debtor

D = datetime.date


@pytest.mark.parametrize("count", [3, bulk.COPY_FROM + 5])  # VALUES pages, or COPY into a temporary table
def test_bulk_set_writes_text_json_dates_and_nulls_exactly(scoped, count):
    debtors = Debtor.objects.bulk_create(
        Debtor(creditor=scoped, customer_number=f"{i:05d}", name=f"Kund {i}", override_note="keep")
        for i in range(count))
    updates = [SimpleNamespace(pk=d.pk, category="risk" if i % 2 else "vip",
                               category_reasons=[{"code": "late_invoices", "params": {"late": i, "note": 'a "quoted", ok'}}],
                               category_since=None if i % 3 == 0 else D(2026, 11, i % 28 + 1),
                               override_note="" if i % 2 else "åäö, \"citat\"\nrad två")
               for i, d in enumerate(debtors)]

    bulk.bulk_set(Debtor, updates, ["category", "category_reasons", "category_since", "override_note"])

    stored = {d.pk: d for d in Debtor.objects.all()}
    assert len(stored) == count
    for update in updates:
        debtor = stored[update.pk]
        assert (debtor.category, debtor.category_reasons, debtor.category_since, debtor.override_note) == (
            update.category, update.category_reasons, update.category_since, update.override_note)
        assert debtor.name.startswith("Kund ")  # columns not named are left alone


def test_bulk_set_twice_in_one_transaction(scoped):
    from django.db import transaction

    debtors = Debtor.objects.bulk_create(
        Debtor(creditor=scoped, customer_number=f"{i:05d}", name="Kund") for i in range(bulk.COPY_FROM))
    with transaction.atomic():
        for category in ("risk", "vip"):
            bulk.bulk_set(Debtor, [SimpleNamespace(pk=d.pk, category=category) for d in debtors], ["category"])
    assert set(Debtor.objects.values_list("category", flat=True)) == {"vip"}
