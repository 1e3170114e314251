"""Keep a case's planned next step (`next_action`, `next_step_on`) in step with its facts.

Called after anything that can change the plan: a case opened, a payment, a hold lifted,
an agent's decision, a category change. The daily cycle selects cases by `next_step_on`.
"""
from cases.models import QueueItem, QueueKind
from cases.stages import OPEN_STAGES

from .engine import Plan, plan_next
from .facts import facts_for, ladders
from .selectors import fee_caps


def set_plan(case, plan: Plan | None, *, review_open: bool) -> None:
    """Write the plan onto the case (unsaved). A step that waits for someone has no date,
    except a payment order whose review is still to be opened: the cycle opens it then."""
    case.next_action = plan.step.action if plan else ""
    if plan is None:
        case.next_step_on = None
    elif plan.needs_review:
        case.next_step_on = None if review_open else plan.on
    else:
        case.next_step_on = None if plan.waiting_for else plan.on


def case_replan(case) -> None:
    """Recompute and save the case's next step (the caller holds the case's row lock)."""
    plan = None
    if case.stage in OPEN_STAGES:
        plan = plan_next(facts_for([case])[case.pk], ladders()[case.debtor.category], fee_caps())
    review_open = QueueItem.objects.filter(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW, outcome="").exists()
    set_plan(case, plan, review_open=review_open)
    case.save(update_fields=["next_action", "next_step_on"])
