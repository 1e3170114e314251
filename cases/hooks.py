"""A case's webhook events (`webhooks`): its stage changed, and closed. Written by
`cases.services.case_transition` one at a time and by the bulk paths (the daily cycle's
steps, a payment file's batches) through their writer, with the creditor's outbox."""
import datetime

from webhooks import events as hooks
from webhooks.outbox import Outbox

from .stages import Stage


def stage_hooks(outbox: Outbox, writer, *, case, source: str, to: str, reason: str, on: datetime.date,
                at: datetime.datetime | None = None) -> None:
    """`case.stage_changed`, and `case.closed` when it closed, for whoever subscribes."""
    if not outbox:
        return
    if outbox.wants(hooks.CASE_STAGE_CHANGED):
        outbox.add(writer, hooks.CASE_STAGE_CHANGED, hooks.stage_changed(
            case_id=case.pk, source=source, to=to, reason=reason, on=on), at=at)
    if to == Stage.CLOSED and outbox.wants(hooks.CASE_CLOSED):
        outbox.add(writer, hooks.CASE_CLOSED, hooks.case_closed(
            case_id=case.pk, closed_reason=reason, on=on), at=at)
