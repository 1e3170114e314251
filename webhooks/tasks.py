"""Webhook delivery as Celery tasks: the beat's sweep every minute, and one task per delivery."""
from celery import shared_task

from core.tasks import TenantTask

from .delivery import deliveries_claim, delivery_attempt


@shared_task(name="webhooks.deliver_due")
def deliver_due() -> int:
    """Claim what is due and send each in a task of its own (a slow receiver holds up only itself)."""
    claimed = deliveries_claim()
    for delivery_id, creditor_id in claimed:
        deliver.delay(creditor_id=creditor_id, delivery_id=delivery_id)
    return len(claimed)


@shared_task(base=TenantTask, name="webhooks.deliver", soft_time_limit=60, time_limit=90)
def deliver(*, creditor_id: int, delivery_id: int) -> str | None:
    delivery = delivery_attempt(delivery_id=delivery_id)
    return delivery.state if delivery else None
