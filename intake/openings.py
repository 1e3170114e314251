"""The bulk half of a ledger import: new and changed debtors, new invoices and their cases.

A file is mostly new invoices, so they are written as rows in a few statements per
table (`core.bulk`), with each new case's first step planned by the engine in memory;
the result is the same as `dunning.services.case_open_and_plan` per invoice (a test compares them).
"""
import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from cases.events import EVENT_FIELDS, actor_label
from cases.ledger import ENTRY_FIELDS
from cases.models import Case, CaseEvent, Component, EntryKind, Invoice, LedgerEntry
from cases.ocr import ocr_reference
from cases.services import case_opened_text
from cases.stages import Stage
from classification.services import classify_new
from core.bulk import bulk_set, draw_ids, insert_rows
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
DEBTOR_COLUMNS = {"name": "customer_name", "customer_type": "customer_type", "identity_number": "identity_number",
                  "email": "email", "phone": "phone", "address": "address", "postal_code": "postal_code",
                  "city": "city", "country": "country", "language": "language", "vip": "vip"}
DEBTOR_FIELDS = ["creditor", "customer_number", *DEBTOR_COLUMNS, "email_letters_agreed", "category",
                 "category_reasons", "category_since", "override_category", "override_note", "created_at"]
INVOICE_FIELDS = ["creditor", "debtor", "invoice_number", "invoice_date", "due_date", "amount", "currency",
                  "reminder_fee_agreed", "paid_on", "open_amount_reported", "created_at"]
CASE_FIELDS = ["creditor", "invoice", "debtor", "stage", "closed_reason", "hold_reason", "resume_stage", "currency",
               "ocr_reference", "opened_on", "next_action", "next_step_on", "created_at"]


def debtors_save(creditor, rows: list[LedgerRow], present: set[str],
                 today: datetime.date) -> tuple[dict[str, Debtor], set[str], list[int]]:
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
    classified = _classify_new(creditor, new, rows, today)
    now = timezone.now()
    ids = insert_rows(Debtor, DEBTOR_FIELDS, [
        (creditor.pk, row.customer_number, *(getattr(row, column) for column in DEBTOR_COLUMNS.values()), False,
         *_category_columns(classified.get(row.customer_number), today), "", "", now) for row in new], returning=True)
    for pk, row in zip(ids, new):  # what the cases need of a new debtor; a model instance costs 20 µs
        known = classified.get(row.customer_number)
        stored[row.customer_number] = SimpleNamespace(pk=pk, category=known.category if known else Category.NORMAL,
                                                      is_consumer=row.customer_type == CustomerType.CONSUMER)
        if known is None:
            classify.append(pk)
    return stored, {d.customer_number for d in changed}, classify


def _classify_new(creditor, new: list[LedgerRow], rows: list[LedgerRow], today: datetime.date) -> dict:
    """customer number → Classification of the new customers without a credit note in the file."""
    waiting = {row.customer_number for row in rows if row.is_credit_note}
    invoices = {row.customer_number: [] for row in new if row.customer_number not in waiting}
    for row in rows:  # in file order: the order their ids are drawn in (invoices_open)
        if row.customer_number in invoices:
            invoices[row.customer_number].append((row.invoice_date, row.due_date, stored_paid_on(row),
                                                  opening_principal(row, {}) > 0))
    first = {row.customer_number: row for row in new}
    return classify_new(creditor=creditor, invoices=invoices, on=today,
                        identities={number: first[number].identity_number for number in invoices},
                        vips={number: first[number].vip for number in invoices})


def _category_columns(classification, today: datetime.date) -> tuple:
    """category, reasons and since of a new debtor: as classified, or normal until it is."""
    if classification is None:
        return Category.NORMAL, [], None
    return classification.category, classification.reasons, today


def stored_paid_on(row: LedgerRow) -> datetime.date | None:
    """The invoice's paid_on as stored: the file's date counts once nothing is open."""
    return row.paid_on if row.open_amount == 0 else None


def opening_principal(row: LedgerRow, credited: dict) -> Decimal:
    """The principal a new invoice's case opens with (none if it is not positive). A credit
    note in the same file may or may not be netted into the open amount already."""
    return min(row.amount, row.open_amount + credited.get(row.invoice_number, ZERO))


class Openings:
    """The new invoices, the cases they open (row, invoice id, principal) and what opening
    them needs from the database, read before the first row is written: inside
    `copies_behind` a query would wait for the COPYs before it."""

    def __init__(self, rows: list[LedgerRow], credited: dict):
        self.rows, self.credited = rows, credited
        self.invoice_ids = draw_ids(Invoice, len(rows))
        principals = ((row, pk, opening_principal(row, credited)) for pk, row in zip(self.invoice_ids, rows))
        self.opened = [(row, pk, principal) for row, pk, principal in principals if principal > 0]
        self.case_ids = draw_ids(Case, len(self.opened))
        self.ladder_of, self.caps = ladders(), fee_caps()


def invoices_open(creditor, openings: Openings, debtors: dict[str, Debtor], today: datetime.date,
                  actor) -> dict[str, StoredInvoice]:
    """Insert the new invoices and, for each still open, its case with the principal entry,
    the opening event and the first step planned. Returns number → StoredInvoice of those
    this file's credit notes credit, as if read back."""
    now = timezone.now()
    rows, ids = openings.rows, openings.invoice_ids
    insert_rows(Invoice, INVOICE_FIELDS, [
        (creditor.pk, debtors[row.customer_number].pk, row.invoice_number, row.invoice_date, row.due_date,
         row.amount, row.currency, row.reminder_fee_agreed, stored_paid_on(row), row.open_amount, now)
        for row in rows], ids=ids)
    _cases_open(creditor, openings, debtors, today, now, actor)
    case_of = {invoice_id: case_id for (_, invoice_id, _), case_id in zip(openings.opened, openings.case_ids)}
    return {row.invoice_number: StoredInvoice(pk, row.invoice_number, row.customer_number, row.invoice_date,
                                              row.due_date, row.amount, row.currency, row.reminder_fee_agreed,
                                              stored_paid_on(row), row.open_amount, case_of.get(pk))
            for pk, row in zip(ids, rows) if row.invoice_number in openings.credited}


def _cases_open(creditor, openings: Openings, debtors: dict[str, Debtor], today: datetime.date, now,
                actor) -> None:
    ladder_of, caps = openings.ladder_of, openings.caps
    cases = []
    for row, invoice_id, principal in openings.opened:
        debtor = debtors[row.customer_number]
        plan = SimpleNamespace()
        facts = CaseFacts(due_date=row.due_date, is_consumer=debtor.is_consumer,
                          reminder_fee_agreed=row.reminder_fee_agreed, principal=principal)
        set_plan(plan, plan_next(facts, ladder_of[debtor.category], caps), review_open=False)
        cases.append((creditor.pk, invoice_id, debtor.pk, Stage.REMINDER, "", "", "", row.currency,
                      ocr_reference(invoice_id), today, plan.next_action, plan.next_step_on, now))
    ids = insert_rows(Case, CASE_FIELDS, cases, ids=openings.case_ids)
    insert_rows(LedgerEntry, ENTRY_FIELDS, [
        (creditor.pk, pk, EntryKind.PRINCIPAL, Component.PRINCIPAL, principal, row.currency, row.invoice_date,
         f"Faktura {row.invoice_number}", "", "", now) for pk, (row, _, principal) in zip(ids, openings.opened)])
    who = actor_label(actor)
    insert_rows(CaseEvent, EVENT_FIELDS, [
        (creditor.pk, pk, now, today, who, "cases.case.opened",
         case_opened_text(row.invoice_number, principal, row.currency),
         {"invoice": row.invoice_number, "principal": str(principal), "source": "ledger import"})
        for pk, (row, _, principal) in zip(ids, openings.opened)])
