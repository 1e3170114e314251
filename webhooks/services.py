"""A creditor's webhook endpoints: register, change, remove; replay an event to one.

The URL is checked by the SSRF guard (`webhooks.guard`) when it is registered or changed,
and again at every delivery. The secret is made here and returned once, by `endpoint_create`
and `endpoint_secret_rotate`.
Each change, and each replay, is an AuditEvent (`webhook.*`, target `webhook:<id>`) in the same
transaction, naming the `actor` (a user, an API client, or None for the system) and their `ip`.
The secret is never in it.
"""
import datetime

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, ValidationError
from core.tenancy import scopes_disabled
from creditors.audit import audit_record
from creditors.models import AuditAction

from .events import EVENT_TYPES
from .guard import target_of
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .outbox import deliver_after_commit, delivery_row
from .signing import secret_encrypt, secret_new

DEFAULT_GRACE = datetime.timedelta(hours=24)  # as Stripe's default: a day to put the new secret in place
MAX_GRACE = datetime.timedelta(days=7)
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


def _audit(endpoint: WebhookEndpoint, action: str, *, actor, ip: str | None, **details) -> None:
    audit_record(creditor=endpoint.creditor_id, actor=actor, action=action, target=f"webhook:{endpoint.pk}",
                 details={"url": endpoint.url, "events": list(endpoint.events), **details}, ip=ip)


@transaction.atomic
def endpoint_create(*, creditor, url: str, events, description: str = "", active: bool = True,
                    actor=None, ip: str | None = None) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (`whsec_…`), which is not shown again."""
    url, events, description = url_clean(url), events_clean(events), description_clean(description)
    if WebhookEndpoint.objects.filter(creditor=creditor).count() >= MAX_ENDPOINTS:
        raise ValidationError(f"a creditor has at most {MAX_ENDPOINTS} webhook endpoints", code="endpoints_limit")
    secret = secret_new()
    endpoint = WebhookEndpoint.objects.create(creditor=creditor, url=url, events=events, description=description,
                                              active=bool(active), secret_encrypted=secret_encrypt(secret))
    _audit(endpoint, AuditAction.WEBHOOK_CREATED, actor=actor, ip=ip)
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, endpoint: WebhookEndpoint, url: str | None = None, events=None, description: str | None = None,
                    active: bool | None = None, actor=None, ip: str | None = None) -> WebhookEndpoint:
    """Change what is given. Deliveries already written keep going to the endpoint. The audit
    event says what the URL and events were before, where they changed; a form saved unchanged
    records nothing."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    given = {}
    if url is not None:
        given["url"] = url_clean(url)
    if events is not None:
        given["events"] = events_clean(events)
    if description is not None:
        given["description"] = description_clean(description)
    if active is not None:
        given["active"] = bool(active)
    old = {name: getattr(endpoint, name) for name in given}
    changed = [name for name, value in given.items() if value != old[name]]
    if not changed:
        return endpoint
    for name in changed:
        setattr(endpoint, name, given[name])
    endpoint.save(update_fields=changed)
    details = {f"old_{name}": old[name] for name in ("url", "events") if name in changed}
    details.update({name: given[name] for name in ("description", "active") if name in changed})
    _audit(endpoint, AuditAction.WEBHOOK_CHANGED, actor=actor, ip=ip, **details)
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, actor=None, ip: str | None = None) -> None:
    """The endpoint and its deliveries go; the events stay (another endpoint may have them).
    One already gone (a second click) is gone: nothing more happens, nothing is recorded."""
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
    if endpoint is None:
        return
    pk = endpoint.pk
    endpoint.delete()
    endpoint.pk = pk  # delete() clears it; the record names what was removed
    _audit(endpoint, AuditAction.WEBHOOK_DELETED, actor=actor, ip=ip)


@transaction.atomic
def event_replay(*, endpoint: WebhookEndpoint, event: WebhookEvent, at: datetime.datetime | None = None,
                 actor=None, ip: str | None = None) -> WebhookDelivery:
    """A new delivery of the event to the endpoint, due now, with the event's own `webhook-id`
    (a receiver that has it already can tell). Its three days start now."""
    if not endpoint.active:
        raise Conflict("the endpoint is inactive: activate it to replay an event to it", code="endpoint_inactive")
    if event.creditor_id != endpoint.creditor_id:  # the callers look both up in one scope; this is the last guard
        raise ValidationError("the event is another creditor's", code="event_invalid")
    at = at or timezone.now()
    delivery = WebhookDelivery.objects.create(**delivery_row(creditor_id=endpoint.creditor_id, event_id=event.pk,
                                                             endpoint_id=endpoint.pk, at=at)._asdict())
    _audit(endpoint, AuditAction.WEBHOOK_REPLAYED, actor=actor, ip=ip, event=event.webhook_id, type=event.type)
    deliver_after_commit()
    return delivery


def grace_clean(grace) -> datetime.timedelta:
    if not isinstance(grace, datetime.timedelta) or not datetime.timedelta(0) <= grace <= MAX_GRACE:
        hours = MAX_GRACE // datetime.timedelta(hours=1)
        raise ValidationError(f"grace_hours is from 0 (the old secret stops at once) to {hours} hours (7 days)",
                              code="grace_invalid", detail={"grace_hours": [f"From 0 to {hours}."]})
    return grace


@transaction.atomic
def endpoint_secret_rotate(*, endpoint: WebhookEndpoint, grace: datetime.timedelta = DEFAULT_GRACE, actor=None,
                           ip: str | None = None) -> tuple[WebhookEndpoint, str]:
    """A new secret for the endpoint (`whsec_…`, returned here and not shown again), for a secret
    that leaked or that someone who left knew.

    For `grace` (0 to MAX_GRACE) the secret it replaces signs too: each delivery carries both
    signatures, so the receiver can switch to the new one without refusing an event. With a
    grace of 0 the old secret stops at once. A rotation during another's grace period makes the
    secret in use the previous one, with the new grace; the one before it stops at once (a
    delivery carries at most two signatures, and an older secret is the likelier to have leaked).
    The audit event says the grace in hours, never a secret."""
    grace = grace_clean(grace)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = secret_new()
    if grace:
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.previous_secret_expires_at = timezone.now() + grace
    else:
        endpoint.previous_secret_encrypted, endpoint.previous_secret_expires_at = "", None
    endpoint.secret_encrypted = secret_encrypt(secret)
    endpoint.save(update_fields=["secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at"])
    hours = grace / datetime.timedelta(hours=1)
    _audit(endpoint, AuditAction.WEBHOOK_SECRET_ROTATED, actor=actor, ip=ip,
           grace_hours=int(hours) if hours.is_integer() else hours)
    return endpoint, secret


def previous_secrets_forget(*, now: datetime.datetime | None = None) -> int:
    """Blank the replaced secrets whose grace period is over (they no longer sign: this only keeps
    them out of the database). Across creditors: the beat's sweep serves them all."""
    now = now or timezone.now()
    with scopes_disabled():
        return WebhookEndpoint.objects.filter(previous_secret_expires_at__lte=now).update(
            previous_secret_encrypted="", previous_secret_expires_at=None)
