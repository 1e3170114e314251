"""Writes about cases: opening a case for an invoice, stage transitions, ledger postings.

Every state change has one shape: atomic → select_for_update → check a predicate →
change → save(update_fields) → log_event → side effects on commit.
"""
import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from core.bulk import OneByOne
from core.errors import TransitionNotAllowed, ValidationError
from core.money import round_ore
from webhooks.outbox import outbox_for

from .event_texts import CASE_OPENED, NOTE_ADDED, STAGE_CHANGED
from .events import log_event
from .hooks import stage_hooks
from .ledger import NewEntry
from .models import KIND_COMPONENT, Case, EntryKind, Invoice, LedgerEntry
from .ocr import ocr_reference
from .stages import ClosedReason, HoldReason, Stage, can_transition


def entry_component(kind: str, component: str | None, amount: Decimal) -> str:
    """The component an entry of `kind` books on; refuses an amount that is not whole öre."""
    if amount != round_ore(amount):
        raise ValidationError(f"ledger amount {amount} is not in whole öre")
    if component is None:
        if kind not in KIND_COMPONENT:
            raise ValidationError(f"a {kind} entry needs the component it reduces")
        component = KIND_COMPONENT[kind]
    return component


def entry_build(*, case: Case, kind: str, amount: Decimal, booked_on: datetime.date, component: str | None = None,
                text: str = "", reference: str = "", applies_to: str = "", payment=None,
                at: datetime.datetime | None = None) -> NewEntry:
    """One ledger entry for the case, checked, as a row: `entry_post` saves it, the bulk paths
    insert many (`core.bulk.BulkWriter`). `case`: anything with its pk, creditor_id and currency."""
    amount = Decimal(amount)
    # By position: a payment file builds one per part of a payment, and keywords cost twice as much.
    return NewEntry(case.creditor_id, case.pk, kind, entry_component(kind, component, amount), amount, case.currency,
                    booked_on, text, reference, applies_to, payment.pk if payment is not None else None,
                    at or timezone.now())


def entry_post(*, case: Case, payment=None, **fields) -> LedgerEntry:
    """Append one entry to the case's ledger. Charges are positive; reductions negative."""
    entry = LedgerEntry(**entry_build(case=case, payment=payment, **fields)._asdict())
    entry.case = case
    if payment is not None:
        entry.payment = payment
    entry.save(force_insert=True)
    return entry


class CaseRow(NamedTuple):
    """A new Case to insert, as `case_row` builds it."""

    creditor_id: int
    invoice_id: int
    debtor_id: int
    stage: str
    closed_reason: str
    hold_reason: str
    resume_stage: str
    currency: str
    ocr_reference: str
    opened_on: datetime.date
    next_action: str
    next_step_on: datetime.date | None
    created_at: datetime.datetime


def case_row(*, creditor_id: int, invoice_id: int, debtor_id: int, currency: str, opened_on: datetime.date,
             next_action: str = "", next_step_on: datetime.date | None = None,
             at: datetime.datetime | None = None) -> CaseRow:
    """A case opened for an invoice, in the reminder stage (with its first plan, if known)."""
    return CaseRow(creditor_id=creditor_id, invoice_id=invoice_id, debtor_id=debtor_id, stage=Stage.REMINDER,
                   closed_reason="", hold_reason="", resume_stage="", currency=currency,
                   ocr_reference=ocr_reference(invoice_id), opened_on=opened_on, next_action=next_action,
                   next_step_on=next_step_on, created_at=at or timezone.now())


@transaction.atomic
def case_open(*, invoice: Invoice, opened_on: datetime.date, principal: Decimal | None = None, actor=None) -> Case:
    """Open the case for an invoice: its principal is the open amount (default: the invoice amount).
    Its first step is planned by `dunning.services.case_open_and_plan`."""
    principal = invoice.amount if principal is None else principal
    if principal <= 0:
        raise ValidationError(f"invoice {invoice.invoice_number}: nothing is open to collect")
    case = Case.objects.create(**case_row(creditor_id=invoice.creditor_id, invoice_id=invoice.pk,
                                          debtor_id=invoice.debtor_id, currency=invoice.currency,
                                          opened_on=opened_on)._asdict())
    entry_post(case=case, kind=EntryKind.PRINCIPAL, amount=principal, booked_on=invoice.invoice_date,
               text=f"Faktura {invoice.invoice_number}")
    log_event(case=case, code=CASE_OPENED, actor=actor, on=opened_on,
              data={"invoice": invoice.invoice_number, "principal": str(principal), "currency": invoice.currency})
    return case


@transaction.atomic
def case_transition(*, case: Case, to: str, on: datetime.date, actor=None, closed_reason: str = "",
                    hold_reason: str = "", why: str = "", details: dict | None = None) -> Case:
    """Move the case to another stage, as the transitions table allows.

    `why`: a registered event code whose sentence tells why, shown instead of the stage
    arrow (`dunning.promise.lapsed`), with what that sentence needs in `details`."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_transition(case.stage, to):
        raise TransitionNotAllowed(f"a case in stage {case.stage} cannot move to {to}",
                                   detail={"from": case.stage, "to": to})
    source, resume_stage = case.stage, case.resume_stage
    if source == Stage.ON_HOLD and to != Stage.CLOSED and to != resume_stage:
        raise TransitionNotAllowed(f"an on-hold case resumes only to the stage it was held from ({resume_stage})",
                                   detail={"from": source, "to": to})
    case.closed_reason, case.hold_reason, case.resume_stage, case.closed_on = "", "", "", None
    if to == Stage.CLOSED:
        if closed_reason not in ClosedReason.values:
            raise ValidationError(f"closing a case needs a reason: {', '.join(ClosedReason.values)}")
        case.closed_reason, case.closed_on, case.next_step_on = closed_reason, on, None
    elif to == Stage.ON_HOLD:
        if hold_reason not in HoldReason.values:
            raise ValidationError(f"holding a case needs a reason: {', '.join(HoldReason.values)}")
        case.hold_reason, case.resume_stage = hold_reason, source
    case.stage = to
    case.save(update_fields=["stage", "closed_reason", "hold_reason", "resume_stage", "closed_on", "next_step_on"])
    reason = closed_reason or hold_reason
    data = {**(details or {}), "from": source, "to": to, "reason": reason}
    if why:
        data["why"] = why
    log_event(case=case, code=STAGE_CHANGED, actor=actor, on=on, data=data)
    stage_hooks(outbox_for(case.creditor_id), OneByOne(), case=case, source=source, to=to, reason=reason, on=on)
    return case


NOTE_LENGTH = 2000


def case_note_add(*, case: Case, text: str, on: datetime.date, actor=None):
    """A note on the case's timeline: what the creditor's staff or an agent want remembered."""
    text = text.strip()
    if not text:
        raise ValidationError("a note says something", detail={"field": "text"})
    if len(text) > NOTE_LENGTH:
        raise ValidationError(f"a note is at most {NOTE_LENGTH} characters, not {len(text)}",
                              detail={"field": "text"})
    return log_event(case=case, code=NOTE_ADDED, actor=actor, on=on, data={"note": text})
