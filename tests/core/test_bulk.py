"""core.bulk writes what it is given, small batch or large, on SQLite and PostgreSQL."""
import datetime
from types import SimpleNamespace

import pytest

from core import bulk
from debtors.models import Debtor

D = datetime.date
NOW = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone.utc)


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


def _debtor_row(creditor, number: str, category: str = "normal", reasons=()):
    """A debtor row (intake.openings.DEBTOR_FIELDS)."""
    from intake.openings import DebtorRow

    return DebtorRow(creditor.pk, number, f"Kund {number}", "consumer", "", "", "", "", "", "", "SE", "sv", False,
                     False, category, list(reasons), None, "", "", NOW)


def test_rows_copied_behind_are_there_for_the_next_statement_and_after_the_block(scoped):
    from django.db import transaction

    from intake.openings import DEBTOR_FIELDS

    with transaction.atomic(), bulk.copies_behind():
        ids = bulk.insert_rows(Debtor, DEBTOR_FIELDS, [_debtor_row(scoped, f"{i:05d}") for i in range(3000)],
                               returning=True)
        assert Debtor.objects.filter(pk__in=ids).count() == 3000  # the query waits for the COPY
        bulk.insert_rows(Debtor, DEBTOR_FIELDS, [_debtor_row(scoped, "X1", "vip", [{"code": "vip"}])])
    assert Debtor.objects.get(customer_number="X1").category_reasons == [{"code": "vip"}]
    assert Debtor.objects.count() == 3001


def test_a_copy_behind_that_breaks_a_key_raises_in_the_block_and_stores_nothing(scoped):
    from django.db import IntegrityError, transaction

    from cases.models import Invoice

    with pytest.raises(IntegrityError):
        with transaction.atomic(), bulk.copies_behind():
            bulk.insert_rows(Invoice, ["creditor", "debtor", "invoice_number", "invoice_date", "due_date", "amount",
                                       "currency", "reminder_fee_agreed", "created_at"],
                             [(scoped.pk, 10 ** 9, "F1", D(2026, 10, 1), D(2026, 11, 1), "100.00", "SEK", False,
                               NOW)])  # no such debtor
            Debtor.objects.count()  # the next statement, or the end of the block, reports it
    assert not Invoice.objects.exists()
    assert Debtor.objects.count() == 0  # and the connection works on


def test_ids_drawn_first_are_the_rows_ids_and_never_an_earlier_rows(scoped):
    from intake.openings import DEBTOR_FIELDS

    earlier = bulk.insert_rows(Debtor, DEBTOR_FIELDS, [_debtor_row(scoped, f"A{i}") for i in range(3)], returning=True)
    Debtor.objects.filter(pk=max(earlier)).delete()  # the newest id is not handed out again
    ids = bulk.draw_ids(Debtor, 2)
    assert min(ids) > max(earlier) and len(set(ids)) == 2

    assert bulk.insert_rows(Debtor, DEBTOR_FIELDS, [_debtor_row(scoped, "B1"), _debtor_row(scoped, "B2")],
                            ids=ids) == ids
    assert dict(Debtor.objects.filter(pk__in=ids).values_list("pk", "customer_number")) == {ids[0]: "B1", ids[1]: "B2"}
    with pytest.raises(ValueError):
        bulk.insert_rows(Debtor, DEBTOR_FIELDS, [_debtor_row(scoped, "C1")], ids=ids)


def test_a_writer_inserts_the_rows_referred_to_first_with_the_ids_it_gave(scoped):
    """An invoice for a stored debtor is added first, then a new debtor and its invoice, case,
    entry and event: each refers to the id `add` gave, and the debtors go in before the
    invoices (on PostgreSQL each COPY's keys are checked as it ends: the order of the adds
    would fail)."""
    from django.db import transaction

    from cases.events import event_row
    from cases.models import Case, CaseEvent, Invoice, LedgerEntry
    from cases.services import case_row, entry_build
    from intake.openings import InvoiceRow, NewCase

    stored = Debtor.objects.create(creditor=scoped, customer_number="OLD", name="Kund")

    def invoice(debtor_id: int, number: str) -> InvoiceRow:
        return InvoiceRow(scoped.pk, debtor_id, number, D(2026, 9, 1), D(2026, 10, 1), "100.00", "SEK", False, None,
                          None, NOW)

    with transaction.atomic(), bulk.BulkWriter() as writer:
        writer.add(Invoice, invoice(stored.pk, "F0"), keyed=True)
        debtor_id = writer.add(Debtor, _debtor_row(scoped, "NEW"), keyed=True)
        invoice_id = writer.add(Invoice, invoice(debtor_id, "F1"), keyed=True)
        case = NewCase(pk=writer.add(Case, case_row(creditor_id=scoped.pk, invoice_id=invoice_id, debtor_id=debtor_id,
                                                    currency="SEK", opened_on=D(2026, 10, 2), at=NOW),
                                     keyed=True), creditor_id=scoped.pk, currency="SEK")
        writer.add(LedgerEntry, entry_build(case=case, kind="principal", amount="100.00", booked_on=D(2026, 9, 1),
                                            text="Faktura F1", at=NOW))
        writer.add(CaseEvent, event_row(case=case, code="cases.case.opened", at=NOW, on=D(2026, 10, 2)))
        assert not Case.objects.exists()  # added, not yet flushed
    assert Debtor.objects.get(customer_number="NEW").pk == debtor_id
    stored_case = Case.objects.select_related("invoice").get()
    assert (stored_case.pk, stored_case.invoice_id, stored_case.invoice.invoice_number) == (case.pk, invoice_id, "F1")
    assert LedgerEntry.objects.get(case_id=case.pk).text == "Faktura F1"
    assert CaseEvent.objects.get(case_id=case.pk).code == "cases.case.opened"
    assert Invoice.objects.get(invoice_number="F0").debtor_id == stored.pk


def test_a_writer_flushed_inside_its_block_is_read_there_and_a_broken_key_stores_nothing(scoped):
    from django.db import IntegrityError, transaction

    from cases.models import Invoice
    from intake.openings import InvoiceRow

    with transaction.atomic(), bulk.BulkWriter() as writer:
        ids = [writer.add(Debtor, _debtor_row(scoped, f"R{i}"), keyed=True) for i in range(3)]
        writer.flush()
        assert sorted(Debtor.objects.values_list("pk", flat=True)) == sorted(ids)
    with pytest.raises(IntegrityError):
        with transaction.atomic(), bulk.BulkWriter() as writer:
            writer.add(Debtor, _debtor_row(scoped, "R9"), keyed=True)
            writer.add(Invoice, InvoiceRow(scoped.pk, 10 ** 9, "F1", D(2026, 9, 1), D(2026, 10, 1), "100.00", "SEK",
                                           False, None, None, NOW))  # no such debtor
    assert not Invoice.objects.exists() and Debtor.objects.count() == 3


def test_a_writer_refuses_a_row_of_another_shape(scoped):
    from typing import NamedTuple

    class Short(NamedTuple):
        creditor_id: int

    with pytest.raises(TypeError):
        with bulk.BulkWriter() as writer:
            writer.add(Debtor, _debtor_row(scoped, "S1"))
            writer.add(Debtor, Short(scoped.pk))
    assert not Debtor.objects.exists()
