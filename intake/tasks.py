"""The tasks that preview and import a large ledger file uploaded in the portal (`intake.uploads`)."""
import time

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from core.errors import ApplicationError
from core.filereport import Problem
from core.tasks import TenantTask
from creditors.models import Creditor

from .service import LedgerRejected, ledger_import
from .uploads import StagedUpload, State

# The import refuses itself past LEDGER_IMPORT_MAX_SECONDS; this only catches a worker that hangs.
IMPORT_SOFT_LIMIT = int(settings.LEDGER_IMPORT_MAX_SECONDS) + 60
# A preview keeps this many of the rejected rows (the import history keeps as many).
PREVIEW_PROBLEMS = 1000


def preview_summary(report) -> dict:
    """What a preview shows of a dry run's report, as JSON for the upload's status file."""
    return {"format": report.format, "encoding": report.encoding, "rows": report.rows, "created": report.created,
            "updated": report.updated, "unchanged": report.unchanged, "rejected": report.rejected,
            "ignored_columns": report.ignored_columns, "stopped_after": report.stopped_after,
            "problem_count": len(report.problems),
            "problems": [[p.row, p.column, p.value, p.reason, p.code, [list(pair) for pair in p.params]]
                         for p in report.problems[:PREVIEW_PROBLEMS]]}


def summary_problems(summary: dict) -> list[Problem]:
    """The rejected rows of a `preview_summary`, as the importer gave them."""
    return [Problem(row, column, value, reason, code, tuple(tuple(pair) for pair in params))
            for row, column, value, reason, code, params in summary["problems"]]


@shared_task(base=TenantTask, name="intake.preview_staged_ledger", soft_time_limit=IMPORT_SOFT_LIMIT,
             time_limit=IMPORT_SOFT_LIMIT + 60)
def preview_staged_ledger(*, creditor_id: int, token: str, user_id: int) -> None:
    """Preview a large upload: the import as a dry run, its rows skipped where rejected, as the
    portal previews a small file in the request. Its status file then holds the summary, and
    the upload waits for the user's confirmation from the moment the preview is done. Runs once."""
    upload = StagedUpload.find(creditor_id=creditor_id, token=token, user_id=user_id)
    if upload is None or upload.state != State.ANALYSING:
        return
    upload.update(stage="reading", done=0, total=0)
    try:
        report = ledger_import(creditor=Creditor.objects.get(pk=creditor_id), data=upload.data(), name=upload.name,
                               dry_run=True, skip_invalid=True, actor=get_user_model().objects.get(pk=user_id),
                               progress=lambda stage, done, total: upload.update(stage=stage, done=done, total=total))
    except ApplicationError as error:  # the file as a whole: unreadable, a required column missing
        upload.update(state=State.FAILED, failure="unreadable", reason=error.message)
        upload.discard_data()
    except BaseException:
        upload.update(state=State.FAILED, failure="preview_unexpected")
        upload.discard_data()
        raise
    else:
        upload.update(state=State.STAGED, staged_at=time.time(), rows=report.rows, rejected=report.rejected,
                      preview=preview_summary(report))


@shared_task(base=TenantTask, name="intake.import_staged_ledger", soft_time_limit=IMPORT_SOFT_LIMIT,
             time_limit=IMPORT_SOFT_LIMIT + 60)
def import_staged_ledger(*, creditor_id: int, token: str, user_id: int, skip_invalid: bool) -> None:
    """Import a confirmed upload, telling its status file how far it got. Runs once: a task
    delivered again finds the upload no longer queued and does nothing (the import itself
    is idempotent too: the same file twice changes nothing)."""
    upload = StagedUpload.find(creditor_id=creditor_id, token=token, user_id=user_id)
    if upload is None or upload.state != State.QUEUED:
        return
    upload.update(state=State.RUNNING, stage="checking", done=0, total=upload.meta["rows"])
    try:
        report = ledger_import(creditor=Creditor.objects.get(pk=creditor_id), data=upload.data(), name=upload.name,
                               skip_invalid=skip_invalid, actor=get_user_model().objects.get(pk=user_id),
                               progress=lambda stage, done, total: upload.update(stage=stage, done=done, total=total))
    except LedgerRejected as rejected:
        upload.update(state=State.FAILED, failure="rejected", rejected=rejected.report.rejected,
                      rows=rejected.report.rows)
    except ApplicationError as error:
        upload.update(state=State.FAILED, failure="refused", reason=error.message)
    except BaseException:
        upload.update(state=State.FAILED, failure="unexpected")
        raise
    else:
        upload.update(state=State.DONE, done=report.rows, total=report.rows, created=report.created,
                      updated=report.updated, unchanged=report.unchanged, rejected=report.rejected)
    finally:
        upload.discard_data()
