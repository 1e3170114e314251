"""A case's stage and the one table of transitions between stages.

The table is the only place that says which move is allowed; services consult it,
the database holds a CHECK on the values, and the tests iterate over it.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    REMINDER = "reminder", _("Påminnelse")
    COLLECTION = "collection", _("Inkasso")  # inkassokrav
    LEGAL = "legal", _("Rättsligt")  # betalningsföreläggande
    ON_HOLD = "on_hold", _("Vilande")
    CLOSED = "closed", _("Avslutat")


class ClosedReason(models.TextChoices):
    PAID = "paid", _("Betalt")
    WITHDRAWN = "withdrawn", _("Återkallat")
    CREDITED = "credited", _("Krediterat")
    WRITTEN_OFF = "written_off", _("Avskrivet")


class HoldReason(models.TextChoices):
    DISPUTE = "dispute", _("Bestritt")
    PROMISE = "promise", _("Betalningslöfte")
    PAYMENT_PLAN = "payment_plan", _("Avbetalningsplan")
    PAUSED = "paused", _("Pausat av borgenären")


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
