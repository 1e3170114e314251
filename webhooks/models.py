"""Webhooks: a creditor's endpoints, the outbox of events, and each event's delivery to each endpoint.

An event is written to the outbox (`WebhookEvent`) in the transaction of the change it tells
about (`webhooks.outbox`), with one `WebhookDelivery` per endpoint subscribed to its type:
rolled back with the change, never sent for a change that did not happen. A worker sends the
due deliveries (`webhooks.delivery`), retrying with backoff for three days.
"""
import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.tenancy import TenantManager
from creditors.models import Creditor


class WebhookEndpoint(models.Model):
    """A URL of the creditor's that hears the events it subscribes to, signed with its secret.

    The secret is needed to sign, so it is kept, encrypted (`webhooks.signing`): the database
    alone does not give it away. It is shown once, when made. After a rotation
    (`webhooks.services.endpoint_secret_rotate`) the secret it replaced keeps signing beside it
    until `previous_secret_expires_at`, so that a receiver can switch without losing an event;
    after that time it is not used, and a sweep blanks it."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    secret_encrypted = models.TextField()
    previous_secret_encrypted = models.TextField(blank=True)  # "" when there is none
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    events = models.JSONField(default=list)  # event types (webhooks.events.EVENT_TYPES)
    active = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # A previous secret always has its end, and an end always its secret.
            models.CheckConstraint(
                name="webhookendpoint_previous_secret_expires",
                condition=Q(previous_secret_encrypted="", previous_secret_expires_at__isnull=True)
                | (~Q(previous_secret_encrypted="") & Q(previous_secret_expires_at__isnull=False))),
        ]

    def __str__(self) -> str:
        return self.url

    def previous_secret_signs(self, now: datetime.datetime | None = None) -> bool:
        """Whether the secret a rotation replaced still signs, beside the current one, at `now`."""
        return bool(self.previous_secret_encrypted) and self.previous_secret_expires_at > (now or timezone.now())

    @property
    def previous_secret_until(self) -> datetime.datetime | None:
        """Until when the replaced secret signs too; None when it does not (or no longer)."""
        return self.previous_secret_expires_at if self.previous_secret_signs() else None


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
