"""A case's late-payment interest, computed from its principal entries and the rule pack.

Interest is computed exactly and rounded to öre only when it is shown, posted or paid.
What the debtor owes in interest on a day is the interest accrued up to that day, rounded,
less what payments, credits and write-offs have taken off it. Interest entries in the
ledger are postings of that accrual (when it is paid or written off); they are evidence,
and a posting that a back-dated payment makes too high is corrected by an adjustment.
"""
import datetime
from decimal import Decimal
from functools import lru_cache

from core.money import ZERO, round_ore
from law.interest import InterestPeriod, ReferenceRates, accrued_interest, interest_periods

from .models import Component, EntryKind, LedgerEntry


def principal_movements(entries) -> list[tuple[datetime.date, Decimal]]:
    return [(e.booked_on, e.amount) for e in entries if e.component == Component.PRINCIPAL]


def accrued(*, movements, due_date, until, rates: ReferenceRates, fixed_rate=None) -> Decimal:
    """Interest accrued from the due date up to and including `until`, rounded to öre."""
    if until <= due_date or not movements:
        return ZERO
    return _accrued(tuple(movements), due_date, until, rates, fixed_rate)


@lru_cache(maxsize=20_000)
def _accrued(movements: tuple, due_date, until, rates: ReferenceRates, fixed_rate) -> Decimal:
    """Pure, and asked the same question several times per payment (before and after it is
    allocated, and whether it settled the case): remembered. The rates are part of the key."""
    return round_ore(accrued_interest(principal_movements=movements, due_date=due_date, until=until,
                                      rates=rates, fixed_rate=fixed_rate))


def periods(*, movements, due_date, until, rates: ReferenceRates, fixed_rate=None) -> list[InterestPeriod]:
    if until <= due_date or not movements:
        return []
    return interest_periods(principal_movements=movements, due_date=due_date, until=until, rates=rates,
                            fixed_rate=fixed_rate)


def interest_reductions(entries, *, as_of: datetime.date | None = None) -> Decimal:
    """What payments, credits and write-offs have taken off interest, net of reallocations.

    Postings and their adjustments are not reductions: they record the accrual itself."""
    return -sum((e.amount for e in entries if e.component == Component.INTEREST
                 and e.kind not in (EntryKind.INTEREST, EntryKind.INTEREST_ADJUSTMENT)
                 and (as_of is None or e.booked_on <= as_of)), ZERO)


def interest_posted(entries) -> Decimal:
    return sum((e.amount for e in entries if e.kind in (EntryKind.INTEREST, EntryKind.INTEREST_ADJUSTMENT)), ZERO)


def entries_of(case) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(case=case).order_by("booked_on", "id"))
