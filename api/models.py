"""What the API remembers of a request sent with an `Idempotency-Key` (api.idempotency)."""
from django.db import models
from django.utils import timezone

from core.tenancy import TenantManager
from creditors.models import ApiClient, Creditor


class IdempotencyState(models.TextChoices):
    IN_FLIGHT = "in_flight", "in flight"
    DONE = "done", "done"


class IdempotentRequest(models.Model):
    """One key of one API client: claimed (in flight) before its request runs, then its response.

    The unique (client, key) is the claim: of two requests with the same key, the database lets
    one INSERT through and the other finds the row. Kept 24 hours (api.tasks sweeps older rows)."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, the path with its query and the canonical body (api.idempotency.request_fingerprint).
    request_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=IdempotencyState.choices, default=IdempotencyState.IN_FLIGHT)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    headers = models.JSONField(default=list, blank=True)  # [[name, value], …] as the endpoint answered
    body = models.BinaryField(default=b"", blank=True)
    # Not auto_now_add: a test's clock (time-machine) and the sweep read the same time.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique_per_client"),
            models.CheckConstraint(condition=models.Q(state__in=IdempotencyState.values),
                                   name="idempotency_state_valid"),
            # A response is stored exactly when the request is done.
            models.CheckConstraint(
                condition=models.Q(state=IdempotencyState.IN_FLIGHT, status_code__isnull=True)
                | models.Q(state=IdempotencyState.DONE, status_code__isnull=False),
                name="idempotency_done_has_response"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
