"""Reads for the portal and the API: a creditor's endpoints, events and deliveries (in its scope)."""
from core.errors import NotFound

from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent

RECENT = 50


def endpoint_list():
    return WebhookEndpoint.objects.order_by("created_at", "id")


def endpoint_get(pk) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if endpoint is None:
        raise NotFound("no such webhook endpoint")
    return endpoint


def event_get(pk) -> WebhookEvent:
    event = WebhookEvent.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if event is None:
        raise NotFound("no such webhook event")
    return event


def deliveries_recent(endpoint: WebhookEndpoint, *, failed: bool = False, limit: int = RECENT) -> list:
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint).select_related("event")
    if failed:
        deliveries = deliveries.filter(failed_at__isnull=False)
    return list(deliveries.order_by("-created_at", "-id")[:limit])
