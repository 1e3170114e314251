"""Checks across rows and against what is stored, before anything is written.

Every problem is a `Problem` with row, column, value and reason; the service stores
nothing when there is one (unless told to skip the rows that have them).
"""
import datetime
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from core.filereport import Problem
from core.money import ZERO, format_sek
from law.interest import half_year_start, next_half_year

from .rows import LedgerRow

IMMUTABLE = (("invoice_date", "invoice date"), ("due_date", "due date"), ("amount", "amount"),
             ("currency", "currency"))
# What the checks and the updates read of a stored invoice, in this order (`values_list`).
STORED_FIELDS = ("pk", "invoice_number", "debtor__customer_number", "invoice_date", "due_date", "amount", "currency",
                 "reminder_fee_agreed", "paid_on", "open_amount_reported", "case__id")


class StoredInvoice(NamedTuple):
    """A stored invoice as the checks and the updates read it. A file names up to 100 000;
    as model instances with their debtor and case they took seconds to load."""

    pk: int
    invoice_number: str
    customer_number: str  # its debtor's
    invoice_date: datetime.date
    due_date: datetime.date
    amount: Decimal
    currency: str
    reminder_fee_agreed: bool
    paid_on: datetime.date | None
    open_amount_reported: Decimal | None
    case_id: int | None  # None: paid before it was handed over, so no case


def within_file(rows: list[LedgerRow]) -> list[Problem]:
    """An invoice or credit note twice, or one customer described two ways."""
    problems = []
    first_of_number: dict[str, int] = {}
    first_of_customer: dict[str, LedgerRow] = {}
    for row in rows:
        if row.invoice_number in first_of_number:
            problems.append(Problem(row.row, "invoice_number", row.invoice_number,
                                    f"appears already in row {first_of_number[row.invoice_number]}",
                                    "duplicate_invoice", (("row", first_of_number[row.invoice_number]),)))
            continue
        first_of_number[row.invoice_number] = row.row
        first = first_of_customer.setdefault(row.customer_number, row)
        if first is not row and first.debtor_values() != row.debtor_values():
            field = next(f for f, v in row.debtor_values().items() if first.debtor_values()[f] != v)
            problems.append(Problem(row.row, field, str(getattr(row, field)),
                                    f"customer {row.customer_number} has {getattr(first, field)!r} in row {first.row}",
                                    "customer_differs", (("customer", row.customer_number),
                                                         ("value", str(getattr(first, field))), ("row", first.row))))
    return problems


def against_stored(rows: list[LedgerRow], *, invoices: dict, credited: dict[str, Decimal],
                   applied_credits: set[str]) -> list[Problem]:
    """Rows that contradict stored invoices. `invoices`: number → StoredInvoice; `credited`: invoice number → the credit notes in this file not yet applied."""
    problems = []
    in_file = {row.invoice_number: row for row in rows if not row.is_credit_note}
    for row in rows:
        if row.is_credit_note:
            problems += _credit_note_problems(row, invoices, in_file, applied_credits)
            continue
        invoice = invoices.get(row.invoice_number)
        if invoice is None:
            continue
        if invoice.customer_number != row.customer_number:
            problems.append(Problem(row.row, "customer_number", row.customer_number,
                                    f"invoice {row.invoice_number} belongs to customer {invoice.customer_number}",
                                    "invoice_other_customer", (("invoice", row.invoice_number),
                                                               ("customer", invoice.customer_number))))
            continue
        changed = next(((field, label) for field, label in IMMUTABLE if getattr(invoice, field) != getattr(row, field)),
                       None)
        if changed:
            field, label = changed
            problems.append(Problem(row.row, field, _shown(getattr(row, field)),
                                    f"invoice {row.invoice_number} was handed over with {label} "
                                    f"{getattr(invoice, field)}; a handed-over invoice cannot change (send a credit "
                                    f"note instead)", "invoice_handed_over",
                                    (("invoice", row.invoice_number), ("value", _shown(getattr(invoice, field))))))
            continue
        before = reported_open(invoice)
        if row.open_amount > before:
            problems.append(Problem(row.row, "open_amount", format_sek(row.open_amount),
                                    f"rose from {format_sek(before)}: an open amount can only fall", "open_amount_rose",
                                    (("before", format_sek(before)),)))
    return problems


def _shown(value) -> str:
    """A stored value as the page shows it: an amount in Swedish form, a date as ISO."""
    return format_sek(value) if isinstance(value, Decimal) else str(value)


def _credit_note_problems(row: LedgerRow, invoices: dict, in_file: dict, applied: set[str]) -> list[Problem]:
    if row.invoice_number in applied:
        return []
    target = invoices.get(row.credited_invoice)
    if target is None and row.credited_invoice not in in_file:
        return [Problem(row.row, "credited_invoice", row.credited_invoice, "no such invoice, here or in the file",
                        "credited_unknown")]
    owner = target.customer_number if target is not None else in_file[row.credited_invoice].customer_number
    if owner != row.customer_number:
        return [Problem(row.row, "customer_number", row.customer_number,
                        f"the credited invoice {row.credited_invoice} belongs to customer {owner}",
                        "credited_other_customer",
                        (("invoice", row.credited_invoice), ("customer", owner)))]
    if target is not None and target.case_id is None:
        return [Problem(row.row, "credited_invoice", row.credited_invoice,
                        "that invoice is not under collection (it was paid before it was handed over)",
                        "credited_not_collected")]
    invoiced = target.invoice_date if target is not None else in_file[row.credited_invoice].invoice_date
    if row.credit_date < invoiced:
        return [Problem(row.row, row.credit_date_column, row.credit_date.isoformat(),
                        f"a credit note counts from its date, and the credited invoice {row.credited_invoice} "
                        f"is dated {invoiced}: it cannot be credited before it was issued", "credit_before_invoice",
                        (("invoice", row.credited_invoice), ("invoice_date", invoiced.isoformat())))]
    return []


def without_reference_rates(rows: list[LedgerRow], *, invoices: dict, rate_starts: set[datetime.date],
                            today: datetime.date) -> list[Problem]:
    """New invoices still open whose late-payment interest needs a reference rate that is
    not stored (an invoice due before the first one Fordra ships): taken on, such a case
    would stop its creditor's every daily cycle until the rate is added. Half-years after
    the last stored rate are not the row's fault (every case needs the next rate) and are
    not checked here."""
    if not rate_starts:
        return []
    last = min(half_year_start(today), max(rate_starts))
    first_missing: dict[datetime.date, datetime.date | None] = {}
    problems = []
    for row in rows:
        if row.is_credit_note or row.open_amount <= 0 or row.invoice_number in invoices or row.due_date >= today:
            continue
        start = half_year_start(row.due_date + datetime.timedelta(days=1))
        if start not in first_missing:
            first_missing[start] = _first_missing(start, last, rate_starts)
        missing = first_missing[start]
        if missing is not None:
            problems.append(Problem(row.row, "due_date", row.due_date.isoformat(),
                                    f"interest from then needs the reference rate of the half-year from {missing}, "
                                    f"which is not stored: add it (manage.py set_reference_rate {missing} RATE) and "
                                    f"import again", "reference_rate_missing", (("half_year", missing.isoformat()),)))
    return problems


def _first_missing(start: datetime.date, last: datetime.date, stored: set[datetime.date]) -> datetime.date | None:
    while start <= last:
        if start not in stored:
            return start
        start = next_half_year(start)
    return None


def reported_open(invoice) -> Decimal:
    return invoice.amount if invoice.open_amount_reported is None else invoice.open_amount_reported


def credits_by_invoice(rows: list[LedgerRow], applied: set[str]) -> dict[str, Decimal]:
    """Invoice number → what this file's not-yet-applied credit notes take off it."""
    credited: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row.is_credit_note and row.invoice_number not in applied:
            credited[row.credited_invoice] += -row.amount
    return credited
