"""Letters as Celery tasks: thin, idempotent, in their creditor's scope."""
import datetime

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from core.tasks import TenantTask
from creditors.models import Creditor

from .delivery import letters_email_pending, print_batch_build
from .rendering import letters_render_pending

# A cycle batch is at most 500 letters at ~0.1 s each; one letter is bounded by pdf.RENDER_SECONDS.
RENDER_SOFT_LIMIT = 600


@shared_task(base=TenantTask, name="letters.render_pending", soft_time_limit=RENDER_SOFT_LIMIT,
             time_limit=RENDER_SOFT_LIMIT + 60, autoretry_for=(ConnectionError,), retry_backoff=True)
def render_pending_letters(*, creditor_id: int) -> int:
    """Render what waits, then e-mail the letters whose debtors agreed to e-mail (the rest wait
    for the day's print batch)."""
    rendered = letters_render_pending(creditor_id=creditor_id)
    letters_email_pending(creditor_id=creditor_id)
    return rendered


def letters_render_after_commit(*, creditor_id: int) -> None:
    """Queue the creditor's pending letters for rendering once the current transaction commits."""
    transaction.on_commit(lambda: render_pending_letters.delay(creditor_id=creditor_id))


@shared_task(base=TenantTask, name="letters.deliver", autoretry_for=(ConnectionError,), retry_backoff=True)
def deliver_letters(*, creditor_id: int, day: str) -> int:
    """E-mail what can be e-mailed, then build the day's print batch with the rest."""
    sent = letters_email_pending(creditor_id=creditor_id)
    batch = print_batch_build(creditor=Creditor.objects.get(pk=creditor_id), day=datetime.date.fromisoformat(day))
    return sent + (batch.letter_count if batch else 0)


@shared_task(name="letters.deliver_all")
def deliver_all_letters(day: str | None = None) -> int:
    """Queue the day's delivery for every creditor (the beat's entry point, after the cycle)."""
    day = day or timezone.localdate().isoformat()
    ids = list(Creditor.objects.order_by("pk").values_list("pk", flat=True))
    for creditor_id in ids:
        deliver_letters.delay(creditor_id=creditor_id, day=day)
    return len(ids)
