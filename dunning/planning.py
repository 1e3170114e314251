"""Keep a case's planned next step (`next_action`, `next_step_on`) in step with its facts.

Called after anything that can change the plan: a case opened, a payment, a hold lifted,
an agent's decision, a category change. The daily cycle selects cases by `next_step_on`.
"""
from django.db import transaction

from cases.models import Case
from cases.stages import OPEN_STAGES
from law.selectors import fee_caps

from .engine import Plan, plan_next
from .facts import facts_for, ladders


def set_plan(case, plan: Plan | None, *, review_open: bool, address_open: bool = False) -> None:
    """Write the plan onto the case (unsaved). A step that waits for someone has no date,
    except a payment order whose review, or a letter whose "address missing" item, is still
    to be opened: the cycle opens it then."""
    case.next_action = plan.step.action if plan else ""
    if plan is None:
        case.next_step_on = None
    elif plan.needs_review:
        case.next_step_on = None if review_open else plan.on
    elif plan.needs_address:
        case.next_step_on = None if address_open else plan.on
    else:
        case.next_step_on = None if plan.waiting_for else plan.on


def cases_replan(cases, entries: dict | None = None, *, ladder_of: dict | None = None, caps=None,
                 history=None) -> None:
    """Recompute the next step of open cases (with invoice and debtor loaded), unsaved.

    `entries`, `ladder_of`, `caps` and `history` (`facts.histories`) are what the caller has
    already loaded; the rest is read in a few queries for all the cases together."""
    cases = [case for case in cases if case.stage in OPEN_STAGES]
    if not cases:
        return
    ladder_of = ladder_of or ladders()
    caps = caps or fee_caps()
    facts = facts_for(cases, entries, history)
    for case in cases:
        plan = plan_next(facts[case.pk], ladder_of[case.debtor.category], caps)
        set_plan(case, plan, review_open=facts[case.pk].review_open, address_open=facts[case.pk].address_open)


def case_replan(case) -> None:
    """Recompute and save the case's next step (the caller holds the case's row lock)."""
    if case.stage in OPEN_STAGES:
        cases_replan([case])
    else:
        set_plan(case, None, review_open=False)
    case.save(update_fields=["next_action", "next_step_on"])


REPLAN_CHUNK = 2_000
REPLAN_INLINE = 2_000


def replans_in_background(category: str) -> bool:
    """Whether a new ladder for the category is applied to its open cases by a worker."""
    return _open_cases(category).count() > REPLAN_INLINE


def _open_cases(category: str):
    return Case.objects.filter(stage__in=OPEN_STAGES, debtor__category=category)


def replan_open_cases(*, category: str) -> int:
    """Plan the category's open cases again under its ladder: a chunk of cases at a time,
    their facts read together and their plans written in one UPDATE per chunk, each chunk in
    a transaction of its own (a worker replanning 100 000 cases holds no lock for a minute).
    Returns the cases planned."""
    open_cases = _open_cases(category).select_related("invoice", "debtor").order_by("pk")
    last, planned = 0, 0
    while True:
        with transaction.atomic():
            chunk = list(open_cases.filter(pk__gt=last).select_for_update(of=("self",))[:REPLAN_CHUNK])
            if not chunk:
                return planned
            cases_replan(chunk)
            Case.objects.bulk_update(chunk, ["next_action", "next_step_on"])
        last, planned = chunk[-1].pk, planned + len(chunk)
