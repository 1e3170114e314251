"""The audit call: every state change of a case leaves one CaseEvent through `log_event`."""
from django.utils import timezone

from .models import CaseEvent

SYSTEM = "system"


def actor_label(actor) -> str:
    """`system`, `user:EMAIL` or `api:NAME` for whoever acted."""
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        return actor
    from creditors.models import ApiClient

    if isinstance(actor, ApiClient):
        return f"api:{actor.name}"
    return f"user:{actor.get_username()}"


def build_event(*, case, code: str, text: str = "", actor=None, data: dict | None = None, at=None) -> CaseEvent:
    """An unsaved event, for writers that insert many at once (the daily cycle)."""
    return CaseEvent(
        creditor_id=case.creditor_id,
        case=case,
        at=at or timezone.now(),
        actor=actor_label(actor),
        code=code,
        text=text[:500],
        data=data or {},
    )


def log_event(*, case, code: str, text: str = "", actor=None, data: dict | None = None, at=None) -> CaseEvent:
    """Record that `code` (dotted: `cases.stage.changed`) happened to `case`."""
    event = build_event(case=case, code=code, text=text, actor=actor, data=data, at=at)
    event.save()
    return event
