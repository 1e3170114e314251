"""Letters as Celery tasks: thin, idempotent, in their creditor's scope."""
from celery import shared_task
from django.db import transaction

from core.tasks import TenantTask

# A cycle batch is at most 500 letters at ~0.1 s each; one letter is bounded by pdf.RENDER_SECONDS.
RENDER_SOFT_LIMIT = 600


@shared_task(base=TenantTask, name="letters.render_pending", soft_time_limit=RENDER_SOFT_LIMIT,
             time_limit=RENDER_SOFT_LIMIT + 60, autoretry_for=(ConnectionError,), retry_backoff=True)
def render_pending_letters(*, creditor_id: int) -> int:
    from .rendering import letters_render_pending

    return letters_render_pending(creditor_id=creditor_id)


def letters_render_after_commit(*, creditor_id: int) -> None:
    """Queue the creditor's pending letters for rendering once the current transaction commits."""
    transaction.on_commit(lambda: render_pending_letters.delay(creditor_id=creditor_id))
