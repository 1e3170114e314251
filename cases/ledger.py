"""Balances, always derived from the ledger: never stored, so they cannot drift.

Principal and fees are sums of their entries. Interest is what has accrued on the
principal entries up to the day (see `cases.interest`) less what has been paid, credited
or written off of it.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from core.money import ZERO

from . import interest
from .models import Case, Component, LedgerEntry
from .stages import ClosedReason

class NewEntry(NamedTuple):
    """A ledger entry to insert, as `cases.services.entry_build` makes it: `entry_post` saves
    one, the bulk paths hand many to a `core.bulk.BulkWriter`. The rules and balances read it
    as they read an `EntryRow` (or a LedgerEntry)."""

    creditor_id: int
    case_id: int
    kind: str
    component: str
    amount: Decimal
    currency: str
    booked_on: datetime.date
    text: str
    reference: str
    applies_to: str
    payment_id: int | None
    created_at: datetime.datetime


# The columns of a bulk-inserted ledger entry (`core.bulk`), in its row's order.
ENTRY_FIELDS = list(NewEntry._fields)


class EntryRow(NamedTuple):
    """The fields of a ledger entry that balances and the engine read; cheaper than a model instance."""

    case_id: int
    kind: str
    component: str
    amount: Decimal
    booked_on: datetime.date


def entry_rows(case_ids, *, as_of: datetime.date | None = None) -> dict[int, list[EntryRow]]:
    """Each case's entries, oldest first, as light rows: one query."""
    entries = LedgerEntry.objects.filter(case_id__any=set(case_ids))
    if as_of is not None:
        entries = entries.filter(booked_on__lte=as_of)
    rows: dict[int, list[EntryRow]] = defaultdict(list)
    for row in entries.order_by("booked_on", "id").values_list("case_id", "kind", "component", "amount", "booked_on"):
        rows[row[0]].append(EntryRow(*row))
    return rows


@dataclass(frozen=True)
class Balance:
    principal: Decimal = ZERO
    fees: Decimal = ZERO
    interest: Decimal = ZERO
    overpayment: Decimal = ZERO  # what is owed back to the debtor, as a positive amount

    @property
    def total(self) -> Decimal:
        return self.principal + self.fees + self.interest


def interest_until(case: Case, as_of: datetime.date) -> datetime.date:
    """A withdrawn claim stops accruing here the day it is withdrawn. (A paid, credited or
    written-off case has no principal left to accrue on.)"""
    if case.closed_reason == ClosedReason.WITHDRAWN and case.closed_on:
        return min(as_of, case.closed_on)
    return as_of


def balance_of(case: Case, entries: list[LedgerEntry], *, as_of: datetime.date, rates, fixed_rate=None) -> Balance:
    """The balance of one case from its entries (any order), as of a day."""
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    movements = []
    for entry in entries:
        if entry.booked_on > as_of:
            continue
        sums[entry.component] += entry.amount
        if entry.component == Component.PRINCIPAL:
            movements.append((entry.booked_on, entry.amount))
    accrued = interest.accrued(movements=movements, due_date=case.invoice.due_date,
                               until=interest_until(case, as_of), rates=rates, fixed_rate=fixed_rate)
    return Balance(
        principal=sums[Component.PRINCIPAL],
        fees=sums[Component.FEES],
        interest=accrued - interest.interest_reductions(entries, as_of=as_of),
        overpayment=-sums[Component.OVERPAYMENT],
    )
