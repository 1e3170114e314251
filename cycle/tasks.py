"""The daily cycle as Celery tasks: beat starts one fan-out, each creditor runs as its own task."""
import datetime

from celery import shared_task
from django.utils import timezone
from django_scopes import scopes_disabled

from core.tasks import TenantTask
from creditors.models import Creditor

from .run import run_cycle


@shared_task(name="dunning.run_daily_cycle")
def run_daily_cycle(day: str | None = None) -> int:
    """Queue today's cycle for every creditor (the beat's entry point)."""
    day = day or timezone.localdate().isoformat()
    with scopes_disabled():  # crosses creditors on purpose: one task per creditor follows
        ids = list(Creditor.objects.order_by("pk").values_list("pk", flat=True))
    for creditor_id in ids:
        run_creditor_cycle.delay(creditor_id=creditor_id, day=day)
    return len(ids)


@shared_task(base=TenantTask, name="dunning.run_creditor_cycle", autoretry_for=(ConnectionError,), retry_backoff=True)
def run_creditor_cycle(*, creditor_id: int, day: str) -> int:

    return run_cycle(creditor=Creditor.objects.get(pk=creditor_id), day=datetime.date.fromisoformat(day)).steps
