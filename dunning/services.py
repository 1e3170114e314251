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
