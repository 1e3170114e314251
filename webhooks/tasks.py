"""Webhook delivery as Celery tasks: the beat's sweep every minute, and one task per delivery;
and the hourly sweep of rotated secrets whose grace period is over."""
from celery import shared_task

from core.tasks import TenantTask

from .delivery import deliveries_claim, delivery_attempt
from .services import previous_secrets_forget


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


@shared_task(name="webhooks.forget_previous_secrets")
def forget_previous_secrets() -> int:
    return previous_secrets_forget()
