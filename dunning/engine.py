"""The dunning engine: a pure function from a case's facts to its next step.

    plan_next(facts, ladder, caps) -> Plan | None

No ORM, no clock: the daily cycle gathers the facts, calls the engine, and applies what
it returns on the day it is due. Everything here can be tested day by day.

Where a case stands on a ladder is derived from the steps it has taken, never stored:
a step is covered when the case has taken that action at least as often as the ladder
asks up to it, or has already escalated beyond it. So when a debtor changes category the
case continues on the new ladder from the matching point: no step repeated, no fee twice,
never back to an earlier stage.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from law.actions import Action, FeeKind
from law.bankdays import next_bank_day
from law.fees import MIN_COLLECTION_DEMAND_TERM_DAYS, FeeCaps

REMINDER, PHONE_CALL, COLLECTION_DEMAND, PAYMENT_ORDER = (Action.REMINDER, Action.PHONE_CALL, Action.COLLECTION_DEMAND,
                                                       Action.PAYMENT_ORDER)
ACTION_RANK = {REMINDER: 0, PHONE_CALL: 1, COLLECTION_DEMAND: 2, PAYMENT_ORDER: 3}
# The steps that are a letter to the debtor: without a way to deliver it, the step is not taken.
LETTER_ACTIONS = frozenset({REMINDER, COLLECTION_DEMAND, PAYMENT_ORDER})
DUE_DATE, PREVIOUS_DEADLINE = "due_date", "previous_deadline"

REMINDER_FEE, COLLECTION_FEE = FeeKind.REMINDER_FEE, FeeKind.COLLECTION_FEE
PAYMENT_ORDER_FEE, PAYMENT_ORDER_WORK = FeeKind.PAYMENT_ORDER_FEE, FeeKind.PAYMENT_ORDER_WORK
LATE_PAYMENT_COMPENSATION = FeeKind.LATE_PAYMENT_COMPENSATION

# Outcomes of the agent's work that the engine reads.
# A promise or a plan holds the case while it runs; once it lapses the ladder goes on. The
# last unanswered try (`unreachable`) and a wrong number let it go on too (by letter);
# `no_answer` waits for the next try.
CALL_RESOLVED = {"no_agreement", "promised", "payment_plan", "agreement", "unreachable", "waived", "wrong_number"}
APPROVED, REJECTED = "approved", "rejected"


@dataclass(frozen=True)
class LadderStep:
    number: int
    action: str
    anchor: str
    offset_days: int
    term_days: int
    fee_amount: Decimal
    requires_approval: bool = False


@dataclass(frozen=True)
class Ladder:
    category: str
    steps: tuple[LadderStep, ...]
    min_collection_amount: Decimal = Decimal("100.00")
    late_payment_compensation: bool = True
    contractual_interest_rate: Decimal | None = None  # the policy's, when it claims one instead of the statutory


@dataclass(frozen=True)
class Taken:
    action: str
    applied_on: datetime.date
    deadline: datetime.date | None = None


@dataclass(frozen=True)
class Decided:
    outcome: str
    decided_on: datetime.date


@dataclass(frozen=True)
class CaseFacts:
    due_date: datetime.date
    is_consumer: bool
    reminder_fee_agreed: bool
    principal: Decimal
    taken: tuple[Taken, ...] = ()
    fees_charged: frozenset[str] = frozenset()
    call: Decided | None = None  # the phone call's outcome, once recorded
    approval: Decided | None = None  # the payment-order review, once decided
    review_open: bool = False  # a payment-order review waits for an agent (the plan then has no date)
    # A letter can reach the debtor: a postal address or an agreed e-mail address, and no
    # "address missing" work item open (a returned letter opens one though an address is on file).
    deliverable: bool = True
    address_open: bool = False  # an "address missing" item waits for an agent (the plan then has no date)
    voided: int = 0  # steps whose letter came back: not in `taken`, but their rows keep their sequence numbers


@dataclass(frozen=True)
class Fee:
    kind: str
    amount: Decimal


@dataclass(frozen=True)
class Plan:
    step: LadderStep
    on: datetime.date | None  # None while it waits for someone
    fees: tuple[Fee, ...] = ()
    waiting_for: str = ""  # why it cannot fire yet: an agent's call, an approval, a minimum
    needs_review: bool = False  # a payment order whose review should be opened now
    needs_address: bool = False  # a letter that cannot be delivered: an "address missing" item is due
    notes: tuple[str, ...] = field(default=())


def next_ladder_index(taken: tuple[Taken, ...], ladder: Ladder) -> int | None:
    """The index of the first ladder step the case has not covered, or None at the end."""
    if not taken:  # a new case: its first step (ledger imports open thousands at once)
        return 0 if ladder.steps else None
    counts: dict[str, int] = {}
    top = -1
    for t in taken:
        counts[t.action] = counts.get(t.action, 0) + 1
        top = max(top, ACTION_RANK[t.action])
    seen: dict[str, int] = {}
    for index, step in enumerate(ladder.steps):
        seen[step.action] = seen.get(step.action, 0) + 1
        if ACTION_RANK[step.action] < top or seen[step.action] <= counts.get(step.action, 0):
            continue
        return index
    return None


def fees_for(step: LadderStep, facts: CaseFacts, ladder: Ladder, caps: FeeCaps, on: datetime.date) -> tuple[Fee, ...]:
    """The fees this step charges on this case: each at most once, never above its cap."""
    charged = facts.fees_charged
    if step.fee_amount <= 0:
        return ()
    if step.action in (REMINDER, COLLECTION_DEMAND):
        # Lag (1981:739) 4 a §: a business debtor owes förseningsersättning instead of
        # reminder and collection fees, never in addition; a consumer never owes it.
        if not facts.is_consumer and ladder.late_payment_compensation:
            if charged & {LATE_PAYMENT_COMPENSATION, REMINDER_FEE, COLLECTION_FEE}:
                return ()
            return (Fee(LATE_PAYMENT_COMPENSATION, caps.cap(LATE_PAYMENT_COMPENSATION, on)),)
        if LATE_PAYMENT_COMPENSATION in charged:
            return ()
        if step.action == REMINDER:
            # One reminder fee per claim, and only where the invoice terms agreed it (2 §).
            if REMINDER_FEE in charged or not facts.reminder_fee_agreed:
                return ()
            return (Fee(REMINDER_FEE, min(step.fee_amount, caps.cap(REMINDER_FEE, on))),)
        if COLLECTION_FEE in charged:
            return ()
        return (Fee(COLLECTION_FEE, min(step.fee_amount, caps.cap(COLLECTION_FEE, on))),)
    if step.action == PAYMENT_ORDER:
        fees = []
        if PAYMENT_ORDER_FEE not in charged:
            fees.append(Fee(PAYMENT_ORDER_FEE, min(step.fee_amount, caps.cap(PAYMENT_ORDER_FEE, on))))
        if PAYMENT_ORDER_WORK not in charged:
            fees.append(Fee(PAYMENT_ORDER_WORK, caps.cap(PAYMENT_ORDER_WORK, on)))
        return tuple(fees)
    return ()


def deadline_for(step: LadderStep, sent_on: datetime.date) -> datetime.date | None:
    """The last day to pay (or dispute) that the step's letter gives, moved to a bank day."""
    term = step.term_days
    if step.action == COLLECTION_DEMAND:
        term = max(term, MIN_COLLECTION_DEMAND_TERM_DAYS)
    if term <= 0:
        return None
    return next_bank_day(sent_on + datetime.timedelta(days=term))


def plan_next(facts: CaseFacts, ladder: Ladder, caps: FeeCaps) -> Plan | None:
    """The case's next step on this ladder and the bank day it fires, or None at the end.

    Only for an open case that is not on hold: the cycle checks holds before asking.
    """
    index = next_ladder_index(facts.taken, ladder)
    if index is None:
        return None
    step = ladder.steps[index]
    previous = facts.taken[-1] if facts.taken else None
    if step.anchor == DUE_DATE or previous is None:
        base = facts.due_date
    else:
        base = previous.deadline or previous.applied_on
    if previous is not None and previous.action == PHONE_CALL:
        # A VIP's collection demand waits until the agent has recorded the call's
        # outcome (or a supervisor has waived the call).
        if facts.call is None or facts.call.outcome not in CALL_RESOLVED:
            return Plan(step, None, waiting_for="the phone call's outcome")
        base = max(base, facts.call.decided_on)
    on = next_bank_day(base + datetime.timedelta(days=step.offset_days))
    if step.action == COLLECTION_DEMAND and facts.principal < ladder.min_collection_amount:
        return Plan(step, None, waiting_for=f"a principal of at least {ladder.min_collection_amount} kr "
                                            f"for a collection demand")
    if step.action == PAYMENT_ORDER and step.requires_approval:
        if facts.approval is None:
            return Plan(step, on, waiting_for="an agent's approval of the payment order", needs_review=True)
        if facts.approval.outcome != APPROVED:
            return Plan(step, None, waiting_for="a new decision: the payment order was rejected")
        on = max(on, next_bank_day(facts.approval.decided_on))
    if step.action in LETTER_ACTIONS and not facts.deliverable:
        # LAW.md "A fee is for a step that happened": a letter that cannot reach the
        # debtor is no step; no fee, no escalation until an address is found.
        return Plan(step, on, waiting_for="a postal address or an agreed e-mail address", needs_address=True)
    return Plan(step, on, fees=fees_for(step, facts, ladder, caps, on))
