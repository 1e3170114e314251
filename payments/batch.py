"""Allocate a payment file's matched payments in batches, by the rules one payment follows.

`payment_register` locks a case, loads its ledger and writes each entry, event and plan
on its own: some twenty statements a payment. A bank file brings tens of thousands, so
here a batch of up to 500 cases is locked and loaded in a few queries, every payment runs
through `cases.reductions` on a collecting `Book`, and what they wrote goes in by bulk
insert: payments, ledger entries, events; the settled cases close and the others are
replanned, a statement each for the batch. A test holds both paths to the same ledgers.
A case paid twice in one file takes its payments in file order, in successive batches.
A payment that names several cases (`payments.spread`) is spread across them in its
batch, a payment row per case, or stored unmatched with the reason the rule gives.

The rows go to a `core.bulk.BulkWriter`, which draws the payments' ids and sends its
inserts as COPYs behind while the next batch is allocated. The next batch is read before
this one is sent (a read waits for the COPYs before it), and a case of the next batch
that this one paid too is taken as this batch left it, not read again.
"""
import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from cases.events import SYSTEM, EventRow, event_row
from cases.hooks import stage_hooks
from cases.models import Case, CaseEvent, EntryKind, LedgerEntry, Payment, PaymentFile
from cases.reductions import ROW_FIELDS, Book, Row, reduce, settled
from cases.stages import OPEN_STAGES, ClosedReason, Stage, can_transition
from core.bulk import BulkWriter, bulk_set
from core.tenancy import creditor_scope, scopes_disabled
from debtors.models import CustomerType
from dunning.facts import History, histories, ladders
from dunning.models import Outcome, QueueItem
from dunning.planning import cases_replan
from law.allocation import Allocation
from law.fees import FeeCaps
from law.interest import ReferenceRates
from law.selectors import fee_caps, reference_rates
from webhooks import events as hooks
from webhooks.outbox import Outbox, outbox_for

from .files.records import ParsedPayment
from .services import payment_event
from .spread import several_reason, spread

BATCH_SIZE = 500
CLOSE_FIELDS = ["stage", "closed_reason", "hold_reason", "resume_stage", "closed_on", "next_step_on"]


class PaymentRow(NamedTuple):
    """A Payment to insert, as `payment_row` builds it from a parsed payment."""

    creditor_id: int | None
    case_id: int | None
    amount: Decimal
    currency: str
    paid_on: datetime.date
    source: str
    reference: str
    account: str
    ocr_reference: str
    free_text: str
    payer: str
    file_id: int
    record: int | None
    unmatched_reason: str
    created_at: datetime.datetime
    identity: str
    part: int
    duplicate_of_id: int | None


# The columns of a bulk-inserted payment (`core.bulk`), in its row's order.
PAYMENT_FIELDS = list(PaymentRow._fields)


class CasesOfAnotherCreditor(RuntimeError):
    """A batch for one creditor holds another creditor's case. A programming error, not a
    user's: the matcher hands each creditor only its own cases (`payments.importing`), so
    nothing is stored and no user can act on it."""


class Booked(NamedTuple):
    """A payment as the rules and its event read it: its id (drawn by the writer) and row."""

    pk: int
    row: PaymentRow

    @property
    def amount(self) -> Decimal:
        return self.row.amount

    @property
    def paid_on(self) -> datetime.date:
        return self.row.paid_on

    @property
    def source(self) -> str:
        return self.row.source

    @property
    def reference(self) -> str:
        return self.row.reference


@dataclass
class Matched:
    """A parsed payment and the case it matched; `allocation` once allocated.

    A payment naming several cases: `cases` holds them all (the first is `case_id`) and
    `references` the OCR reference that named each; `reason` says why it was not spread."""

    parsed: ParsedPayment
    case_id: int
    allocation: Allocation | None = None
    cases: tuple = ()
    references: tuple = ()
    reason: str = ""

    @property
    def case_ids(self) -> tuple:
        return self.cases or (self.case_id,)


@dataclass(frozen=True)
class FileContext:
    """What every batch of one creditor's part of a file reads: loaded once."""

    creditor_id: int
    file: PaymentFile
    source: str
    now: datetime.datetime
    rates: ReferenceRates
    ladders: dict
    caps: FeeCaps
    outbox: Outbox  # the creditor's webhooks (`webhooks.outbox`)


@dataclass
class Loaded:
    """A batch's cases (locked), their ledgers and their history, as read."""

    cases: dict  # id → LockedCase
    entries: dict  # id → [Row], oldest first
    history: History


@dataclass
class Allocated:
    """What allocating a batch changed in the cases, to be stored (its rows are in the writer)."""

    closing: list = field(default_factory=list)  # (case, paid on)
    replanning: list = field(default_factory=list)


def allocate_matched(creditor_id: int, items: list[Matched], *, file: PaymentFile, source: str) -> None:
    """Store and allocate the creditor's matched payments (in file order), batch by batch."""
    parts = sum(len(item.case_ids) for item in items)
    with creditor_scope(creditor_id), BulkWriter(expect={Payment: parts}) as writer:
        context = FileContext(creditor_id=creditor_id, file=file, source=source, now=timezone.now(),
                              rates=reference_rates(), ladders=ladders(), caps=fee_caps(),
                              outbox=outbox_for(creditor_id))
        batches = list(_batches(items))
        loaded = _load(_case_ids(batches[0]), previous=None, creditor_id=creditor_id) if batches else None
        for index, batch in enumerate(batches):
            allocated = _allocate(batch, loaded=loaded, context=context, writer=writer)
            if index + 1 < len(batches):  # read before this batch's rows are sent, so as not to wait for them
                loaded = _load(_case_ids(batches[index + 1]), previous=loaded, creditor_id=creditor_id)
            _store(allocated, writer=writer)


def _batches(items: list[Matched]):
    """Runs of at most BATCH_SIZE items with each case once; a case's later payments go later."""
    batch, cases = [], set()
    for item in items:
        if len(batch) == BATCH_SIZE or cases.intersection(item.case_ids):
            yield batch
            batch, cases = [], set()
        batch.append(item)
        cases.update(item.case_ids)
    if batch:
        yield batch


def _case_ids(batch: list[Matched]) -> list[int]:
    return [pk for item in batch for pk in item.case_ids]


def _load(ids: list[int], *, previous: Loaded | None, creditor_id: int) -> Loaded:
    """Lock and read the batch's cases; one that the previous batch paid (whose rows are not
    stored yet) is taken from it as that batch left it.

    The queries name the cases by id, without the creditor filter of the tenant scope:
    with it, PostgreSQL may scan all the creditor's rows instead of looking the ids up, as
    it estimates a creditor it has few statistics on (a new one, say) as small. That the
    cases are the creditor's is checked here instead."""
    carried = [pk for pk in ids if previous is not None and pk in previous.cases]
    fresh = [pk for pk in ids if previous is None or pk not in previous.cases]
    entries: dict[int, list] = defaultdict(list)
    with scopes_disabled():
        cases = _cases_locked(fresh) if fresh else {}
        strangers = sorted(pk for pk, case in cases.items() if case.creditor_id != creditor_id)
        if strangers:
            raise CasesOfAnotherCreditor(
                f"payments for creditor {creditor_id} matched other creditors' cases {strangers[:10]}")
        if fresh:
            for row in (LedgerEntry.objects.filter(case_id__any=fresh).order_by("booked_on", "id")
                        .values_list(*ROW_FIELDS)):
                entries[row[0]].append(Row._make(row))
        history = histories(ids)
    for pk in carried:
        cases[pk], entries[pk] = previous.cases[pk], previous.entries[pk]
    return Loaded(cases, entries, history)


def _allocate(batch: list[Matched], *, loaded: Loaded, context: FileContext, writer: BulkWriter) -> Allocated:
    """Allocate the batch's payments in memory: its rows to the writer; the cases to close or replan."""
    out = Allocated()
    for item in batch:
        books = [_book(loaded.cases[pk], loaded=loaded, context=context) for pk in item.case_ids]
        if not item.cases:
            item.allocation = _pay(item.parsed, books[0], context=context, writer=writer, out=out)
            continue
        parts, why = spread(item.parsed.amount, books, list(item.references), on=item.parsed.paid_on)
        if why:
            item.reason = several_reason(item.references, why)
            writer.add(Payment, payment_row(item.parsed, creditor_id=context.creditor_id, case_id=None,
                                            file=context.file, source=context.source, now=context.now,
                                            reason=item.reason), keyed=True)
            continue
        for number, (book, reference, part) in enumerate(parts, start=1):
            item.allocation = _pay(item.parsed, book, context=context, writer=writer, out=out, amount=part,
                                   part=number, ocr_reference=reference)
    for event in _close(out.closing, now=context.now, outbox=context.outbox, writer=writer):
        writer.add(CaseEvent, event)
    _replan(out.replanning, loaded=loaded, context=context)
    return out


def _book(case, *, loaded: Loaded, context: FileContext) -> Book:
    ladder = context.ladders[case.debtor.category]
    return Book(case, loaded.entries[case.pk], context.rates, ladder.contractual_interest_rate, pending=[],
                at=context.now)


def _pay(parsed: ParsedPayment, book: Book, *, context: FileContext, writer: BulkWriter, out: Allocated,
         **part) -> Allocation:
    """One payment (or one part of one) on one case, as `payment_register` books it."""
    case = book.case
    row = payment_row(parsed, creditor_id=context.creditor_id, case_id=case.pk, file=context.file,
                      source=context.source, now=context.now, currency=case.currency, **part)
    payment = Booked(writer.add(Payment, row, keyed=True), row)
    book.pending = []
    allocation = reduce(book, payment.amount, on=payment.paid_on, kind=EntryKind.PAYMENT, payment=payment,
                        reference=payment.reference)
    writer.add(CaseEvent, event_row(case=case, at=context.now, **payment_event(payment, allocation)))
    if context.outbox.wants(hooks.PAYMENT_ALLOCATED):
        context.outbox.add(writer, hooks.PAYMENT_ALLOCATED, hooks.payment_allocated(
            payment_id=payment.pk, case_id=case.pk, amount=payment.amount, currency=row.currency,
            paid_on=payment.paid_on, source=payment.source, fees=allocation.fees, interest=allocation.interest,
            principal=allocation.principal, overpayment=allocation.overpayment), at=context.now)
    if case.stage != Stage.CLOSED:
        if settled(book, on=payment.paid_on) and can_transition(case.stage, Stage.CLOSED):
            out.closing.append((case, payment.paid_on))
        elif case.stage in OPEN_STAGES:
            out.replanning.append(case)
    for entry in book.pending:  # the payment's, and a late fee written off by `settled`
        writer.add(LedgerEntry, entry)
    return allocation


def _store(allocated: Allocated, *, writer: BulkWriter) -> None:
    """The batch's updates, then its rows (COPYs, sent behind)."""
    bulk_set(Case, [case for case, _ in allocated.closing], CLOSE_FIELDS)
    by_day = defaultdict(list)
    for case, on in allocated.closing:
        by_day[on].append(case.pk)
    for on, ids in by_day.items():  # a closed case needs no more calls or reviews
        QueueItem.objects.filter(case_id__any=ids, outcome="").update(outcome=Outcome.CANCELLED, decided_on=on,
                                                                     decided_by="system")
    bulk_set(Case, allocated.replanning, ["next_action", "next_step_on"])
    writer.flush()


def payment_account(parsed, source: str) -> str:
    """The receiving account a bank's reference is unique for (a CSV's references are the creditor's)."""
    return "" if source == "csv" else parsed.receiver_account[:34]


def payment_identity(parsed) -> str:
    """What recognises a payment on a second import, with account and date (unique in the
    database for a bank's payments; a CSV's references are unique per creditor instead)."""
    return parsed.key[:100]


def payment_row(parsed, *, creditor_id: int | None, case_id: int | None, file: PaymentFile, source: str,
                now: datetime.datetime, reason: str = "", currency: str = "", amount: Decimal | None = None,
                part: int = 0, ocr_reference: str | None = None, duplicate_of: int | None = None) -> PaymentRow:
    """A parsed payment as a row: matched (`case_id`, booked in the case's `currency`) or kept
    for an agent (`reason`, and `duplicate_of` the payment it may repeat); `part` (1, 2, …) of
    `amount` for one of several cases."""
    ocr = parsed.ocr_reference if ocr_reference is None else ocr_reference
    return PaymentRow(
        creditor_id=creditor_id, case_id=case_id, amount=parsed.amount if amount is None else amount,
        currency=currency or parsed.currency, paid_on=parsed.paid_on, source=source, reference=parsed.reference[:100],
        account=payment_account(parsed, source), ocr_reference=ocr[:25], free_text=parsed.free_text[:200],
        payer=parsed.payer[:200], file_id=file.pk, record=parsed.record, unmatched_reason=reason[:200],
        created_at=now, identity=payment_identity(parsed), part=part, duplicate_of_id=duplicate_of)


class CaseInvoice(NamedTuple):
    due_date: datetime.date
    reminder_fee_agreed: bool


class CaseDebtor(NamedTuple):
    category: str
    is_consumer: bool


@dataclass
class LockedCase:
    """A locked case as the rules, the plan and the closing read and change it, with what they
    read of its invoice and debtor: model instances cost more than the rules."""

    pk: int
    creditor_id: int
    stage: str
    closed_reason: str
    closed_on: datetime.date | None
    hold_reason: str
    resume_stage: str
    currency: str
    next_action: str
    next_step_on: datetime.date | None
    invoice: CaseInvoice
    debtor: CaseDebtor


# What `LockedCase` reads of a case itself, in its order.
CASE_READS = [f.name for f in dataclasses.fields(LockedCase)][1:-2]


def _cases_locked(ids: list[int]) -> dict[int, LockedCase]:
    """Lock the batch's cases and read them as `LockedCase`s."""
    rows = (Case.objects.filter(pk__any=ids).select_for_update(of=("self",)).order_by("pk")
            .values_list("pk", *CASE_READS, "invoice__due_date", "invoice__reminder_fee_agreed", "debtor__category",
                         "debtor__customer_type"))
    return {pk: LockedCase(pk, *fields, invoice=CaseInvoice(due_date, fee_agreed),
                           debtor=CaseDebtor(category, customer_type == CustomerType.CONSUMER))
            for pk, *fields, due_date, fee_agreed, category, customer_type in rows}


def _close(closing: list[tuple[LockedCase, datetime.date]], *, now: datetime.datetime, outbox: Outbox,
           writer: BulkWriter) -> list[EventRow]:
    """Close the settled cases as paid (what `case_transition` does, for many); their events
    (the webhooks' go to `writer`)."""
    events = []
    for case, on in closing:
        source = case.stage
        case.stage, case.closed_reason, case.closed_on, case.next_step_on = Stage.CLOSED, ClosedReason.PAID, on, None
        case.hold_reason = case.resume_stage = ""
        events.append(event_row(case=case, at=now, on=on, actor=SYSTEM, code="cases.stage.changed",
                                data={"from": source, "to": Stage.CLOSED, "reason": ClosedReason.PAID}))
        stage_hooks(outbox, writer, case=case, source=source, to=Stage.CLOSED, reason=ClosedReason.PAID, on=on, at=now)
    return events


def _replan(cases: list, *, loaded: Loaded, context: FileContext) -> None:
    """What `case_replan` does, for many: the next step from the facts after the payment."""
    cases_replan(cases, loaded.entries, ladder_of=context.ladders, caps=context.caps, history=loaded.history)
