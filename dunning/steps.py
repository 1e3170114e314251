"""The daily cycle's steps: for one creditor and one day, apply every step that is due, once.

Cases are taken in batches, each batch in its own transaction, locked with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers anyway), so two
workers or two cycles never apply the same case at once. The unique (case, sequence) of
AppliedStep is the last line of defence: a duplicate fails in the database and its whole
batch rolls back. After a step the engine is asked again, so each case leaves the cycle
with its next step's date, which is after today: running the same day twice does nothing.

A step writes five kinds of rows (step, fees, events, letter, agent work); they are
collected as plain tuples and inserted per batch (`core.bulk`), because building and
preparing a model instance per row costs more than the step's own logic.
"""
import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.events import EVENT_FIELDS
from cases.interest import periods as interest_periods_of
from cases.ledger import ENTRY_FIELDS, EntryRow, balance_of, entry_rows, interest_until
from cases.models import Case, CaseEvent, Component, EntryKind, Invoice, LedgerEntry
from cases.services import stage_change_text
from cases.stages import OPEN_STAGES, Stage, can_transition
from core.bulk import bulk_set, insert_rows
from core.money import format_sek
from debtors.models import Debtor
from law.actions import Action
from law.selectors import rule_pack
from letters.models import Letter, LetterStatus
from letters.records import KIND_OF_ACTION, fee_lines, letter_values
from letters.tasks import letters_render_after_commit

from .engine import PHONE_CALL, CaseFacts, Plan, Taken, deadline_for, plan_next
from .facts import facts_for, ladders
from .models import AppliedStep, QueueItem, QueueKind
from .planning import set_plan

# Cases per transaction. Larger batches mean fewer round trips but longer-held row
# locks and a bigger rollback if one case fails; 500 keeps a batch well under a second.
BATCH_SIZE = 500

STAGE_OF_ACTION = {"collection_demand": Stage.COLLECTION, "payment_order": Stage.LEGAL}
EVENT_OF_ACTION = {
    "reminder": ("dunning.reminder.sent", "Påminnelse skickad"),
    "phone_call": ("dunning.phone_call.queued", "Telefonsamtal lagt i handläggarkön"),
    "collection_demand": ("dunning.collection_demand.sent", "Inkassokrav skickat"),
    "payment_order": ("dunning.payment_order.filed", "Ansökan om betalningsföreläggande ges in"),
}
ADDRESS_MISSING_TEXT = "Adress saknas: %s väntar, gäldenären har varken postadress eller godkänd e-post"
ADDRESS_MISSING_NOTE = "No postal address and no agreed e-mail: the %s waits"
STEP_FIELDS = ["creditor", "case", "sequence", "category", "ladder_step", "action", "applied_on", "deadline",
               "created_at"]
QUEUE_FIELDS = ["creditor", "case", "kind", "created_on", "due_on", "outcome", "decided_by", "note"]
LETTER_FIELDS = ["creditor", "case", "step", "kind", "language", "sent_on", "deadline", "ocr_reference", "bankgiro",
                 "recipient", "amounts", "total", "status", "created_at"]


@dataclass
class CycleReport:
    creditor: str
    day: datetime.date
    applied: Counter = field(default_factory=Counter)
    reviews_opened: int = 0
    addresses_missing: int = 0  # "address missing" items opened: a letter could not be sent
    promises_resumed: int = 0
    plans_resumed: int = 0
    reclassified: dict = field(default_factory=dict)  # (old, new) → debtors moved

    @property
    def steps(self) -> int:
        return sum(self.applied.values())


@dataclass
class _Batch:
    """What one batch writes, as rows in the *_FIELDS orders, inserted at the end."""

    now: datetime.datetime
    day: datetime.date
    steps: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    events: list = field(default_factory=list)
    queue: list = field(default_factory=list)
    letters: list = field(default_factory=list)  # (index into steps, letter fields)

    def event(self, case: Case, code: str, text: str, data: dict | None = None) -> None:
        self.events.append((case.creditor_id, case.pk, self.now, self.day, "system", code, text[:500], data or {}))


def steps_apply_due(*, creditor, day: datetime.date, report: CycleReport, pack=None) -> CycleReport:
    """Apply every step due for the creditor on `day`, in batches (the creditor's scope is
    active). `pack`: the rule pack, if already loaded. The daily cycle (`cycle.run`) calls
    this after the day's promises, plans and categories are settled."""
    context = {"pack": pack or rule_pack(), "ladders": ladders(), "creditor": creditor}
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(due_cases(creditor, day, last_id))
            if batch:
                _load_invoices_and_debtors(batch)
                _apply_batch(batch, day, context, report)
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


def _apply_batch(cases: list[Case], day: datetime.date, context: dict, report: CycleReport) -> None:
    entries = entry_rows([c.pk for c in cases])
    facts = facts_for(cases, entries)
    open_reviews = {case_id for case_id, case_facts in facts.items() if case_facts.review_open}
    open_addresses = {case_id for case_id, case_facts in facts.items() if case_facts.address_open}
    out = _Batch(now=timezone.now(), day=day)
    for case in cases:
        case.creditor = context["creditor"]
        ladder = context["ladders"][case.debtor.category]
        plan = plan_next(facts[case.pk], ladder, context["pack"].fee_caps)
        if plan is not None and plan.on is not None and plan.on <= day and not plan.waiting_for:
            new_facts = _apply(case, plan, facts[case.pk], entries[case.pk], day, context, out)
            report.applied[plan.step.action] += 1
            plan = plan_next(new_facts, ladder, context["pack"].fee_caps)
        if plan is not None and plan.needs_review and plan.on <= day and case.pk not in open_reviews:
            out.queue.append((case.creditor_id, case.pk, QueueKind.PAYMENT_ORDER_REVIEW, day, day, "", "", ""))
            out.event(case, "dunning.payment_order.review_requested",
                      "Betalningsföreläggande väntar på handläggarens godkännande")
            report.reviews_opened += 1
            open_reviews.add(case.pk)
        if plan is not None and plan.needs_address and plan.on <= day and case.pk not in open_addresses:
            # Not the step: no letter, no fee, no stage change; the case waits for an agent, and
            # (no date) is not taken again until an address is added (debtors.services).
            out.queue.append((case.creditor_id, case.pk, QueueKind.ADDRESS_MISSING, day, day, "", "",
                              ADDRESS_MISSING_NOTE % plan.step.action))
            out.event(case, "dunning.address.missing", ADDRESS_MISSING_TEXT % Action(plan.step.action).label,
                      {"action": plan.step.action, "ladder_step": plan.step.number})
            report.addresses_missing += 1
            open_addresses.add(case.pk)
        set_plan(case, plan, review_open=case.pk in open_reviews, address_open=case.pk in open_addresses)
    step_ids = insert_rows(AppliedStep, STEP_FIELDS, out.steps, returning=True)
    insert_rows(LedgerEntry, ENTRY_FIELDS, out.entries)
    insert_rows(CaseEvent, EVENT_FIELDS, out.events)
    insert_rows(QueueItem, QUEUE_FIELDS, out.queue)
    insert_rows(Letter, LETTER_FIELDS, [
        (values["creditor_id"], values["case_id"], step_ids[index], values["kind"], values["language"],
         values["sent_on"], values["deadline"], values["ocr_reference"], values["bankgiro"], values["recipient"],
         values["amounts"], values["total"], LetterStatus.PENDING, out.now)
        for index, values in out.letters
    ])
    if out.letters:  # rendered by a task once this batch commits: the records exist first
        letters_render_after_commit(creditor_id=context["creditor"].pk)
    bulk_set(Case, cases, ["stage", "next_step_on", "next_action"])


def _apply(case: Case, plan: Plan, facts: CaseFacts, entries: list[EntryRow], day: datetime.date, context: dict,
           out: _Batch) -> CaseFacts:
    action = plan.step.action
    deadline = deadline_for(plan.step, day)
    sequence = len(facts.taken) + facts.voided + 1
    out.steps.append((case.creditor_id, case.pk, sequence, case.debtor.category, plan.step.number, action, day,
                      deadline, out.now))
    fee_rows = [EntryRow(case.pk, fee.kind, Component.FEES, fee.amount, day) for fee in plan.fees]
    out.entries += [(case.creditor_id, case.pk, fee.kind, Component.FEES, fee.amount, case.currency, day, "",
                     f"step {sequence}", "", out.now) for fee in plan.fees]
    target = STAGE_OF_ACTION.get(action)
    if target and case.stage != target and can_transition(case.stage, target):
        out.event(case, "cases.stage.changed", stage_change_text(case.stage, target),
                  {"from": case.stage, "to": target, "reason": action})
        case.stage = target
    code, text = EVENT_OF_ACTION[action]
    fee_text = ", ".join(f"{EntryKind(fee.kind).label.lower()} {format_sek(fee.amount)} kr" for fee in plan.fees)
    out.event(case, code,
              text + (f", betalas senast {deadline}" if deadline else "") + (f" ({fee_text})" if fee_text else ""),
              {"sequence": sequence, "category": case.debtor.category, "ladder_step": plan.step.number,
               "deadline": deadline.isoformat() if deadline else None,
               "fees": [{"kind": f.kind, "amount": str(f.amount)} for f in plan.fees]})
    if action == PHONE_CALL:
        out.queue.append((case.creditor_id, case.pk, QueueKind.PHONE_CALL, day, day, "", "", ""))
    if action in KIND_OF_ACTION:
        all_entries = entries + fee_rows
        fixed = context["ladders"][case.debtor.category].contractual_interest_rate
        rates = context["pack"].rates
        balance = balance_of(case, all_entries, as_of=day, rates=rates, fixed_rate=fixed)
        movements = [(e.booked_on, e.amount) for e in all_entries if e.component == Component.PRINCIPAL]
        periods = interest_periods_of(movements=movements, due_date=case.invoice.due_date,
                                      until=interest_until(case, day), rates=rates, fixed_rate=fixed)
        out.letters.append((len(out.steps) - 1, letter_values(
            case=case, action=action, sent_on=day, deadline=deadline, balance=balance,
            fees=fee_lines(all_entries), periods=periods)))
    return dataclasses.replace(
        facts, taken=facts.taken + (Taken(action, day, deadline),),
        fees_charged=facts.fees_charged | {fee.kind for fee in plan.fees},
    )
