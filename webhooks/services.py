"""A creditor's webhook endpoints: register, change, remove; replay an event to one.

The URL is checked by the SSRF guard (`webhooks.guard`) when it is registered or changed,
and again at every delivery. The secret is made here and returned once, by `endpoint_create`.
"""
import datetime

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, ValidationError

from .events import EVENT_TYPES
from .guard import target_of
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .outbox import deliver_after_commit, delivery_row
from .signing import secret_encrypt, secret_new

MAX_ENDPOINTS = 10  # per creditor: each event is sent to each, and a receiver is usually one ERP
URL_LENGTH = 500
DESCRIPTION_LENGTH = 200


def events_clean(events) -> list[str]:
    if not isinstance(events, (list, tuple)) or not all(isinstance(e, str) for e in events):
        raise ValidationError("events is a list of event types", code="events_invalid",
                              detail={"events": list(EVENT_TYPES)})
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(f"unknown event types: {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}",
                              code="events_invalid", detail={"unknown": unknown, "events": list(EVENT_TYPES)})
    if not events:
        raise ValidationError("an endpoint subscribes to at least one event type", code="events_empty",
                              detail={"events": list(EVENT_TYPES)})
    return [e for e in EVENT_TYPES if e in events]  # in one order, once each


def url_clean(url) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ValidationError("an endpoint needs a URL", code="url_invalid")
    url = url.strip()
    if len(url) > URL_LENGTH:
        raise ValidationError(f"a webhook URL is at most {URL_LENGTH} characters", code="url_too_long")
    target_of(url)
    return url


def description_clean(description) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_LENGTH:
        raise ValidationError(f"a description is at most {DESCRIPTION_LENGTH} characters", code="description_too_long")
    return description


@transaction.atomic
def endpoint_create(*, creditor, url: str, events, description: str = "",
                    active: bool = True) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (`whsec_…`), which is not shown again."""
    url, events, description = url_clean(url), events_clean(events), description_clean(description)
    if WebhookEndpoint.objects.filter(creditor=creditor).count() >= MAX_ENDPOINTS:
        raise ValidationError(f"a creditor has at most {MAX_ENDPOINTS} webhook endpoints", code="endpoints_limit")
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(creditor=creditor, url=url, events=events, description=description,
                                              active=bool(active), secret_encrypted=secret_encrypt(secret))
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, url: str | None = None, events=None, description: str | None = None,
                    active: bool | None = None) -> WebhookEndpoint:
    """Change what is given. Deliveries already written keep going to the endpoint."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changed = []
    if url is not None:
        endpoint.url = url_clean(url)
        changed.append("url")
    if events is not None:
        endpoint.events = events_clean(events)
        changed.append("events")
    if description is not None:
        endpoint.description = description_clean(description)
        changed.append("description")
    if active is not None:
        endpoint.active = bool(active)
        changed.append("active")
    if changed:
        endpoint.save(update_fields=changed)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """The endpoint and its deliveries go; the events stay (another endpoint may have them)."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


@transaction.atomic
def event_replay(*, endpoint: WebhookEndpoint, event: WebhookEvent,
                 at: datetime.datetime | None = None) -> WebhookDelivery:
    """A new delivery of the event to the endpoint, due now, with the event's own `webhook-id`
    (a receiver that has it already can tell). Its three days start now."""
    if not endpoint.active:
        raise Conflict("the endpoint is inactive: activate it to replay an event to it", code="endpoint_inactive")
    if event.creditor_id != endpoint.creditor_id:  # the callers look both up in one scope; this is the last guard
        raise ValidationError("the event is another creditor's", code="event_invalid")
    at = at or timezone.now()
    delivery = WebhookDelivery.objects.create(**delivery_row(creditor_id=endpoint.creditor_id, event_id=event.pk,
                                                             endpoint_id=endpoint.pk, at=at)._asdict())
    deliver_after_commit()
    return delivery
