"""The daily cycle's steps: for one creditor and one day, apply every step that is due, once.

Cases are taken in batches, each batch in its own transaction, locked with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers anyway), so two
workers or two cycles never apply the same case at once. The unique (case, sequence) of
AppliedStep is the last line of defence: a duplicate fails in the database and its whole
batch rolls back. After a step the engine is asked again, so each case leaves the cycle
with its next step's date, which is after today: running the same day twice does nothing.

A step writes five kinds of rows (step, fees, events, letter, agent work), built by the
same functions one case's step uses (`dunning.services.case_step_apply`), and hands them
to a `core.bulk.BulkWriter` per batch: building and saving a model instance per row costs
more than the step's own logic.
"""
import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.events import event_row
from cases.hooks import stage_hooks
from cases.interest import periods as interest_periods_of
from cases.ledger import EntryRow, balance_of, entry_rows, interest_until
from cases.models import Case, CaseEvent, Component, Invoice, LedgerEntry
from cases.services import entry_build
from cases.stages import OPEN_STAGES, Stage, can_transition
from core.bulk import BulkWriter, OneByOne, bulk_set
from creditors.models import Creditor
from debtors.models import Debtor
from law.actions import Action
from law.pack import RulePack
from law.selectors import rule_pack
from letters.models import Letter
from letters.records import KIND_OF_ACTION, fee_lines, letter_row
from letters.tasks import letters_render_after_commit
from webhooks import events as hooks
from webhooks.outbox import Outbox, outbox_for

from .engine import PHONE_CALL, CaseFacts, Plan, Taken, deadline_for, plan_next
from .facts import facts_for, ladders
from .hooks import letter_data, queue_add
from .models import AppliedStep, QueueKind
from .planning import set_plan
from .rows import queue_row, step_row

# Cases per transaction. Larger batches mean fewer round trips but longer-held row
# locks and a bigger rollback if one case fails; 500 keeps a batch well under a second.
BATCH_SIZE = 500

STAGE_OF_ACTION = {Action.COLLECTION_DEMAND: Stage.COLLECTION, Action.PAYMENT_ORDER: Stage.LEGAL}
# The event each action writes; its sentence is registered in dunning.event_texts.
EVENT_OF_ACTION = {
    Action.REMINDER: "dunning.reminder.sent",
    Action.PHONE_CALL: "dunning.phone_call.queued",
    Action.COLLECTION_DEMAND: "dunning.collection_demand.sent",
    Action.PAYMENT_ORDER: "dunning.payment_order.filed",
}
ADDRESS_MISSING_NOTE = "No postal address and no agreed e-mail: the %s waits"
CASE_PLAN_FIELDS = ["stage", "next_step_on", "next_action"]


@dataclass
class CycleReport:
    creditor: str
    day: datetime.date
    applied: Counter = field(default_factory=Counter)
    reviews_opened: int = 0
    addresses_missing: int = 0  # "address missing" items opened: a letter could not be sent
    promises_resumed: int = 0
    plans_resumed: int = 0
    pauses_ended: int = 0  # cases the creditor paused until this day
    reclassified: dict = field(default_factory=dict)  # (old, new) → debtors moved

    @property
    def steps(self) -> int:
        return sum(self.applied.values())


@dataclass(frozen=True)
class StepContext:
    """What every case of a creditor's day reads: loaded once."""

    creditor: Creditor
    pack: RulePack
    ladders: dict  # category → ladder
    day: datetime.date
    now: datetime.datetime
    outbox: Outbox  # the creditor's webhooks, loaded with the rest (`webhooks.outbox`)


def step_context(*, creditor: Creditor, day: datetime.date, pack: RulePack | None = None) -> StepContext:
    return StepContext(creditor=creditor, pack=pack or rule_pack(), ladders=ladders(), day=day, now=timezone.now(),
                       outbox=outbox_for(creditor.pk))


def steps_apply_due(*, creditor, day: datetime.date, report: CycleReport, pack=None) -> CycleReport:
    """Apply every step due for the creditor on `day`, in batches (the creditor's scope is
    active). `pack`: the rule pack, if already loaded. The daily cycle (`cycle.run`) calls
    this after the day's promises, plans and categories are settled."""
    context = None  # loaded with the first batch: on most days most creditors have none
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(due_cases(creditor, day, last_id))
            if batch:
                context = context or step_context(creditor=creditor, day=day, pack=pack)
                _load_invoices_and_debtors(batch)
                _apply_batch(batch, context=context, report=report)
        if len(batch) < BATCH_SIZE:
            break
        last_id = batch[-1].pk
    return report


def due_cases(creditor, day: datetime.date, after_id: int):
    """The next batch of the creditor's cases with a step due, locked; rows another worker holds are skipped.

    Invoices and debtors are fetched afterwards by primary key (`_load_invoices_and_debtors`):
    joined into the locking query, the planner hashes the creditor's whole invoice and
    debtor tables per batch."""
    return (Case.objects.filter(creditor=creditor, stage__in=OPEN_STAGES, next_step_on__lte=day, id__gt=after_id)
            .order_by("id").select_for_update(skip_locked=True)[:BATCH_SIZE])


def _load_invoices_and_debtors(cases: list[Case]) -> None:
    invoices = {i.pk: i for i in Invoice.objects.filter(pk__any={c.invoice_id for c in cases}).order_by()}
    debtors = {d.pk: d for d in Debtor.objects.filter(pk__any={c.debtor_id for c in cases}).order_by()
               .defer("category_reasons")}  # the cycle does not show them; decoding them costs
    for case in cases:
        case.invoice, case.debtor = invoices[case.invoice_id], debtors[case.debtor_id]


def _apply_batch(cases: list[Case], *, context: StepContext, report: CycleReport) -> None:
    entries = entry_rows([c.pk for c in cases])
    facts = facts_for(cases, entries)
    with BulkWriter(expect={AppliedStep: len(cases)}) as writer:
        letters = sum(case_step(case, facts=facts[case.pk], entries=entries[case.pk], context=context, writer=writer,
                                report=report) for case in cases)
        bulk_set(Case, cases, CASE_PLAN_FIELDS)
    if letters:  # rendered by a task once this batch commits: the records exist first
        letters_render_after_commit(creditor_id=context.creditor.pk)


def case_step(case: Case, *, facts: CaseFacts, entries: list[EntryRow], context: StepContext,
              writer: BulkWriter | OneByOne, report: CycleReport) -> int:
    """Apply the case's step if it is due, open the review or "address missing" item its
    plan waits for, and set its next plan (unsaved). The rows go to `writer`; the letters
    written (0 or 1) are returned."""
    day = context.day
    case.creditor = context.creditor
    ladder = context.ladders[case.debtor.category]
    review_open, address_open, letters = facts.review_open, facts.address_open, 0
    plan = plan_next(facts, ladder, context.pack.fee_caps)
    if plan is not None and plan.on is not None and plan.on <= day and not plan.waiting_for:
        new_facts, letters = _apply(case, plan=plan, facts=facts, entries=entries, context=context, writer=writer)
        report.applied[plan.step.action] += 1
        plan = plan_next(new_facts, ladder, context.pack.fee_caps)
    if plan is not None and plan.needs_review and plan.on <= day and not review_open:
        queue_add(writer, context.outbox, queue_row(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW, on=day),
                  at=context.now)
        _event(writer, case, context, "dunning.payment_order.review_requested")
        report.reviews_opened += 1
        review_open = True
    if plan is not None and plan.needs_address and plan.on <= day and not address_open:
        # Not the step: no letter, no fee, no stage change; the case waits for an agent, and
        # (no date) is not taken again until an address is added (debtors.services).
        queue_add(writer, context.outbox, queue_row(case=case, kind=QueueKind.ADDRESS_MISSING, on=day,
                                                    note=ADDRESS_MISSING_NOTE % plan.step.action), at=context.now)
        _event(writer, case, context, "dunning.address.missing",
               {"action": plan.step.action, "ladder_step": plan.step.number})
        report.addresses_missing += 1
        address_open = True
    set_plan(case, plan, review_open=review_open, address_open=address_open)
    return letters


def _event(writer, case: Case, context: StepContext, code: str, data: dict | None = None) -> None:
    writer.add(CaseEvent, event_row(case=case, code=code, data=data, at=context.now, on=context.day))


def _apply(case: Case, *, plan: Plan, facts: CaseFacts, entries: list[EntryRow], context: StepContext,
           writer: BulkWriter | OneByOne) -> tuple[CaseFacts, int]:
    """The step: its row, fees, stage change, events, agent's item and letter. The facts after
    it, and the letters written."""
    day, now, action = context.day, context.now, plan.step.action
    deadline = deadline_for(plan.step, day)
    sequence = len(facts.taken) + facts.voided + 1
    step_id = writer.add(AppliedStep, step_row(case=case, sequence=sequence, category=case.debtor.category,
                                               ladder_step=plan.step.number, action=action, on=day,
                                               deadline=deadline, at=now), keyed=True)
    fee_rows = [entry_build(case=case, kind=fee.kind, component=Component.FEES, amount=fee.amount, booked_on=day,
                            reference=f"step {sequence}", at=now) for fee in plan.fees]
    for row in fee_rows:
        writer.add(LedgerEntry, row)
    target = STAGE_OF_ACTION.get(action)
    if target and case.stage != target and can_transition(case.stage, target):
        _event(writer, case, context, "cases.stage.changed", {"from": case.stage, "to": target, "reason": action})
        stage_hooks(context.outbox, writer, case=case, source=case.stage, to=target, reason=action, on=day, at=now)
        case.stage = target
    _event(writer, case, context, EVENT_OF_ACTION[action],
           {"sequence": sequence, "category": case.debtor.category, "ladder_step": plan.step.number,
            "deadline": deadline.isoformat() if deadline else None,
            "fees": [{"kind": f.kind, "amount": str(f.amount)} for f in plan.fees]})
    if action == PHONE_CALL:
        queue_add(writer, context.outbox, queue_row(case=case, kind=QueueKind.PHONE_CALL, on=day), at=now)
    letters = 0
    if action in KIND_OF_ACTION:
        all_entries = entries + fee_rows
        fixed = context.ladders[case.debtor.category].contractual_interest_rate
        rates = context.pack.rates
        balance = balance_of(case, all_entries, as_of=day, rates=rates, fixed_rate=fixed)
        movements = [(e.booked_on, e.amount) for e in all_entries if e.component == Component.PRINCIPAL]
        periods = interest_periods_of(movements=movements, due_date=case.invoice.due_date,
                                      until=interest_until(case, day), rates=rates, fixed_rate=fixed)
        row = letter_row(case=case, action=action, sent_on=day, deadline=deadline, balance=balance,
                         fees=fee_lines(all_entries), periods=periods, step_id=step_id, at=now)
        hooked = context.outbox.wants(hooks.LETTER_SENT)  # then the letter's id is drawn, for its event to name
        letter_id = writer.add(Letter, row, keyed=hooked)
        if hooked:
            context.outbox.add(writer, hooks.LETTER_SENT, letter_data(letter_id=letter_id, row=row,
                                                                      currency=case.currency), at=now)
        letters = 1
    return dataclasses.replace(
        facts, taken=facts.taken + (Taken(action, day, deadline),),
        fees_charged=facts.fees_charged | {fee.kind for fee in plan.fees},
    ), letters
