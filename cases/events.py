"""The audit call: every state change of a case leaves one CaseEvent through `log_event`;
the bulk paths build the same rows with `event_row` and insert many at once.

An event stores its code and data; its sentence is rendered when shown (`cases.timeline`).
`text` stays on the row for events written before that, and for the bulk paths that
still write one."""
import datetime
from typing import NamedTuple

from django.utils import timezone

from creditors.models import ApiClient

from .models import CaseEvent

SYSTEM = "system"


class EventRow(NamedTuple):
    """A CaseEvent as a bulk path inserts it (`core.bulk.insert_rows`), built by `event_row`."""

    creditor_id: int
    case_id: int
    at: datetime.datetime
    on: datetime.date
    actor: str
    code: str
    text: str
    data: dict


# The column order of a bulk-inserted event row: the cycle, imports, payment files.
EVENT_FIELDS = list(EventRow._fields)


def actor_label(actor) -> str:
    """`system`, `user:EMAIL` or `api:NAME` for whoever acted."""
    if actor is None:
        return SYSTEM
    if isinstance(actor, str):
        return actor

    if isinstance(actor, ApiClient):
        return f"api:{actor.name}"
    return f"user:{actor.get_username()}"


def event_row(*, case, code: str, text: str = "", actor=None, data: dict | None = None, at=None,
              on=None) -> EventRow:
    """The event that `code` (dotted: `cases.stage.changed`) happened to `case`, as a row."""
    at = at or timezone.now()
    return EventRow(creditor_id=case.creditor_id, case_id=case.pk, at=at, on=on or timezone.localdate(at),
                    actor=actor_label(actor), code=code, text=text[:500], data=data or {})


def log_event(*, case, code: str, actor=None, data: dict | None = None, at=None, on=None) -> CaseEvent:
    """Record that `code` happened to `case`, now, with the `data` its sentence is rendered
    from (`cases.timeline`; the bulk paths insert `event_row`s)."""
    return CaseEvent.objects.create(**event_row(case=case, code=code, actor=actor, data=data, at=at, on=on)._asdict())
