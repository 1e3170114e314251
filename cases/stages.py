"""A case's stage and the one table of transitions between stages.

The table is the only place that says which move is allowed; services consult it,
the database holds a CHECK on the values, and the tests iterate over it.
"""
from django.db import models


class Stage(models.TextChoices):
    REMINDER = "reminder", "Reminder"  # påminnelse
    COLLECTION = "collection", "Collection"  # inkassokrav
    LEGAL = "legal", "Legal"  # betalningsföreläggande
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


class ClosedReason(models.TextChoices):
    PAID = "paid", "Paid"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CREDITED = "credited", "Credited"
    WRITTEN_OFF = "written_off", "Written off"


class HoldReason(models.TextChoices):
    DISPUTE = "dispute", "Disputed"
    PROMISE = "promise", "Promise to pay"
    PAYMENT_PLAN = "payment_plan", "Payment plan"
    PAUSED = "paused", "Paused by creditor"


OPEN_STAGES = (Stage.REMINDER, Stage.COLLECTION, Stage.LEGAL)

# Escalation only ever goes forward; a hold returns to the stage it was taken from.
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.REMINDER: frozenset({Stage.COLLECTION, Stage.ON_HOLD, Stage.CLOSED}),
    Stage.COLLECTION: frozenset({Stage.LEGAL, Stage.ON_HOLD, Stage.CLOSED}),
    Stage.LEGAL: frozenset({Stage.ON_HOLD, Stage.CLOSED}),
    Stage.ON_HOLD: frozenset({Stage.REMINDER, Stage.COLLECTION, Stage.LEGAL, Stage.CLOSED}),
    Stage.CLOSED: frozenset(),
}


def can_transition(source: str, target: str) -> bool:
    return Stage(target) in TRANSITIONS[Stage(source)]
