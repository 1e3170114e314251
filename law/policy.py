"""Does a ladder obey the law? Pure: (steps, rule pack, day) → the rules it breaks.

Enforced here, when a policy is saved: fee caps per action, one reminder fee per claim
(only one reminder step may carry a fee), a collection demand's term of at least 8 days,
a payment order that follows a collection demand and waits for an agent's approval,
no fee on a phone call.

Enforced by the engine, per case, because only the case knows: a reminder fee only
where the invoice terms agreed it, förseningsersättning only for a business debtor and
never together with reminder or collection fees, each fee at most once per claim.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from .actions import Action, FeeKind
from .fees import MIN_COLLECTION_DEMAND_TERM_DAYS, FeeCaps

REMINDER, PHONE_CALL, COLLECTION_DEMAND, PAYMENT_ORDER = (Action.REMINDER, Action.PHONE_CALL, Action.COLLECTION_DEMAND,
                                                       Action.PAYMENT_ORDER)
ACTION_FEE_KIND = {REMINDER: FeeKind.REMINDER_FEE, COLLECTION_DEMAND: FeeKind.COLLECTION_FEE,
                   PAYMENT_ORDER: FeeKind.PAYMENT_ORDER_FEE}


@dataclass(frozen=True)
class StepSpec:
    number: int
    action: str
    anchor: str
    offset_days: int
    term_days: int
    fee_amount: Decimal
    requires_approval: bool


@dataclass(frozen=True)
class Violation:
    step: int | None
    rule: str
    message: str


def validate_ladder(steps: list[StepSpec], caps: FeeCaps, on: datetime.date) -> list[Violation]:
    found: list[Violation] = []
    if not steps:
        return [Violation(None, "ladder.empty", "a ladder needs at least one step")]
    if [s.number for s in steps] != list(range(1, len(steps) + 1)):
        found.append(Violation(None, "ladder.numbering", "steps must be numbered 1, 2, 3, … in order"))
    reminder_fees = 0
    demand_seen = False
    for step in steps:
        if step.fee_amount < 0:
            found.append(Violation(step.number, "fee.negative", "a fee cannot be negative"))
        if step.action == PHONE_CALL and step.fee_amount:
            found.append(Violation(step.number, "fee.phone_call", "a phone call carries no fee"))
        kind = ACTION_FEE_KIND.get(step.action)
        if kind and step.fee_amount > caps.cap(kind, on):
            found.append(Violation(step.number, f"fee.cap.{kind}",
                                   f"{step.action} fee {step.fee_amount} exceeds the legal cap of "
                                   f"{caps.cap(kind, on)} kr (lag (1981:739) om ersättning för inkassokostnader)"))
        if step.action == REMINDER and step.fee_amount > 0:
            reminder_fees += 1
            if reminder_fees == 2:
                found.append(Violation(step.number, "fee.reminder.once",
                                       "only one reminder fee may be charged per claim; set this step's fee to 0"))
        if step.action == COLLECTION_DEMAND:
            demand_seen = True
            if step.term_days < MIN_COLLECTION_DEMAND_TERM_DAYS:
                found.append(Violation(step.number, "term.collection_demand",
                                       f"a collection demand must give at least {MIN_COLLECTION_DEMAND_TERM_DAYS} "
                                       f"days to pay or dispute (inkassolagen 5 §, god inkassosed)"))
        if step.action == PAYMENT_ORDER:
            if not demand_seen:
                found.append(Violation(step.number, "order.payment_order",
                                       "a payment order may only follow a collection demand"))
            if not step.requires_approval:
                found.append(Violation(step.number, "approval.payment_order",
                                       "an agent must approve a payment order before it is filed"))
    return found
