"""The daily cycle: for one creditor and one day, apply every step that is due, once.

Cases are taken in batches, each batch in its own transaction, locked with
`SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite serialises writers anyway), so two
workers or two cycles never apply the same case at once. The unique (case, sequence) of
AppliedStep is the last line of defence: a duplicate fails in the database and its whole
batch rolls back. After a step the engine is asked again, so each case leaves the cycle
with its next step's date, which is after today: running the same day twice does nothing.
"""
import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from cases.events import build_event
from cases.holds import resume_lapsed_promises
from cases.ledger import balance_of, interest_until
from cases.models import Case, CaseEvent, Component, LedgerEntry, QueueItem, QueueKind
from cases.stages import OPEN_STAGES, Stage, can_transition
from cases.interest import periods as interest_periods_of
from core.money import format_sek
from core.tenancy import creditor_scope
from letters.models import Letter
from letters.records import KIND_OF_ACTION, fee_lines, letter_build

from .engine import PHONE_CALL, CaseFacts, Plan, Taken, deadline_for, plan_next
from .facts import entries_by_case, facts_for, ladders
from .planning import set_plan
from .rules.bankdays import is_bank_day
from .models import AppliedStep
from .selectors import contractual_rates, rule_pack

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


@dataclass
class CycleReport:
    creditor: str
    day: datetime.date
    applied: Counter = field(default_factory=Counter)
    reviews_opened: int = 0
    promises_resumed: int = 0

    @property
    def steps(self) -> int:
        return sum(self.applied.values())


@dataclass
class _Batch:
    """What one batch writes, inserted at the end in bulk."""

    steps: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    events: list = field(default_factory=list)
    queue: list = field(default_factory=list)
    letters: list = field(default_factory=list)


def run_cycle(*, creditor, day: datetime.date) -> CycleReport:
    report = CycleReport(creditor.slug, day)
    if not is_bank_day(day):  # steps fire on bank days only; the next bank day picks up what fell due
        return report
    with creditor_scope(creditor):
        report.promises_resumed = resume_lapsed_promises(on=day)
        context = {"pack": rule_pack(), "ladders": ladders(), "fixed": contractual_rates(), "creditor": creditor}
        last_id = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Case.objects.select_related("invoice", "debtor")
                    .filter(stage__in=OPEN_STAGES, next_step_on__lte=day, id__gt=last_id)
                    .order_by("id").select_for_update(skip_locked=True, of=("self",))[:BATCH_SIZE]
                )
                if not batch:
                    break
                _apply_batch(batch, day, context, report)
                last_id = batch[-1].pk
    return report


def _apply_batch(cases: list[Case], day: datetime.date, context: dict, report: CycleReport) -> None:
    entries = entries_by_case([c.pk for c in cases])
    facts = facts_for(cases, entries)
    open_reviews = set(QueueItem.objects.filter(case__in=cases, kind=QueueKind.PAYMENT_ORDER_REVIEW, outcome="")
                       .values_list("case_id", flat=True))
    out = _Batch()
    for case in cases:
        case.creditor = context["creditor"]
        ladder = context["ladders"][case.debtor.category]
        plan = plan_next(facts[case.pk], ladder, context["pack"].fee_caps)
        if plan is not None and plan.on is not None and plan.on <= day and not plan.waiting_for:
            new_facts = _apply(case, plan, facts[case.pk], entries[case.pk], day, context, out)
            report.applied[plan.step.action] += 1
            plan = plan_next(new_facts, ladder, context["pack"].fee_caps)
        if plan is not None and plan.needs_review and plan.on <= day and case.pk not in open_reviews:
            out.queue.append(QueueItem(creditor_id=case.creditor_id, case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW,
                                       created_on=day, due_on=day))
            out.events.append(build_event(case=case, code="dunning.payment_order.review_requested",
                                          text="Betalningsföreläggande väntar på handläggarens godkännande"))
            report.reviews_opened += 1
            open_reviews.add(case.pk)
        set_plan(case, plan, review_open=case.pk in open_reviews)
    AppliedStep.objects.bulk_create(out.steps)
    LedgerEntry.objects.bulk_create(out.entries)
    CaseEvent.objects.bulk_create(out.events)
    QueueItem.objects.bulk_create(out.queue)
    Letter.objects.bulk_create(out.letters)
    Case.objects.bulk_update(cases, ["stage", "next_step_on", "next_action"])


def _apply(case: Case, plan: Plan, facts: CaseFacts, entries: list, day: datetime.date, context: dict,
           out: _Batch) -> CaseFacts:
    action = plan.step.action
    deadline = deadline_for(plan.step, day)
    sequence = len(facts.taken) + 1
    step = AppliedStep(creditor_id=case.creditor_id, case=case, sequence=sequence, category=case.debtor.category,
                       ladder_step=plan.step.number, action=action, applied_on=day, deadline=deadline)
    out.steps.append(step)
    fee_entries = [LedgerEntry(creditor_id=case.creditor_id, case=case, kind=fee.kind, component=Component.FEES,
                               amount=fee.amount, currency=case.currency, booked_on=day,
                               reference=f"step {sequence}") for fee in plan.fees]
    out.entries.extend(fee_entries)
    target = STAGE_OF_ACTION.get(action)
    if target and case.stage != target and can_transition(case.stage, target):
        out.events.append(build_event(case=case, code="cases.stage.changed",
                                      text=f"{Stage(case.stage).label} → {Stage(target).label}",
                                      data={"from": case.stage, "to": target, "reason": action}))
        case.stage = target
    code, text = EVENT_OF_ACTION[action]
    fee_text = ", ".join(f"{fee.kind} {format_sek(fee.amount)} kr" for fee in plan.fees)
    out.events.append(build_event(
        case=case, code=code,
        text=text + (f", betalas senast {deadline}" if deadline else "") + (f" ({fee_text})" if fee_text else ""),
        data={"sequence": sequence, "category": case.debtor.category, "ladder_step": plan.step.number,
              "deadline": deadline.isoformat() if deadline else None,
              "fees": [{"kind": f.kind, "amount": str(f.amount)} for f in plan.fees]},
    ))
    if action == PHONE_CALL:
        out.queue.append(QueueItem(creditor_id=case.creditor_id, case=case, kind=QueueKind.PHONE_CALL,
                                   created_on=day, due_on=day))
    if action in KIND_OF_ACTION:
        all_entries = entries + fee_entries
        fixed = context["fixed"].get(case.debtor.category)
        rates = context["pack"].rates
        balance = balance_of(case, all_entries, as_of=day, rates=rates, fixed_rate=fixed)
        movements = [(e.booked_on, e.amount) for e in all_entries if e.component == Component.PRINCIPAL]
        periods = interest_periods_of(movements=movements, due_date=case.invoice.due_date,
                                      until=interest_until(case, day), rates=rates, fixed_rate=fixed)
        out.letters.append(letter_build(case=case, step=step, action=action, sent_on=day, deadline=deadline,
                                        balance=balance, fees=fee_lines(all_entries), periods=periods))
    return dataclasses.replace(
        facts, taken=facts.taken + (Taken(action, day, deadline),),
        fees_charged=facts.fees_charged | {fee.kind for fee in plan.fees},
    )


