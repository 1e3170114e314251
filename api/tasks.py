"""The API's periodic upkeep (Celery beat, settings.CELERY_BEAT_SCHEDULE)."""
from celery import shared_task
from django.utils import timezone

from core.tenancy import scopes_disabled

from .idempotency import KEY_LIFETIME
from .models import IdempotentRequest


@shared_task(name="api.sweep_idempotency_keys")
def sweep_idempotency_keys() -> int:
    """Delete the Idempotency-Key rows past their 24 hours (already treated as absent): every
    creditor's at once, one indexed DELETE."""
    with scopes_disabled():
        deleted, _ = IdempotentRequest.objects.filter(created_at__lte=timezone.now() - KEY_LIFETIME).delete()
    return deleted
