"""The bulk half of a ledger import: new and changed debtors, new invoices and their cases.

A file is mostly new invoices, so they are handed as typed rows (`DebtorRow`,
`InvoiceRow`, `CaseRow`, and the ledger's and events' own) to a `core.bulk.BulkWriter`,
which inserts them in a few statements per table, with each new case's first step
planned by the engine in memory; the result is the same as
`dunning.services.case_open_and_plan` per invoice (a test compares them).
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from cases.events import event_row
from cases.models import Case, CaseEvent, EntryKind, Invoice, LedgerEntry
from cases.services import CaseRow, case_row, entry_build
from classification.services import classify_new
from core.bulk import BulkWriter, bulk_set
from core.money import ZERO
from debtors.models import Category, CustomerType, Debtor
from dunning.addresses import ADDRESS_FIELDS, addresses_found
from dunning.engine import CaseFacts, plan_next
from dunning.facts import ladders
from dunning.planning import set_plan
from law.selectors import fee_caps

from .checks import StoredInvoice
from .rows import LedgerRow

CHUNK = 2000
# A debtor's field → the ledger row's attribute it is read from.
DEBTOR_COLUMNS = {"name": "customer_name", "customer_type": "customer_type", "identity_number": "identity_number",
                  "email": "email", "phone": "phone", "address": "address", "postal_code": "postal_code",
                  "city": "city", "country": "country", "language": "language", "vip": "vip"}


class DebtorRow(NamedTuple):
    """A new Debtor to insert, as `debtor_row` builds it from a ledger row."""

    creditor_id: int
    customer_number: str
    name: str
    customer_type: str
    identity_number: str
    email: str
    phone: str
    address: str
    postal_code: str
    city: str
    country: str
    language: str
    vip: bool
    email_letters_agreed: bool
    category: str
    category_reasons: list
    category_since: datetime.date | None
    override_category: str
    override_note: str
    created_at: datetime.datetime


class InvoiceRow(NamedTuple):
    """A new Invoice to insert, as `invoice_row` builds it from a ledger row."""

    creditor_id: int
    debtor_id: int
    invoice_number: str
    invoice_date: datetime.date
    due_date: datetime.date
    amount: Decimal
    currency: str
    reminder_fee_agreed: bool
    paid_on: datetime.date | None
    open_amount_reported: Decimal | None
    created_at: datetime.datetime


# The columns of bulk-inserted debtors, invoices and cases (`core.bulk`), in their rows' order.
DEBTOR_FIELDS = list(DebtorRow._fields)
INVOICE_FIELDS = list(InvoiceRow._fields)
CASE_FIELDS = list(CaseRow._fields)


@dataclass(frozen=True)
class NewDebtor:
    """What the cases need of a debtor this file brings; a model instance costs 20 µs."""

    pk: int
    category: str
    is_consumer: bool


@dataclass(frozen=True)
class NewCase:
    """What a new case's entry and event need of it."""

    pk: int
    creditor_id: int
    currency: str


@dataclass
class Planned:
    """A new case's first plan, as `set_plan` writes it."""

    next_action: str = ""
    next_step_on: datetime.date | None = None


def debtor_row(*, creditor_id: int, row: LedgerRow, classification, today: datetime.date,
               now: datetime.datetime) -> DebtorRow:
    """A customer the file brings, as classified (`classification`), or normal until it is."""
    if classification is None:
        category, reasons, since = Category.NORMAL, [], None
    else:
        category, reasons, since = classification.category, classification.reasons, today
    return DebtorRow(creditor_id, row.customer_number, *(getattr(row, column) for column in DEBTOR_COLUMNS.values()),
                     email_letters_agreed=False, category=category, category_reasons=reasons, category_since=since,
                     override_category="", override_note="", created_at=now)


def invoice_row(*, creditor_id: int, debtor_id: int, row: LedgerRow, now: datetime.datetime) -> InvoiceRow:
    return InvoiceRow(creditor_id=creditor_id, debtor_id=debtor_id, invoice_number=row.invoice_number,
                      invoice_date=row.invoice_date, due_date=row.due_date, amount=row.amount, currency=row.currency,
                      reminder_fee_agreed=row.reminder_fee_agreed, paid_on=stored_paid_on(row),
                      open_amount_reported=row.open_amount, created_at=now)


def debtors_save(creditor, rows: list[LedgerRow], present: set[str], *, today: datetime.date,
                 writer: BulkWriter) -> tuple[dict[str, Debtor | NewDebtor], set[str], list[int]]:
    """Every customer of the file, created or updated from its first row; the customer
    numbers whose stored details changed; and the ids of the debtors to classify once the
    file is written (those whose VIP designation changed, and new ones with a credit note
    in the file). Only columns the file has are compared: a file without an e-mail column
    leaves stored e-mail addresses alone.

    A new debtor's history is this file's invoices, so it is stored classified and its
    cases open on its category's ladder; one with a credit note waits until the note is
    applied (it may close a case), and is then classified like a stored one."""
    first: dict[str, LedgerRow] = {}
    for row in rows:
        first.setdefault(row.customer_number, row)
    numbers = sorted(first)
    stored: dict[str, Debtor] = {}
    for start in range(0, len(numbers), CHUNK):
        stored.update((d.customer_number, d) for d in Debtor.objects.filter(customer_number__any=numbers[start:start + CHUNK]))
    fields = [name for name, column in DEBTOR_COLUMNS.items() if column in present or name == "name"]
    changed, classify, readdressed = [], [], []
    for number, debtor in stored.items():
        row = first[number]
        values = {name: getattr(row, DEBTOR_COLUMNS[name]) for name in fields}
        if "vip" in values and values["vip"] != debtor.vip:
            classify.append(debtor.pk)
        if any(getattr(debtor, name) != value for name, value in values.items()):
            if any(getattr(debtor, name) != values[name] for name in ADDRESS_FIELDS if name in values):
                readdressed.append(debtor)
            for name, value in values.items():
                setattr(debtor, name, value)
            changed.append(debtor)
    bulk_set(Debtor, changed, fields)
    # A case waiting for an address goes on once a row brings one (debtors.services).
    addresses_found(debtors=readdressed, on=today)
    new = [first[number] for number in numbers if number not in stored]
    classified = _classify_new(creditor, new=new, rows=rows, today=today)
    now = timezone.now()
    writer.expect(Debtor, len(new))
    for row in new:
        known = classified.get(row.customer_number)
        pk = writer.add(Debtor, debtor_row(creditor_id=creditor.pk, row=row, classification=known, today=today,
                                           now=now), keyed=True)
        stored[row.customer_number] = NewDebtor(pk=pk, category=known.category if known else Category.NORMAL,
                                                is_consumer=row.customer_type == CustomerType.CONSUMER)
        if known is None:
            classify.append(pk)
    return stored, {d.customer_number for d in changed}, classify


def _classify_new(creditor, *, new: list[LedgerRow], rows: list[LedgerRow], today: datetime.date) -> dict:
    """customer number → Classification of the new customers without a credit note in the file."""
    waiting = {row.customer_number for row in rows if row.is_credit_note}
    invoices = {row.customer_number: [] for row in new if row.customer_number not in waiting}
    for row in rows:  # in file order: the order their invoices are added in (invoices_open)
        if row.customer_number in invoices:
            invoices[row.customer_number].append((row.invoice_date, row.due_date, stored_paid_on(row),
                                                  opening_principal(row, {}) > 0))
    first = {row.customer_number: row for row in new}
    return classify_new(creditor=creditor, invoices=invoices, on=today,
                        identities={number: first[number].identity_number for number in invoices},
                        vips={number: first[number].vip for number in invoices})


def stored_paid_on(row: LedgerRow) -> datetime.date | None:
    """The invoice's paid_on as stored: the file's date counts once nothing is open."""
    return row.paid_on if row.open_amount == 0 else None


def opening_principal(row: LedgerRow, credited: dict) -> Decimal:
    """The principal a new invoice's case opens with (none if it is not positive). A credit
    note in the same file may or may not be netted into the open amount already."""
    return min(row.amount, row.open_amount + credited.get(row.invoice_number, ZERO))


class Openings:
    """The new invoices and the principal each case opens with (none: no case), and what
    planning the cases reads (ladders, fee caps): read once, up front."""

    def __init__(self, rows: list[LedgerRow], credited: dict):
        self.rows, self.credited = rows, credited
        self.principals = [opening_principal(row, credited) for row in rows]
        self.ladder_of, self.caps = ladders(), fee_caps()


def invoices_open(creditor, openings: Openings, debtors: dict[str, Debtor | NewDebtor], *, today: datetime.date,
                  actor, writer: BulkWriter) -> dict[str, StoredInvoice]:
    """Add the new invoices and, for each still open, its case with the principal entry, the
    opening event and the first step planned. Returns number → StoredInvoice of those this
    file's credit notes credit, as if read back."""
    now = timezone.now()
    writer.expect(Invoice, len(openings.rows))
    writer.expect(Case, sum(1 for principal in openings.principals if principal > 0))
    credited = {}
    for row, principal in zip(openings.rows, openings.principals):
        debtor = debtors[row.customer_number]
        invoice_id = writer.add(Invoice, invoice_row(creditor_id=creditor.pk, debtor_id=debtor.pk, row=row, now=now),
                                keyed=True)
        case_id = _case_open(creditor, openings, row=row, invoice_id=invoice_id, debtor=debtor, principal=principal,
                             today=today, now=now, actor=actor, writer=writer) if principal > 0 else None
        if row.invoice_number in openings.credited:
            credited[row.invoice_number] = StoredInvoice(
                invoice_id, row.invoice_number, row.customer_number, row.invoice_date, row.due_date, row.amount,
                row.currency, row.reminder_fee_agreed, stored_paid_on(row), row.open_amount, case_id)
    return credited


def _case_open(creditor, openings: Openings, *, row: LedgerRow, invoice_id: int, debtor: Debtor | NewDebtor,
               principal: Decimal, today: datetime.date, now: datetime.datetime, actor, writer: BulkWriter) -> int:
    """What `dunning.services.case_open_and_plan` does for one invoice, as rows; the case's id."""
    plan = Planned()
    facts = CaseFacts(due_date=row.due_date, is_consumer=debtor.is_consumer,
                      reminder_fee_agreed=row.reminder_fee_agreed, principal=principal)
    set_plan(plan, plan_next(facts, openings.ladder_of[debtor.category], openings.caps), review_open=False)
    case = NewCase(pk=writer.add(Case, case_row(creditor_id=creditor.pk, invoice_id=invoice_id, debtor_id=debtor.pk,
                                                currency=row.currency, opened_on=today, next_action=plan.next_action,
                                                next_step_on=plan.next_step_on, at=now),
                                 keyed=True),
                   creditor_id=creditor.pk, currency=row.currency)
    writer.add(LedgerEntry, entry_build(case=case, kind=EntryKind.PRINCIPAL, amount=principal,
                                        booked_on=row.invoice_date, text=f"Faktura {row.invoice_number}", at=now))
    writer.add(CaseEvent, event_row(case=case, code="cases.case.opened", actor=actor, at=now, on=today,
                                                    data={"invoice": row.invoice_number, "principal": str(principal),
                                          "currency": row.currency, "source": "ledger import"}))
    return case.pk
