"""The row-by-row half of a ledger import: a stored invoice whose row says something new.

These are few in a file (most rows are new or unchanged), and each goes through the
cases services, which lock the case and keep its ledger and plan right.
"""
import datetime
from decimal import Decimal

from cases.models import Case, Invoice, PaymentSource
from core.money import ZERO
from dunning.planning import case_replan
from payments.services import case_settle_by_creditor, payment_register

from .checks import StoredInvoice, reported_open
from .rows import LedgerRow


def credit_note_reference(number: str) -> str:
    """The ledger reference a credit note is applied under: the key that makes it apply once."""
    return f"kreditfaktura {number}"


def invoice_changes(invoice: StoredInvoice, row: LedgerRow) -> bool:
    """Whether the row says anything new about the stored invoice (cheap: no queries)."""
    return (invoice.reminder_fee_agreed != row.reminder_fee_agreed or bool(row.paid_on) and invoice.paid_on != row.paid_on
            or row.open_amount != reported_open(invoice))


def invoice_update(stored: StoredInvoice, row: LedgerRow, *, credited: Decimal | None, on: datetime.date,
                   actor=None) -> bool:
    """Apply what the row says about a stored invoice; True if anything changed.

    A lower open amount than last reported is money the creditor received: registered
    as a direct payment, less what this file's credit notes on the invoice explain."""
    invoice = Invoice.objects.get(pk=stored.pk)
    changed = []
    if invoice.reminder_fee_agreed != row.reminder_fee_agreed:
        invoice.reminder_fee_agreed = row.reminder_fee_agreed
        changed.append("reminder_fee_agreed")
    if row.paid_on and invoice.paid_on != row.paid_on:
        invoice.paid_on = row.paid_on
        changed.append("paid_on")
    before = reported_open(invoice)
    if row.open_amount != before:
        invoice.open_amount_reported = row.open_amount
        changed.append("open_amount_reported")
    if not changed:
        return False
    invoice.save(update_fields=changed)
    case = Case.objects.filter(invoice=invoice).select_related("invoice", "debtor").first()
    if case is None or not case.is_open:
        return True
    paid_directly = before - row.open_amount - (credited or ZERO)
    if paid_directly > 0:
        payment_register(case=case, amount=paid_directly, paid_on=on, source=PaymentSource.DIRECT, actor=actor)
    if row.open_amount == 0:
        case_settle_by_creditor(case=case, on=on, actor=actor)
    elif "reminder_fee_agreed" in changed:
        case = Case.objects.select_for_update().select_related("invoice", "debtor").get(pk=case.pk)
        if case.is_open:
            case_replan(case)
    return True
