"""The audit call: every state change of a case leaves one CaseEvent through `log_event`."""
from django.utils import timezone

from creditors.models import ApiClient

from .models import CaseEvent

SYSTEM = "system"
# The column order of a bulk-inserted event row (`core.bulk.insert_rows`): the cycle, imports, payment files.
EVENT_FIELDS = ["creditor", "case", "at", "on", "actor", "code", "text", "data"]


def actor_label(actor) -> str:
    """`system`, `user:EMAIL` or `api:NAME` for whoever acted."""
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        return actor

    if isinstance(actor, ApiClient):
        return f"api:{actor.name}"
    return f"user:{actor.get_username()}"


def log_event(*, case, code: str, text: str = "", actor=None, data: dict | None = None, at=None,
              on=None) -> CaseEvent:
    """Record that `code` (dotted: `cases.stage.changed`) happened to `case`.

    (The daily cycle writes its events in bulk with the same fields; see `dunning.steps`.)"""
    at = at or timezone.now()
    return CaseEvent.objects.create(
        creditor_id=case.creditor_id,
        case=case,
        at=at,
        on=on or timezone.localdate(at),
        actor=actor_label(actor),
        code=code,
        text=text[:500],
        data=data or {},
    )
