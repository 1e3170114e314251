"""The ledger is append-only and balances come from it."""
import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from cases.models import CaseEvent, Component, EntryKind, LedgerEntry
from cases.services import entry_post
from core.errors import ValidationError
from dunning.balances import case_balance


def test_a_new_case_owes_its_principal(open_case):
    due = open_case.invoice.due_date
    balance = case_balance(open_case, as_of=due)
    assert balance.principal == Decimal("1250.00")
    assert balance.total == Decimal("1250.00")
    assert open_case.events.filter(code="cases.case.opened").count() == 1


def test_interest_accrues_on_the_principal_from_the_day_after_the_due_date(open_case, today):
    # Due 2026-11-03; 20 days at 2.00 % + 8 on 1 250,00 = 6.849… → 6.85.
    assert case_balance(open_case, as_of=today).interest == Decimal("6.85")
    assert case_balance(open_case, as_of=open_case.invoice.due_date).interest == Decimal("0.00")


def test_balance_is_the_sum_of_entries_by_component(open_case, today):
    due = open_case.invoice.due_date
    entry_post(case=open_case, kind=EntryKind.REMINDER_FEE, amount=Decimal("60.00"), booked_on=due)
    entry_post(case=open_case, kind=EntryKind.PAYMENT, component=Component.FEES, amount=Decimal("-60.00"),
               booked_on=due)
    entry_post(case=open_case, kind=EntryKind.PAYMENT, component=Component.PRINCIPAL, amount=Decimal("-250.00"),
               booked_on=due)
    balance = case_balance(open_case, as_of=due)
    assert (balance.principal, balance.fees, balance.interest) == (Decimal("1000.00"), Decimal("0.00"), Decimal("0.00"))
    # From then on interest runs on 1 000,00: 20 days → 5.479… → 5.48.
    assert case_balance(open_case, as_of=today).total == Decimal("1005.48")


def test_balance_as_of_a_date_ignores_later_entries(open_case, today):
    entry_post(case=open_case, kind=EntryKind.REMINDER_FEE, amount=Decimal("60.00"), booked_on=today)
    assert case_balance(open_case, as_of=today - datetime.timedelta(days=1)).fees == Decimal("0.00")
    assert case_balance(open_case, as_of=today).fees == Decimal("60.00")


def test_overpayment_is_kept_as_owed_back(open_case):
    due = open_case.invoice.due_date
    entry_post(case=open_case, kind=EntryKind.PAYMENT, component=Component.PRINCIPAL, amount=Decimal("-1250.00"),
               booked_on=due)
    entry_post(case=open_case, kind=EntryKind.PAYMENT, component=Component.OVERPAYMENT, amount=Decimal("-10.00"),
               booked_on=due)
    balance = case_balance(open_case, as_of=due)
    assert balance.total == Decimal("0.00")
    assert balance.overpayment == Decimal("10.00")


def test_entries_are_whole_ore(open_case, today):
    with pytest.raises(ValidationError):
        entry_post(case=open_case, kind=EntryKind.INTEREST, amount=Decimal("1.005"), booked_on=today)


def test_orm_refuses_to_change_or_delete_an_entry(open_case):
    entry = LedgerEntry.objects.get(case=open_case)
    entry.amount = Decimal("1.00")
    with pytest.raises(RuntimeError, match="append-only"):
        entry.save()
    with pytest.raises(RuntimeError, match="append-only"):
        entry.delete()


@pytest.mark.parametrize("kind, amount", [(EntryKind.PRINCIPAL, "-5.00"), (EntryKind.PAYMENT, "5.00"),
                                          (EntryKind.REMINDER_FEE, "0.00")])
def test_database_refuses_an_entry_of_the_wrong_sign(open_case, today, kind, amount):
    with pytest.raises(IntegrityError), transaction.atomic():
        entry_post(case=open_case, kind=kind, component=Component.PRINCIPAL, amount=Decimal(amount), booked_on=today)


def test_sql_update_of_an_entry_is_refused_by_the_database(open_case):
    entry = LedgerEntry.objects.get(case=open_case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE cases_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("1250.00")


def test_sql_update_of_an_event_is_refused_by_the_database(open_case):
    event = CaseEvent.objects.get(case=open_case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(text="rewritten history")


@pytest.mark.postgres
def test_sql_delete_of_an_entry_is_refused_by_postgresql(open_case):
    entry = LedgerEntry.objects.get(case=open_case)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()
