"""A case's stage and the one table of transitions between stages.

The table is the only place that says which move is allowed; services consult it,
the database holds a CHECK on the values, and the tests iterate over it.
"""
from django.db import models


class Stage(models.TextChoices):
    REMINDER = "reminder", "Påminnelse"
    COLLECTION = "collection", "Inkasso"  # inkassokrav
    LEGAL = "legal", "Rättsligt"  # betalningsföreläggande
    ON_HOLD = "on_hold", "Vilande"
    CLOSED = "closed", "Avslutat"


class ClosedReason(models.TextChoices):
    PAID = "paid", "Betalt"
    WITHDRAWN = "withdrawn", "Återkallat"
    CREDITED = "credited", "Krediterat"
    WRITTEN_OFF = "written_off", "Avskrivet"


class HoldReason(models.TextChoices):
    DISPUTE = "dispute", "Bestritt"
    PROMISE = "promise", "Betalningslöfte"
    PAYMENT_PLAN = "payment_plan", "Avbetalningsplan"
    PAUSED = "paused", "Pausat av borgenären"


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
