"""What reduces a claim, on one case's ledger: a payment, a write-off, interest trued up.

A `Book` is a case's ledger being written: its entries so far, the interest rates that
apply, and where a new entry goes. By default an entry is written at once
(`entry_post`); a book with `pending` collects the same entries as rows
(`entry_build`'s `NewEntry`) instead, so that a payment file can allocate thousands of
payments and insert their entries in one statement (`payments.batch`). Both run exactly
the same rules below.

The rules: a reduction is allocated costs → interest → principal as of its date (see
`allocation`). Interest is recomputed after it: the principal stops accruing from the day
after, so the interest posted so far is trued up to the accrual on the new principal
timeline (an adjustment if a back-dated payment made it too high), and interest that a
later payment already paid but is no longer owed moves on to principal.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from core.money import ZERO
from law.allocation import Allocation, Outstanding, allocate
from law.interest import ReferenceRates

from . import interest
from .ledger import Balance, NewEntry, balance_of, interest_until
from .models import FEE_KINDS, Case, Component, EntryKind, LedgerEntry
from .services import entry_build, entry_post


class Row(NamedTuple):
    """A stored ledger entry as the rules read it (`payments.batch` loads many): no model instance."""

    case_id: int
    kind: str
    component: str
    amount: Decimal
    booked_on: datetime.date
    applies_to: str = ""


# What `Row` reads of a stored entry, in its order (`values_list`).
ROW_FIELDS = list(Row._fields)


@dataclass
class Book:
    case: Case  # with its invoice loaded
    entries: list
    rates: ReferenceRates
    fixed_rate: Decimal | None = None  # a contractual rate instead of the reference rate + 8
    pending: list | None = None  # None: write through; a list: collect `NewEntry` rows for a bulk insert
    at: datetime.datetime | None = None  # the pending rows' created_at (default: now, for each)

    def post(self, **fields) -> LedgerEntry | NewEntry:
        if self.pending is None:
            entry = entry_post(case=self.case, **fields)
        else:
            entry = entry_build(case=self.case, at=self.at, **fields)
            self.pending.append(entry)
        self.entries.append(entry)
        return entry

    def balance(self, as_of: datetime.date) -> Balance:
        return balance_of(self.case, self.entries, as_of=as_of, rates=self.rates, fixed_rate=self.fixed_rate)

    @property
    def principal(self) -> Decimal:
        return sum((e.amount for e in self.entries if e.component == Component.PRINCIPAL), ZERO)

    @property
    def latest(self) -> datetime.date:
        return max(e.booked_on for e in self.entries)


def fees_outstanding(entries, *, as_of: datetime.date) -> tuple[tuple[str, Decimal], ...]:
    """Each fee kind's unpaid amount, oldest charge first, counting charges booked by `as_of`."""
    charged: dict[str, Decimal] = defaultdict(lambda: ZERO)
    first_on: dict[str, datetime.date] = {}
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        if entry.component != Component.FEES:
            continue
        if entry.kind in FEE_KINDS:
            if entry.booked_on <= as_of:
                charged[entry.kind] += entry.amount
                first_on.setdefault(entry.kind, entry.booked_on)
        else:
            paid[entry.applies_to] -= entry.amount
    return tuple((kind, charged[kind] - paid[kind]) for kind in sorted(charged, key=lambda k: first_on[k])
                 if charged[kind] - paid[kind] > 0)


def reduce(book: Book, amount: Decimal, *, on: datetime.date, kind: str, payment=None,
           reference: str = "") -> Allocation:
    """Allocate `amount` against the case as of `on`, posting the entries of `kind`."""
    last_interest = max((e.booked_on for e in book.entries if e.component == Component.INTEREST), default=on)
    true_up_interest(book, on=max(on, last_interest))
    outstanding = Outstanding(fees=fees_outstanding(book.entries, as_of=on), interest=book.balance(on).interest,
                              principal=book.principal)
    allocation = allocate(amount, outstanding)
    for fee_kind, part in allocation.fees:
        book.post(kind=kind, component=Component.FEES, amount=-part, booked_on=on, reference=reference,
                  applies_to=fee_kind, payment=payment)
    for component, part in ((Component.INTEREST, allocation.interest), (Component.PRINCIPAL, allocation.principal),
                            (Component.OVERPAYMENT, allocation.overpayment)):
        if part > 0:
            book.post(kind=kind, component=component, amount=-part, booked_on=on, reference=reference,
                      payment=payment)
    # The principal now stops accruing from the day after `on`: true up again.
    latest = max(on, last_interest)
    true_up_interest(book, on=latest)
    reallocate_overpaid_interest(book, on=latest)
    return allocation


def true_up_interest(book: Book, *, on: datetime.date) -> None:
    """Post interest so that what is posted equals the accrual up to `on` (never beyond the close)."""
    case = book.case
    target = interest.accrued(movements=interest.principal_movements(book.entries), due_date=case.invoice.due_date,
                              until=interest_until(case, on), rates=book.rates, fixed_rate=book.fixed_rate)
    difference = target - interest.interest_posted(book.entries)
    if difference > 0:
        book.post(kind=EntryKind.INTEREST, amount=difference, booked_on=on, text=f"Dröjsmålsränta till och med {on}")
    elif difference < 0:
        book.post(kind=EntryKind.INTEREST_ADJUSTMENT, component=Component.INTEREST, amount=difference, booked_on=on,
                  text="Rättelse av ränta efter betalning")


def reallocate_overpaid_interest(book: Book, *, on: datetime.date) -> None:
    """A back-dated payment lowers the interest that later payments already paid: move the
    excess to principal (and past it, to overpayment), so no balance goes negative."""
    excess = -book.balance(on).interest
    if excess <= 0:
        return
    to_principal = min(excess, max(book.principal, ZERO))
    text = "Ränta som en senare registrerad betalning gjort obetald flyttas"
    book.post(kind=EntryKind.REALLOCATION, component=Component.INTEREST, amount=excess, booked_on=on, text=text)
    if to_principal:
        book.post(kind=EntryKind.REALLOCATION, component=Component.PRINCIPAL, amount=-to_principal, booked_on=on,
                  text=text)
    if excess - to_principal:
        book.post(kind=EntryKind.REALLOCATION, component=Component.OVERPAYMENT, amount=-(excess - to_principal),
                  booked_on=on, text=text)
    true_up_interest(book, on=on)


def settled(book: Book, *, on: datetime.date) -> bool:
    """Whether nothing is owed as of `on`. If so, a fee charged after that day (a reminder
    that crossed the payment in the post) is not owed either: it is written off.

    Nor is anything owed when the book's later entries pay the rest: a payment dated after
    `on` that was booked before it (reported first, in an earlier file) counts as well."""
    latest = book.latest
    if book.balance(on).total > 0 and (latest <= on or book.balance(latest).total > 0):
        return False
    late_fees = book.balance(latest).fees
    if late_fees > 0:
        reduce(book, late_fees, on=latest, kind=EntryKind.WRITE_OFF, reference="fee after payment")
    return True
