"""The webhook events dunning writes (`webhooks`): an agent's work item opened, a letter sent.

The daily cycle's steps add them through their writer with the day's outbox (`dunning.steps`);
the one-at-a-time services call `queue_item_opened` and `letter_sent` after saving."""
from webhooks import events as hooks
from webhooks.outbox import Outbox, emit

from .models import QueueItem
from .rows import QueueRow


def queue_item_data(*, item_id: int | None, row) -> dict:
    return hooks.queue_item_created(item_id=item_id, case_id=row.case_id, kind=row.kind, due_on=row.due_on)


def letter_data(*, letter_id: int | None, row, currency: str) -> dict:
    return hooks.letter_sent(letter_id=letter_id, case_id=row.case_id, kind=row.kind, sent_on=row.sent_on,
                             deadline=row.deadline, total=row.total, currency=currency, ocr_reference=row.ocr_reference)


def queue_add(writer, outbox: Outbox, row: QueueRow, *, at=None) -> None:
    """A work item through the cycle's writer, and its event if the creditor listens (its id
    is then drawn, so the event can name it)."""
    hooked = outbox.wants(hooks.QUEUE_ITEM_CREATED)
    item_id = writer.add(QueueItem, row, keyed=hooked)
    if hooked:
        outbox.add(writer, hooks.QUEUE_ITEM_CREATED, queue_item_data(item_id=item_id, row=row), at=at)


def queue_item_opened(item: QueueItem) -> QueueItem:
    emit(creditor_id=item.creditor_id, type=hooks.QUEUE_ITEM_CREATED, data=queue_item_data(item_id=item.pk, row=item))
    return item


def letter_sent(letter, *, currency: str) -> None:
    emit(creditor_id=letter.creditor_id, type=hooks.LETTER_SENT,
         data=letter_data(letter_id=letter.pk, row=letter, currency=currency))
