"""A case's balance under its creditor's terms.

`cases.ledger.balance_of` sums a case's book with the interest rates it is handed. Which
rates apply is not the claim's to know: the reference rate is the law's (`law.selectors`),
and a contractual rate is what the creditor's policy for the debtor's category claims.
This module reads both and hands them over, for one case or many.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from cases.ledger import Balance, balance_of, entry_rows
from cases.models import Case, LedgerEntry
from cases.reductions import Book
from cases.selectors import case_get
from law.selectors import reference_rates
from letters.records import case_letter_values

from .models import Policy


def contractual_rates() -> dict[str, Decimal]:
    """Categories of the current creditor whose policy claims a contractual interest rate."""
    return dict(Policy.objects.filter(contractual_interest_rate__isnull=False)
                .values_list("category", "contractual_interest_rate"))


def case_balances(cases, *, as_of: datetime.date | None = None) -> dict[int, Balance]:
    """Balances of many cases (with their invoices loaded), in one query for the entries."""
    cases = list(cases)
    as_of = as_of or timezone.localdate()
    entries = entry_rows([c.pk for c in cases], as_of=as_of)
    rates, fixed = reference_rates(), contractual_rates()
    return {case.pk: balance_of(case, entries[case.pk], as_of=as_of, rates=rates,
                                fixed_rate=fixed.get(case.debtor.category)) for case in cases}


def case_balance(case: Case, *, as_of: datetime.date | None = None) -> Balance:
    return case_balances([case], as_of=as_of)[case.pk]


def book_of(case: Case) -> Book:
    """The case's book from the database (entries oldest first, its rates), writing through."""
    entries = list(LedgerEntry.objects.filter(case=case).order_by("booked_on", "id"))
    return Book(case, entries, reference_rates(), contractual_rates().get(case.debtor.category))


@dataclass(frozen=True)
class CaseView:
    case: Case
    balance: Balance


def with_balances(cases, *, as_of: datetime.date | None = None) -> list[CaseView]:
    cases = list(cases)
    balances = case_balances(cases, as_of=as_of)
    return [CaseView(case, balances[case.pk]) for case in cases]


def case_with_balance(case_id, *, as_of: datetime.date | None = None) -> CaseView:
    case = case_get(case_id)
    return CaseView(case, case_balance(case, as_of=as_of))


def case_letter_record(*, case: Case, kind: str, sent_on: datetime.date, deadline) -> dict:
    """A letter record's fields for the case as it stands on `sent_on`, under its creditor's
    rates (`letters.records.case_letter_values`)."""
    return case_letter_values(case=case, kind=kind, sent_on=sent_on, deadline=deadline, rates=reference_rates(),
                              fixed_rate=contractual_rates().get(case.debtor.category))
