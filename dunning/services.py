"""Writes about policies, a new case's first plan, and one case's due step."""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.ledger import entry_rows
from cases.models import Case
from cases.services import case_open
from cases.stages import OPEN_STAGES
from core.bulk import OneByOne
from core.errors import ValidationError
from law.pack import RulePack
from law.policy import StepSpec, validate_ladder
from law.selectors import fee_caps
from letters.tasks import letters_render_after_commit

from .defaults import DEFAULT_LADDERS
from .facts import facts_for
from .models import Policy, PolicyStep
from .planning import case_replan, replan_open_cases, replans_in_background
from .steps import CASE_PLAN_FIELDS, CycleReport, case_step, step_context
from .tasks import replan_after_commit


@transaction.atomic
def policies_create_defaults(*, creditor) -> list[Policy]:
    """Give the creditor the PS method's default ladder for every category it lacks."""
    policies = []
    for category, ladder in DEFAULT_LADDERS.items():
        policy, created = Policy.objects.get_or_create(creditor=creditor, category=category)
        if created:
            PolicyStep.objects.bulk_create(
                PolicyStep(creditor=creditor, policy=policy, number=number, action=action, anchor=anchor,
                           offset_days=offset, term_days=term, fee_amount=fee, requires_approval=approval)
                for number, (action, anchor, offset, term, fee, approval) in enumerate(ladder, start=1)
            )
        policies.append(policy)
    return policies


def ladder_violations(steps: list[dict], *, on=None) -> list:
    """What in this ladder breaks the law (law.policy), as of `on` (default today)."""
    specs = [StepSpec(number=s["number"], action=s["action"], anchor=s["anchor"], offset_days=s["offset_days"],
                      term_days=s["term_days"], fee_amount=s["fee_amount"],
                      requires_approval=s["requires_approval"]) for s in steps]
    return validate_ladder(specs, fee_caps(), on or timezone.localdate())


@transaction.atomic
def policy_replace_steps(*, policy: Policy, steps: list[dict], actor=None) -> Policy:
    """Replace the policy's ladder, if the new one obeys the law; else nothing changes.

    The category's open cases are planned again under it: here, up to REPLAN_INLINE of them;
    more (100 000 take about a minute) by a worker once the new ladder is committed
    (`dunning.tasks.replan_category`). Until then a case's stored next step may be the old
    ladder's: the daily cycle plans each case it takes from the ladder as it stands, so such
    a case gets no wrong step, at most its next step a cycle late."""
    violations = ladder_violations(steps)
    if violations:
        raise ValidationError(
            "; ".join(f"step {v.step}: {v.message} [{v.rule}]" if v.step else f"{v.message} [{v.rule}]"
                      for v in violations),
            detail=[{"step": v.step, "rule": v.rule, "message": v.message} for v in violations],
            code="policy_unlawful",
        )
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    policy.steps.all().delete()
    PolicyStep.objects.bulk_create(PolicyStep(creditor_id=policy.creditor_id, policy=policy, **step) for step in steps)
    policy.save(update_fields=["updated_at"])
    if replans_in_background(policy.category):
        creditor_id, category = policy.creditor_id, policy.category
        transaction.on_commit(lambda: replan_after_commit(creditor_id=creditor_id, category=category))
    else:
        replan_open_cases(category=policy.category)
    return policy




@transaction.atomic
def case_open_and_plan(*, invoice, opened_on: datetime.date, principal: Decimal | None = None, actor=None) -> Case:
    """Open the case for an invoice (`cases.services.case_open`) and plan its first step."""
    case = case_open(invoice=invoice, opened_on=opened_on, principal=principal, actor=actor)
    case_replan(case)
    return case


@transaction.atomic
def case_step_apply(*, case: Case, day: datetime.date, report: CycleReport | None = None,
                    pack: RulePack | None = None) -> CycleReport:
    """Apply the case's step due on `day`, if one is, as the daily cycle does for each case of
    a batch (`dunning.steps.case_step`, the same rows), saving each row on its own: the plain
    path the cycle's bulk path is held to (tests/cycle/test_bulk_equivalence.py).
    `report`: the day's, to count into."""
    case = Case.objects.select_for_update(of=("self",)).select_related("invoice", "debtor", "creditor").get(pk=case.pk)
    report = report or CycleReport(case.creditor.slug, day)
    if case.stage not in OPEN_STAGES or case.next_step_on is None or case.next_step_on > day:
        return report
    entries = entry_rows([case.pk])
    with OneByOne() as writer:
        letters = case_step(case, facts=facts_for([case], entries)[case.pk], entries=entries[case.pk],
                            context=step_context(creditor=case.creditor, day=day, pack=pack), writer=writer,
                            report=report)
    case.save(update_fields=CASE_PLAN_FIELDS)
    if letters:
        letters_render_after_commit(creditor_id=case.creditor_id)
    return report
