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

The inserts are COPYs that run behind (`core.bulk.copies_behind`) while the next batch
is allocated; so that nothing waits for them, the next batch is read before they are
sent, and the payments' ids are drawn first. A case of the next batch that this one paid
too is taken as this batch left it, not read again.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from cases.events import EVENT_FIELDS, SYSTEM
from cases.ledger import ENTRY_FIELDS
from cases.models import Case, CaseEvent, EntryKind, LedgerEntry, Payment
from cases.reductions import Book, Row, reduce, settled
from cases.services import stage_change_text
from cases.stages import OPEN_STAGES, ClosedReason, Stage, can_transition
from core.bulk import bulk_set, copies_behind, draw_ids, insert_rows
from core.tenancy import creditor_scope, scopes_disabled
from debtors.models import CustomerType
from dunning.facts import History, histories, ladders
from dunning.models import Outcome, QueueItem
from dunning.planning import cases_replan
from law.allocation import Allocation
from law.selectors import fee_caps, reference_rates

from .files.records import ParsedPayment
from .services import payment_event
from .spread import several_reason, spread

BATCH_SIZE = 500
PAYMENT_FIELDS = ["creditor", "case", "amount", "currency", "paid_on", "source", "reference", "account",
                  "ocr_reference", "free_text", "payer", "file", "record", "unmatched_reason", "created_at", "identity",
                  "part"]
CASE_READS = ["creditor_id", "stage", "closed_reason", "closed_on", "hold_reason", "resume_stage", "currency",
              "next_action", "next_step_on"]
CLOSE_FIELDS = ["stage", "closed_reason", "hold_reason", "resume_stage", "closed_on", "next_step_on"]


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


@dataclass
class Loaded:
    """A batch's cases (locked), their ledgers and their history, as read."""

    cases: dict  # id → light case
    entries: dict  # id → [Row], oldest first
    history: History


@dataclass
class Allocated:
    """What allocating a batch wrote, to be stored."""

    payments: list = field(default_factory=list)  # rows in PAYMENT_FIELDS order, with ids first
    entries: list = field(default_factory=list)  # Row
    events: list = field(default_factory=list)  # rows in EVENT_FIELDS order
    closing: list = field(default_factory=list)  # (case, paid on)
    replanning: list = field(default_factory=list)
    currency: dict = field(default_factory=dict)  # case id → its currency, the entries'


def allocate_matched(creditor_id: int, items: list[Matched], *, file, source: str) -> None:
    """Store and allocate the creditor's matched payments (in file order), batch by batch."""
    with creditor_scope(creditor_id), copies_behind():
        context = {"rates": reference_rates(), "ladders": ladders(),
                   "caps": fee_caps(), "creditor_id": creditor_id, "file": file, "source": source,
                   "now": timezone.now()}
        payment_ids = iter(draw_ids(Payment, sum(len(item.case_ids) for item in items)))
        batches = list(_batches(items))
        loaded = _load(_case_ids(batches[0]), None, creditor_id) if batches else None
        for index, batch in enumerate(batches):
            allocated = _allocate(batch, loaded, payment_ids, context)
            if index + 1 < len(batches):  # read before this batch's COPYs are sent, so as not to wait for them
                loaded = _load(_case_ids(batches[index + 1]), loaded, creditor_id)
            _store(allocated, context)


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


def _load(ids: list[int], previous: Loaded | None, creditor_id: int) -> Loaded:
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
            raise RuntimeError(f"payments for creditor {creditor_id} matched other creditors' cases {strangers[:10]}")
        if fresh:
            for row in (LedgerEntry.objects.filter(case_id__any=fresh).order_by("booked_on", "id")
                        .values_list("case_id", "kind", "component", "amount", "booked_on", "applies_to")):
                entries[row[0]].append(Row(*row))
        history = histories(ids)
    for pk in carried:
        cases[pk], entries[pk] = previous.cases[pk], previous.entries[pk]
    return Loaded(cases, entries, history)


def _allocate(batch: list[Matched], loaded: Loaded, payment_ids, context: dict) -> Allocated:
    """Allocate the batch's payments in memory: the rows to store, the cases to close or replan."""
    out = Allocated()
    for item in batch:
        books = [_book(loaded.cases[pk], loaded, context, out) for pk in item.case_ids]
        if not item.cases:
            item.allocation = _pay(item.parsed, books[0], payment_ids, context, out)
            continue
        parts, why = spread(item.parsed.amount, books, list(item.references), on=item.parsed.paid_on)
        if why:
            item.reason = several_reason(item.references, why)
            row = payment_row(item.parsed, creditor_id=context["creditor_id"], case_id=None, file=context["file"],
                              source=context["source"], now=context["now"], reason=item.reason)
            out.payments.append((next(payment_ids), *row))
            continue
        for number, (book, reference, part) in enumerate(parts, start=1):
            item.allocation = _pay(item.parsed, book, payment_ids, context, out, amount=part, part=number,
                                   ocr_reference=reference)
    out.events += _close(out.closing, context["now"])
    _replan(out.replanning, loaded, context)
    return out


def _book(case, loaded: Loaded, context: dict, out: Allocated) -> Book:
    ladder = context["ladders"][case.debtor.category]
    return Book(case, loaded.entries[case.pk], context["rates"], ladder.contractual_interest_rate, out.entries)


def _pay(parsed, book: Book, payment_ids, context: dict, out: Allocated, **part):
    """One payment (or one part of one) on one case, as `payment_register` books it."""
    now, case = context["now"], book.case
    row = payment_row(parsed, creditor_id=context["creditor_id"], case_id=case.pk, file=context["file"],
                      source=context["source"], now=now, currency=case.currency, **part)
    payment = SimpleNamespace(pk=next(payment_ids), amount=row[2], paid_on=row[4], source=row[5], reference=row[6])
    out.payments.append((payment.pk, *row))
    out.currency[case.pk] = case.currency
    payment.allocation = reduce(book, payment.amount, on=payment.paid_on, kind=EntryKind.PAYMENT, payment=payment,
                                reference=payment.reference)
    event = payment_event(payment, payment.allocation)
    out.events.append((case.creditor_id, case.pk, now, event["on"], SYSTEM, event["code"], event["text"],
                       event["data"]))
    if case.stage != Stage.CLOSED:
        if settled(book, on=payment.paid_on) and can_transition(case.stage, Stage.CLOSED):
            out.closing.append((case, payment.paid_on))
        elif case.stage in OPEN_STAGES:
            out.replanning.append(case)
    return payment.allocation


def _store(allocated: Allocated, context: dict) -> None:
    """The batch's updates, then its inserts (COPYs, sent behind)."""
    now = context["now"]
    bulk_set(Case, [case for case, _ in allocated.closing], CLOSE_FIELDS)
    by_day = defaultdict(list)
    for case, on in allocated.closing:
        by_day[on].append(case.pk)
    for on, ids in by_day.items():  # a closed case needs no more calls or reviews
        QueueItem.objects.filter(case_id__any=ids, outcome="").update(outcome=Outcome.CANCELLED, decided_on=on,
                                                                     decided_by="system")
    bulk_set(Case, allocated.replanning, ["next_action", "next_step_on"])
    insert_rows(Payment, PAYMENT_FIELDS, [row[1:] for row in allocated.payments],
                ids=[row[0] for row in allocated.payments])
    insert_rows(LedgerEntry, [*ENTRY_FIELDS, "payment"], [
        (context["creditor_id"], e.case_id, e.kind, e.component, e.amount, allocated.currency[e.case_id], e.booked_on,
         e.text, e.reference, e.applies_to, now, e.payment_id) for e in allocated.entries])
    insert_rows(CaseEvent, EVENT_FIELDS, allocated.events)


def payment_account(parsed, source: str) -> str:
    """The receiving account a bank's reference is unique for (a CSV's references are the creditor's)."""
    return "" if source == "csv" else parsed.receiver_account[:34]


def payment_identity(parsed) -> str:
    """What recognises a payment on a second import, with account and date (unique in the
    database for a bank's payments; a CSV's references are unique per creditor instead)."""
    return parsed.key[:100]


def payment_row(parsed, *, creditor_id, case_id, file, source: str, now, reason: str = "", currency: str = "",
                amount=None, part: int = 0, ocr_reference: str | None = None) -> tuple:
    """A parsed payment as a row in PAYMENT_FIELDS order: matched (`case_id`, booked in the case's
    `currency`) or kept for an agent (`reason`); `part` (1, 2, …) of `amount` for one of several cases."""
    ocr = parsed.ocr_reference if ocr_reference is None else ocr_reference
    return (creditor_id, case_id, parsed.amount if amount is None else amount, currency or parsed.currency,
            parsed.paid_on, source, parsed.reference[:100], payment_account(parsed, source), ocr[:25],
            parsed.free_text[:200], parsed.payer[:200], file.pk, parsed.record, reason[:200], now,
            payment_identity(parsed), part)


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
    return events


def _replan(cases: list, loaded: Loaded, context: dict) -> None:
    """What `case_replan` does, for many: the next step from the facts after the payment."""
    cases_replan(cases, loaded.entries, ladder_of=context["ladders"], caps=context["caps"], history=loaded.history)
