"""The rows a step writes besides its ledger entries, events and letter: the applied step
and an agent's work item. Built here for the daily cycle (`dunning.steps`, many at once
through `core.bulk.BulkWriter`) and for one case (`dunning.services.case_step_apply`)."""
import datetime
from typing import NamedTuple

from django.utils import timezone


class StepRow(NamedTuple):
    """An AppliedStep to insert."""

    creditor_id: int
    case_id: int
    sequence: int
    category: str
    ladder_step: int
    action: str
    applied_on: datetime.date
    deadline: datetime.date | None
    created_at: datetime.datetime


class QueueRow(NamedTuple):
    """A QueueItem to insert: open, for an agent."""

    creditor_id: int
    case_id: int
    kind: str
    created_on: datetime.date
    due_on: datetime.date
    outcome: str
    decided_on: datetime.date | None
    decided_by: str
    note: str


# The columns of bulk-inserted steps and work items (`core.bulk`), in their rows' order.
STEP_FIELDS = list(StepRow._fields)
QUEUE_FIELDS = list(QueueRow._fields)


def step_row(*, case, sequence: int, category: str, ladder_step: int, action: str, on: datetime.date,
             deadline: datetime.date | None, at: datetime.datetime | None = None) -> StepRow:
    return StepRow(creditor_id=case.creditor_id, case_id=case.pk, sequence=sequence, category=category,
                   ladder_step=ladder_step, action=action, applied_on=on, deadline=deadline,
                   created_at=at or timezone.now())


def queue_row(*, case, kind: str, on: datetime.date, due_on: datetime.date | None = None, note: str = "") -> QueueRow:
    """A work item opened on `on`, due on `due_on` (default: the same day)."""
    return QueueRow(creditor_id=case.creditor_id, case_id=case.pk, kind=kind, created_on=on, due_on=due_on or on,
                    outcome="", decided_on=None, decided_by="", note=note)
