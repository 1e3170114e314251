"""Allocate a payment file's matched payments in batches, by the rules one payment follows.

`payment_register` locks a case, loads its ledger and writes each entry, event and plan
on its own: some twenty statements a payment. A bank file brings tens of thousands, so
here a batch of up to 500 cases is locked and loaded in two queries, every payment runs
through `cases.reductions` on a collecting `Book`, and what they wrote goes in by bulk
insert: payments, ledger entries, events; then the settled cases close and the others are
replanned, a statement each for the batch. A test holds both paths to the same ledgers.
A case paid twice in one file takes its payments in file order, in successive batches.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils import timezone

from core.bulk import bulk_set, insert_rows
from core.tenancy import creditor_scope
from debtors.models import CustomerType

from .events import EVENT_FIELDS, SYSTEM
from .ledger import ENTRY_FIELDS
from .models import Case, CaseEvent, EntryKind, LedgerEntry, Outcome, Payment, QueueItem
from .payments import payment_event
from .reductions import Book, Row, reduce, settled
from .services import stage_change_text
from .stages import ClosedReason, OPEN_STAGES, Stage, can_transition

BATCH_SIZE = 500
PAYMENT_FIELDS = ["creditor", "case", "amount", "currency", "paid_on", "source", "reference", "account",
                  "ocr_reference", "free_text", "payer", "file", "record", "unmatched_reason", "created_at"]
CASE_READS = ["creditor_id", "stage", "closed_reason", "closed_on", "hold_reason", "resume_stage", "currency",
              "next_action", "next_step_on"]
CLOSE_FIELDS = ["stage", "closed_reason", "hold_reason", "resume_stage", "closed_on", "next_step_on"]


@dataclass
class Matched:
    """A parsed payment and the case it matched; `allocation` once allocated."""

    parsed: object  # cases.payment_files.ParsedPayment
    case_id: int
    allocation: object = None


def allocate_matched(creditor_id: int, items: list[Matched], *, file, source: str) -> None:
    """Store and allocate the creditor's matched payments (in file order), batch by batch."""
    from dunning.facts import ladders
    from dunning.selectors import contractual_rates, fee_caps, reference_rates

    with creditor_scope(creditor_id):
        context = {"rates": reference_rates(), "fixed": contractual_rates(), "ladders": ladders(),
                   "caps": fee_caps(), "creditor_id": creditor_id, "file": file, "source": source}
        for batch in _batches(items):
            _allocate(batch, context)


def _batches(items: list[Matched]):
    """Runs of at most BATCH_SIZE items with each case once; a case's later payments go later."""
    batch, cases = [], set()
    for item in items:
        if len(batch) == BATCH_SIZE or item.case_id in cases:
            yield batch
            batch, cases = [], set()
        batch.append(item)
        cases.add(item.case_id)
    if batch:
        yield batch


def _allocate(batch: list[Matched], context: dict) -> None:
    now = timezone.now()
    ids = [item.case_id for item in batch]
    cases = _cases_locked(ids)
    entries: dict[int, list] = defaultdict(list)
    for row in (LedgerEntry.objects.filter(case_id__any=ids).order_by("booked_on", "id")
                .values_list("case_id", "kind", "component", "amount", "booked_on", "applies_to")):
        entries[row[0]].append(Row(*row))
    payments = _payments_insert(batch, cases, context, now)
    pending, events, closing, replanning = [], [], [], []
    for item, payment in zip(batch, payments):
        case = cases[item.case_id]
        book = Book(case, entries[case.pk], context["rates"], context["fixed"].get(case.debtor.category), pending)
        item.allocation = payment.allocation = reduce(book, payment.amount, on=payment.paid_on, kind=EntryKind.PAYMENT,
                                                      payment=payment, reference=payment.reference)
        event = payment_event(payment, payment.allocation)
        events.append((case.creditor_id, case.pk, now, event["on"], SYSTEM, event["code"], event["text"],
                       event["data"]))
        if case.stage == Stage.CLOSED:
            continue
        if settled(book, on=payment.paid_on) and can_transition(case.stage, Stage.CLOSED):
            closing.append((case, payment.paid_on))
        elif case.stage in OPEN_STAGES:
            replanning.append(case)
    insert_rows(LedgerEntry, [*ENTRY_FIELDS, "payment"], [
        (context["creditor_id"], e.case_id, e.kind, e.component, e.amount, cases[e.case_id].currency, e.booked_on,
         e.text, e.reference, e.applies_to, now, e.payment_id) for e in pending])
    events += _close(closing, now)
    insert_rows(CaseEvent, EVENT_FIELDS, events)
    _replan(replanning, entries, context)


def payment_account(parsed, source: str) -> str:
    """The receiving account a bank's reference is unique for (a CSV's references are the creditor's)."""
    return "" if source == "csv" else parsed.receiver_account[:34]


def payment_row(parsed, *, creditor_id, case_id, file, source: str, now, reason: str = "", currency: str = "") -> tuple:
    """A parsed payment as a row in PAYMENT_FIELDS order: matched (`case_id`, booked in the case's
    `currency`) or kept for an agent (`reason`)."""
    return (creditor_id, case_id, parsed.amount, currency or parsed.currency, parsed.paid_on, source, parsed.reference[:100],
            payment_account(parsed, source), parsed.ocr_reference[:25], parsed.free_text[:200], parsed.payer[:200],
            file.pk, parsed.record, reason[:200], now)


def _cases_locked(ids: list[int]) -> dict[int, SimpleNamespace]:
    """Lock the batch's cases; what the rules, the plan and the closing read of each, as light
    objects shaped like a case with its invoice and debtor (model instances cost more than the rules)."""
    rows = (Case.objects.filter(pk__any=ids).select_for_update(of=("self",)).order_by("pk")
            .values_list("pk", *CASE_READS, "invoice__due_date", "invoice__reminder_fee_agreed", "debtor__category",
                         "debtor__customer_type"))
    cases = {}
    for pk, *fields, due_date, fee_agreed, category, customer_type in rows:
        case = SimpleNamespace(pk=pk, **dict(zip(CASE_READS, fields)))
        case.invoice = SimpleNamespace(due_date=due_date, reminder_fee_agreed=fee_agreed)
        case.debtor = SimpleNamespace(category=category, is_consumer=customer_type == CustomerType.CONSUMER)
        cases[pk] = case
    return cases


def _payments_insert(batch: list[Matched], cases: dict, context: dict, now) -> list[SimpleNamespace]:
    """Insert the batch's payments; what the rules and the event read of each (a model instance costs more)."""
    rows = [payment_row(item.parsed, creditor_id=context["creditor_id"], case_id=item.case_id, file=context["file"],
                        source=context["source"], now=now, currency=cases[item.case_id].currency) for item in batch]
    ids = insert_rows(Payment, PAYMENT_FIELDS, rows, returning=True)
    return [SimpleNamespace(pk=pk, amount=row[2], paid_on=row[4], source=row[5], reference=row[6])
            for pk, row in zip(ids, rows)]


def _close(closing: list[tuple[Case, datetime.date]], now) -> list[tuple]:
    """Close the settled cases as paid (what `case_transition` does, for many); their events."""
    events = []
    for case, on in closing:
        source = case.stage
        case.stage, case.closed_reason, case.closed_on, case.next_step_on = Stage.CLOSED, ClosedReason.PAID, on, None
        case.hold_reason = case.resume_stage = ""
        events.append((case.creditor_id, case.pk, now, on, SYSTEM, "cases.stage.changed",
                       stage_change_text(source, Stage.CLOSED, closed_reason=ClosedReason.PAID),
                       {"from": source, "to": Stage.CLOSED, "reason": ClosedReason.PAID}))
    bulk_set(Case, [case for case, _ in closing], CLOSE_FIELDS)
    by_day = defaultdict(list)
    for case, on in closing:
        by_day[on].append(case.pk)
    for on, ids in by_day.items():  # a closed case needs no more calls or reviews
        QueueItem.objects.filter(case_id__any=ids, outcome="").update(outcome=Outcome.CANCELLED, decided_on=on,
                                                                     decided_by="system")
    return events


def _replan(cases: list, entries: dict, context: dict) -> None:
    """What `case_replan` does, for many: the next step from the facts after the payment."""
    from dunning.planning import cases_replan

    cases_replan(cases, entries, ladder_of=context["ladders"], caps=context["caps"])
    bulk_set(Case, cases, ["next_action", "next_step_on"])
