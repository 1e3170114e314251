"""Money in: payments, credit notes and settlements, one case at a time.

The rules (costs → interest → principal, interest recomputed) live in `cases.reductions`;
these services lock the case, run them on its ledger, log what happened, and close a case
whose total reaches zero as paid (cancelling its pending steps) or replan it. What is
paid beyond the total is recorded as owed back to the debtor. A payment file allocates
many payments at once with the same rules (`payments.batch`).
"""
import datetime
from decimal import Decimal

from django.db import transaction

from cases.events import log_event
from cases.models import Case, Component, EntryKind, Payment, PaymentSource
from cases.reductions import Book, reallocate_overpaid_interest, reduce, settled, true_up_interest
from cases.services import case_transition
from cases.stages import OPEN_STAGES, ClosedReason, Stage
from core.errors import ValidationError
from core.money import format_sek, round_ore
from dunning.balances import book_of
from dunning.holds import queue_cancel
from dunning.planning import case_replan
from webhooks import events as hooks
from webhooks.outbox import emit

from .event_texts import CREDIT_APPLIED, PAYMENT_ALLOCATED, WHY_SETTLED_BY_CREDITOR


def _locked(case: Case) -> Case:
    return Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=case.pk)


@transaction.atomic
def payment_register(*, case: Case, amount: Decimal, paid_on: datetime.date, source: str = PaymentSource.DIRECT,
                     reference: str = "", payer: str = "", actor=None, **details) -> Payment:
    """Record a payment for the case and allocate it (costs, interest, principal, overpayment).

    `details`: where it came from (file, record, account, free_text, ocr_reference). The
    returned payment carries its `allocation` (not stored: the ledger entries are)."""
    amount = Decimal(amount)
    if amount <= 0 or amount != round_ore(amount):
        raise ValidationError(f"a payment must be a positive amount in whole öre, not {amount}")
    if source not in PaymentSource.values:
        raise ValidationError(f"unknown payment source {source!r}")
    case = _locked(case)
    details.setdefault("ocr_reference", case.ocr_reference)
    payment = Payment.objects.create(creditor_id=case.creditor_id, case=case, amount=amount, currency=case.currency,
                                     paid_on=paid_on, source=source, reference=reference, payer=payer, **details)
    return payment_allocate(case, payment, actor=actor)


def payment_allocate(case: Case, payment: Payment, *, actor=None) -> Payment:
    """Allocate a stored payment of the (locked) case, log it, and close the case if settled."""
    book = book_of(case)
    payment.allocation = reduce(book, payment.amount, on=payment.paid_on, kind=EntryKind.PAYMENT, payment=payment,
                                reference=payment.reference)
    event = payment_event(payment, payment.allocation)
    log_event(case=case, actor=actor, code=event["code"], on=event["on"], data=event["data"])
    emit(creditor_id=case.creditor_id, type=hooks.PAYMENT_ALLOCATED, data=payment_hook(payment, payment.allocation))
    _close_if_settled(book, on=payment.paid_on, reason=ClosedReason.PAID, actor=actor)
    return payment


def payment_event(payment: Payment, allocation) -> dict:
    """The `cases.payment.allocated` event's fields: what the payment paid, part by part."""
    amount, paid_on = payment.amount, payment.paid_on
    data = {"payment": payment.pk, "amount": str(amount), "paid_on": paid_on.isoformat(), "source": payment.source,
            "fees": [[k, str(a)] for k, a in allocation.fees], "interest": str(allocation.interest),
            "principal": str(allocation.principal), "overpayment": str(allocation.overpayment)}
    return dict(code=PAYMENT_ALLOCATED, on=paid_on, data=data)


def payment_hook(payment: Payment, allocation) -> dict:
    """The `payment.allocated` webhook's data (`webhooks.events`)."""
    return hooks.payment_allocated(payment_id=payment.pk, case_id=payment.case_id, amount=payment.amount,
                                   currency=payment.currency, paid_on=payment.paid_on, source=payment.source,
                                   fees=allocation.fees, interest=allocation.interest,
                                   principal=allocation.principal, overpayment=allocation.overpayment)


def _close_if_settled(book: Book, *, on: datetime.date, reason: str, actor=None) -> None:

    case = book.case
    if case.stage == Stage.CLOSED:
        return
    if settled(book, on=on):
        case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=reason)
        queue_cancel(case=case, on=on)
    elif case.stage in OPEN_STAGES:
        case_replan(case)


@transaction.atomic
def case_settle_by_creditor(*, case: Case, on: datetime.date, actor=None) -> Case:
    """The creditor reports the invoice settled with it (a ledger row with open amount 0):
    what is still owed on the case is written off, and it closes as paid."""
    case = _locked(case)
    if case.stage == Stage.CLOSED:
        return case
    book = book_of(case)
    latest = max(on, book.latest)
    total = book.balance(latest).total
    if total > 0:
        reduce(book, total, on=latest, kind=EntryKind.WRITE_OFF, reference="settled with the creditor")
    case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=ClosedReason.PAID,
                    why=WHY_SETTLED_BY_CREDITOR)
    queue_cancel(case=case, on=on)
    return case


@transaction.atomic
def credit_note_apply(*, case: Case, amount: Decimal, on: datetime.date, reference: str = "", actor=None) -> Case:
    """The creditor credits (part of) the invoice as of `on`, the credit note's date: the
    principal it takes off accrues no interest after that day, and interest is recomputed
    back to it as for a back-dated payment (interest later payments paid that is no longer
    owed moves on to principal, `reallocate_overpaid_interest`).

    A credit note dated before the case was opened (before the hand-over) still counts from
    its date on the ledger, since interest runs from the due date whether or not the claim
    had been handed over; the case's timeline and its closing are dated no earlier than
    its opening."""
    amount = Decimal(amount)
    case = _locked(case)
    book = book_of(case)
    principal = book.principal
    if amount <= 0 or amount > principal:
        raise ValidationError(f"a credit note reduces the unpaid principal ({format_sek(principal)} kr); "
                              f"{format_sek(amount)} kr is not possible")
    book.post(kind=EntryKind.CREDIT, component=Component.PRINCIPAL, amount=-amount, booked_on=on,
              reference=reference, text="Kreditfaktura")
    true_up_interest(book, on=book.latest)
    reallocate_overpaid_interest(book, on=book.latest)
    logged_on = max(on, case.opened_on)
    log_event(case=case, code=CREDIT_APPLIED, actor=actor, on=logged_on,
              data={"amount": str(amount), "reference": reference, "credited_on": on.isoformat()})
    if amount == principal:
        _write_off_rest(book, on=on)
        case_transition(case=case, to=Stage.CLOSED, on=logged_on, actor=actor, closed_reason=ClosedReason.CREDITED)

        queue_cancel(case=case, on=logged_on)
    else:
        _close_if_settled(book, on=logged_on, reason=ClosedReason.PAID, actor=actor)
    return case


def _write_off_rest(book: Book, *, on: datetime.date) -> None:
    """A claim credited in full owes no fees or interest either."""
    latest = max(on, book.latest)  # fees charged after the credit's date too
    balance = book.balance(latest)
    if balance.fees + balance.interest > 0:
        reduce(book, balance.fees + balance.interest, on=latest, kind=EntryKind.WRITE_OFF,
               reference="credited in full")
