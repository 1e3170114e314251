"""Writes about policies."""
from django.db import transaction

from .defaults import DEFAULT_LADDERS
from .models import Policy, PolicyStep


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
    """What in this ladder breaks the law (dunning.rules.policy), as of `on` (default today)."""
    from django.utils import timezone

    from .rules.policy import StepSpec, validate_ladder
    from .selectors import fee_caps

    specs = [StepSpec(number=s["number"], action=s["action"], anchor=s["anchor"], offset_days=s["offset_days"],
                      term_days=s["term_days"], fee_amount=s["fee_amount"],
                      requires_approval=s["requires_approval"]) for s in steps]
    return validate_ladder(specs, fee_caps(), on or timezone.localdate())


@transaction.atomic
def policy_replace_steps(*, policy: Policy, steps: list[dict], actor=None) -> Policy:
    """Replace the policy's ladder, if the new one obeys the law; else nothing changes."""
    from core.errors import ValidationError

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
    _replan_open_cases(category=policy.category)
    return policy


def _replan_open_cases(*, category: str) -> None:
    from cases.models import Case
    from cases.stages import OPEN_STAGES

    from .planning import case_replan

    for case in Case.objects.select_related("invoice", "debtor").filter(stage__in=OPEN_STAGES,
                                                                        debtor__category=category):
        case_replan(case)
