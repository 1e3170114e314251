"""Sending: a sweep claims the due deliveries, a task sends each, the result is recorded.

An attempt that gets a 2xx delivers. Anything else (a 3xx: redirects are not followed; a
4xx or 5xx; a refused address, a timeout, a TLS error) is retried after 5 s, 5 min, 30 min,
2 h, 5 h, then every 10 h, while the next attempt falls within three days of the delivery's
creation; after that the delivery is marked failed (the portal lists it; a replay starts
a new one). A claim holds a delivery for LEASE, so two sweeps never send it at once and a
worker that died mid-send is retried after it. A receiver may still get an event twice (the
process dies after the POST, before the record): it tells by `webhook-id`. While a rotated
secret's grace period runs, each attempt is signed with both secrets.
"""
import datetime
import json

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.tenancy import scopes_disabled

from . import http
from .guard import target_of
from .models import WebhookDelivery
from .signing import secret_decrypt, signature

RETRY_AFTER = (datetime.timedelta(seconds=5), datetime.timedelta(minutes=5), datetime.timedelta(minutes=30),
               datetime.timedelta(hours=2), datetime.timedelta(hours=5), datetime.timedelta(hours=10))
GIVE_UP_AFTER = datetime.timedelta(days=3)
LEASE = datetime.timedelta(minutes=5)
CLAIM_BATCH = 200  # deliveries per sweep; each is a task, and the sweep runs every minute
USER_AGENT = "Fordra-Webhooks/1"


def retry_delay(attempts: int) -> datetime.timedelta:
    """How long after its `attempts`-th failed attempt a delivery is tried again."""
    return RETRY_AFTER[min(attempts, len(RETRY_AFTER)) - 1]


def deliveries_claim(*, now: datetime.datetime | None = None, limit: int = CLAIM_BATCH) -> list[tuple[int, int]]:
    """(delivery id, creditor id) of the due deliveries, each held for LEASE. Across creditors:
    the sweep serves them all. Rows another sweep holds are skipped."""
    now = now or timezone.now()
    with scopes_disabled(), transaction.atomic():
        claimed = list(WebhookDelivery.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
                       .select_for_update(skip_locked=True).values_list("pk", "creditor_id")[:limit])
        WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in claimed]).update(next_attempt_at=now + LEASE)
    return claimed


def body_of(event) -> bytes:
    """The body an event is sent with: the same bytes on every attempt and replay."""
    return json.dumps({"type": event.type, "timestamp": event.created_at.isoformat(), "data": event.payload},
                      separators=(",", ":"), ensure_ascii=False).encode()


def signed_headers(*, secrets: list[str], webhook_id: str, timestamp: int, body: bytes) -> dict:
    """One signature per secret, space-separated (Standard Webhooks: a receiver accepts the
    message when any of them matches its secret), the current secret's first."""
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT, "webhook-id": webhook_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": " ".join(signature(secret, webhook_id=webhook_id, timestamp=timestamp, body=body)
                                          for secret in secrets)}


def signing_secrets(endpoint, now: datetime.datetime) -> list[str]:
    """The endpoint's secret, and during a rotation's grace period the one it replaced."""
    secrets = [secret_decrypt(endpoint.secret_encrypted)]
    if endpoint.previous_secret_signs(now):
        secrets.append(secret_decrypt(endpoint.previous_secret_encrypted))
    return secrets


def _send(delivery, now: datetime.datetime) -> tuple[int | None, str]:
    """One POST: the status (None if none came) and what went wrong ("" if it was delivered)."""
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.active:
        return None, "the endpoint is inactive"
    body = body_of(event)
    headers = signed_headers(secrets=signing_secrets(endpoint, now), webhook_id=event.webhook_id,
                             timestamp=int(now.timestamp()), body=body)
    try:
        target = target_of(endpoint.url)  # again: DNS may have changed since the endpoint was registered
        status, location = http.post(target, body=body, headers=headers)
    except ApplicationError as error:
        return None, f"refused: {error.message}"
    except OSError as error:
        return None, f"{type(error).__name__}: {error}"[:500]
    if 200 <= status < 300:
        return status, ""
    if 300 <= status < 400:
        return status, f"HTTP {status}: a redirect (to {location[:300] or 'nowhere'}) is not followed"
    return status, f"HTTP {status}"


def delivery_attempt(*, delivery_id: int, now: datetime.datetime | None = None) -> WebhookDelivery | None:
    """Send one delivery if it is still pending, and record the attempt."""
    now = now or timezone.now()
    delivery = (WebhookDelivery.objects.select_related("event", "endpoint")
                .filter(pk=delivery_id, delivered_at__isnull=True, failed_at__isnull=True).first())
    if delivery is None:
        return None
    status, error = _send(delivery, now)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.delivered_at or delivery.failed_at:
            return delivery
        delivery.attempts += 1
        delivery.last_attempt_at, delivery.last_status, delivery.last_error = now, status, error
        if not error:
            delivery.delivered_at, delivery.next_attempt_at = now, None
        else:
            retry_at = now + retry_delay(delivery.attempts)
            if retry_at > delivery.created_at + GIVE_UP_AFTER or error == "the endpoint is inactive":
                delivery.failed_at, delivery.next_attempt_at = now, None
            else:
                delivery.next_attempt_at = retry_at
        delivery.save(update_fields=["attempts", "last_attempt_at", "last_status", "last_error", "delivered_at",
                                     "failed_at", "next_attempt_at"])
    return delivery
