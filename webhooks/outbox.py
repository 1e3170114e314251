"""The outbox: events written in the transaction of the change they tell about.

A service calls `emit(creditor_id=…, type=…, data=…)` inside its transaction; a bulk path
loads the creditor's `Outbox` once (`outbox_for`) and adds its events through its
`core.bulk.BulkWriter`, as it adds its other rows. Either way an event is written only when
one of the creditor's active endpoints subscribes to its type, with one delivery per such
endpoint, due at once: a creditor without webhooks pays one indexed query per service call
and per cycle, and no rows. Rolled back with the change, an event is never sent.

Once the transaction commits, a worker is asked to send (`webhooks.tasks.deliver_due`);
the beat's sweep every minute catches anything that asked went unheard. With no broker
(the embedded default) nothing is sent by itself: `manage.py deliver_webhooks` sends.
"""
import datetime
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from celery import current_app
from django.db import transaction
from django.utils import timezone

from core.bulk import OneByOne
from core.tenancy import scopes_disabled

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent


class EventRow(NamedTuple):
    creditor_id: int
    webhook_id: str
    type: str
    payload: dict
    created_at: datetime.datetime


class DeliveryRow(NamedTuple):
    creditor_id: int
    event_id: int
    endpoint_id: int
    attempts: int
    next_attempt_at: datetime.datetime | None
    last_attempt_at: datetime.datetime | None
    last_status: int | None
    last_error: str
    delivered_at: datetime.datetime | None
    failed_at: datetime.datetime | None
    created_at: datetime.datetime


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def delivery_row(*, creditor_id: int, event_id: int, endpoint_id: int, at: datetime.datetime) -> DeliveryRow:
    """A delivery due at `at`, not yet tried."""
    return DeliveryRow(creditor_id, event_id, endpoint_id, 0, at, None, None, "", None, None, at)


@dataclass(frozen=True)
class Outbox:
    """A creditor's active endpoints and the types each subscribes to, as loaded."""

    creditor_id: int
    endpoints: tuple  # ((endpoint id, frozenset of types), …)
    types: frozenset = frozenset()  # every type some endpoint subscribes to: `wants` is asked per step

    def __bool__(self) -> bool:
        return bool(self.endpoints)

    def wants(self, type: str) -> bool:
        return type in self.types

    def add(self, writer, type: str, data: dict, *, at: datetime.datetime | None = None) -> int | None:
        """Write the event and its deliveries through `writer` (a BulkWriter or OneByOne) if
        an endpoint subscribes to `type`; its id, or None."""
        if not self.wants(type):
            return None
        at = at or timezone.now()
        event_id = writer.add(WebhookEvent, EventRow(self.creditor_id, new_webhook_id(), type, data, at), keyed=True)
        for endpoint_id, types in self.endpoints:
            if type in types:
                writer.add(WebhookDelivery, delivery_row(creditor_id=self.creditor_id, event_id=event_id,
                                                         endpoint_id=endpoint_id, at=at))
        deliver_after_commit()
        return event_id


NO_ENDPOINTS = Outbox(creditor_id=0, endpoints=())


def outbox_for(creditor_id: int) -> Outbox:
    """The creditor's outbox: one query. By id, whatever scope is active (a service may run
    in an agent's cross-creditor view)."""
    with scopes_disabled():
        rows = WebhookEndpoint.objects.filter(creditor_id=creditor_id, active=True).values_list("pk", "events")
        endpoints = tuple((pk, frozenset(events)) for pk, events in rows)
    return Outbox(creditor_id=creditor_id, endpoints=endpoints, types=frozenset().union(*(t for _, t in endpoints)))


def emit(*, creditor_id: int, type: str, data: dict, at: datetime.datetime | None = None) -> int | None:
    """Write one event for the creditor now, in the caller's transaction, if anyone listens."""
    outbox = outbox_for(creditor_id)
    return outbox.add(OneByOne(), type, data, at=at) if outbox else None


def _kick() -> None:
    from .tasks import deliver_due

    deliver_due.delay()


def deliver_after_commit() -> None:
    """Ask a worker to send once the transaction commits (once per transaction). Not with
    eager tasks (the embedded default and the tests): the request would wait on the receivers."""
    if current_app.conf.task_always_eager:
        return
    connection = transaction.get_connection()
    if any(hook[1] is _kick for hook in connection.run_on_commit):
        return
    transaction.on_commit(_kick)
