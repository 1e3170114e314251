"""Finding cases: the creditor's search, filters and order, for the portal's list and its export.

A search text is tried against what a finance team has at hand when a customer calls: the
OCR reference on the payment slip, the invoice number, the customer number, the identity
number (any way it is written: it is parsed to its canonical form) and the debtor's name
(any part of it, case-insensitive). Numbers are matched exactly, each through a unique
index, so a search stays fast on a large portfolio; only the name is a substring match.

Filters narrow by stage (and a hold's reason), the debtor's category, days past the due
date, the invoice amount and the next step's action; the order is one of `SORTS`, each
ending in the case id so that pages never overlap. Bad filter values are dropped by the
form that builds the query (`portal.case_forms`), never here: this module trusts its input.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from core.errors import ValidationError
from core.identity import parse_identity_number
from debtors.models import Debtor

from .models import Case, Invoice
from .selectors import case_queryset
from .stages import Stage

# Sort key → the columns it orders by (a leading "-" on the key reverses them all).
SORTS = {
    "opened": ("opened_on", "id"),
    "due": ("invoice__due_date", "id"),
    "amount": ("invoice__amount", "id"),
    "debtor": ("debtor__name", "id"),
    "next": ("next_step_on", "id"),
    "invoice": ("invoice__invoice_number", "id"),
}
DEFAULT_SORT = "-opened"


@dataclass(frozen=True)
class CaseQuery:
    """What a user asks of the case list; None or empty: no narrowing."""

    text: str = ""
    stage: str | None = None  # a Stage, or "open": any but closed
    hold_reason: str | None = None
    category: str | None = None
    overdue_min: int | None = None  # days past the invoice's due date, at least
    overdue_max: int | None = None  # … at most
    amount_min: Decimal | None = None  # the invoice amount
    amount_max: Decimal | None = None
    next_action: str | None = None
    case_ids: QuerySet | None = None  # a subquery of case ids (a kind of work waiting, `dunning.selectors`)
    sort: str = DEFAULT_SORT


def case_search(query: CaseQuery, *, today: datetime.date) -> QuerySet[Case]:
    """The current creditor's cases that answer `query`, in its order (tenant scope active).

    Without their invoices and debtors: a page is chosen among the ids first (`case_page`),
    so a portfolio of 100 000 cases is not joined to its invoices and debtors to show 50."""
    cases = Case.objects.all()
    if query.text.strip():
        cases = cases.filter(text_match(query.text))
    if query.stage == "open":
        cases = cases.exclude(stage=Stage.CLOSED)
    elif query.stage:
        cases = cases.filter(stage=query.stage)
    if query.hold_reason:
        cases = cases.filter(hold_reason=query.hold_reason)
    if query.category:
        cases = cases.filter(debtor__category=query.category)
    if query.overdue_min:  # 0: a case not yet due counts as 0 days past it, as the overview's ageing does
        cases = cases.filter(invoice__due_date__lte=today - datetime.timedelta(days=query.overdue_min))
    if query.overdue_max is not None:
        cases = cases.filter(invoice__due_date__gte=today - datetime.timedelta(days=query.overdue_max))
    if query.amount_min is not None:
        cases = cases.filter(invoice__amount__gte=query.amount_min)
    if query.amount_max is not None:
        cases = cases.filter(invoice__amount__lte=query.amount_max)
    if query.next_action:
        cases = cases.filter(next_action=query.next_action)
    if query.case_ids is not None:
        cases = cases.filter(pk__in=query.case_ids)
    return cases.order_by(*order_of(query.sort))


def order_of(sort: str) -> tuple[str, ...]:
    descending = sort.startswith("-")
    columns = SORTS.get(sort.removeprefix("-"), SORTS["opened"])
    return tuple(f"-{column}" if descending else column for column in columns)


def case_page(cases: QuerySet[Case], start: int, stop: int) -> list[Case]:
    """Cases `start` to `stop` of the search, with their invoices and debtors: the ids are
    chosen in the search's order, and only those rows are then read with their joins."""
    return cases_in_order(list(cases.values_list("pk", flat=True)[start:stop]))


def cases_in_order(ids: list[int]) -> list[Case]:
    """The cases of `ids`, in that order, with their invoices and debtors (one query)."""
    rows = case_queryset().in_bulk(ids)
    return [rows[pk] for pk in ids if pk in rows]


def text_match(text: str) -> Q:
    """What a search text matches: the numbers exactly (as typed or in capitals, each
    through a unique index), the name in part. Each is a subquery on its own table, so
    the cases are never joined to their invoices and debtors to be searched."""
    text = " ".join(text.split())
    spellings = {text, text.upper()}
    debtors = Q(customer_number__in=spellings) | Q(name__icontains=text)
    try:
        debtors |= Q(identity_number=parse_identity_number(text).canonical)
    except (ValidationError, ValueError):  # not an identity number
        pass
    return (Q(ocr_reference=text.replace(" ", ""))
            | Q(invoice_id__in=Invoice.objects.filter(invoice_number__in=spellings).values("pk"))
            | Q(debtor_id__in=Debtor.objects.filter(debtors).values("pk")))
