"""Webhooks: a creditor's endpoints, the outbox of events, and each event's delivery to each endpoint.

An event is written to the outbox (`WebhookEvent`) in the transaction of the change it tells
about (`webhooks.outbox`), with one `WebhookDelivery` per endpoint subscribed to its type:
rolled back with the change, never sent for a change that did not happen. A worker sends the
due deliveries (`webhooks.delivery`), retrying with backoff for three days.
"""
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantManager
from creditors.models import Creditor


class WebhookEndpoint(models.Model):
    """A URL of the creditor's that hears the events it subscribes to, signed with its secret.

    The secret is needed to sign, so it is kept, encrypted (`webhooks.secrets`): the database
    alone does not give it away. It is shown once, when made."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    secret_encrypted = models.TextField()
    events = models.JSONField(default=list)  # event types (webhooks.events.EVENT_TYPES)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """One event as it is sent: its `webhook_id` is the Standard Webhooks `webhook-id` (a
    replay sends the same id, so a receiver can tell it has it already)."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="+")
    webhook_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["creditor", "created_at"], name="webhookevent_creditor_at")]


class WebhookDelivery(models.Model):
    """An event's delivery to one endpoint: due at `next_attempt_at` until delivered or failed."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # None once delivered or failed
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)  # the HTTP status, if one came
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweeper's question: what is due now (webhooks.delivery.deliveries_claim).
            models.Index(fields=["next_attempt_at"], name="webhookdelivery_due",
                         condition=Q(next_attempt_at__isnull=False)),
            models.Index(fields=["endpoint", "created_at"], name="webhookdelivery_endpoint_at"),
        ]
        constraints = [
            models.CheckConstraint(
                name="webhookdelivery_one_end",
                condition=~(Q(delivered_at__isnull=False) & Q(failed_at__isnull=False))
                & (Q(next_attempt_at__isnull=True) | (Q(delivered_at__isnull=True) & Q(failed_at__isnull=True)))),
        ]

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.failed_at:
            return "failed"
        return "pending"
