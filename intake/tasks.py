"""The task that imports a large ledger file uploaded in the portal (`intake.uploads`)."""
from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from core.errors import ApplicationError
from core.tasks import TenantTask
from creditors.models import Creditor

from .service import LedgerRejected, ledger_import
from .uploads import StagedUpload, State

# The import refuses itself past LEDGER_IMPORT_MAX_SECONDS; this only catches a worker that hangs.
IMPORT_SOFT_LIMIT = int(settings.LEDGER_IMPORT_MAX_SECONDS) + 60


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
        counts = [f"{n:,}".replace(",", "\u00a0") for n in (rejected.report.rejected, rejected.report.rows)]
        upload.update(state=State.FAILED, rejected=rejected.report.rejected,
                      message=f"{counts[0]} av {counts[1]} rader avvisades; inget importerades.")
    except ApplicationError as error:
        upload.update(state=State.FAILED, message=f"Importen avbröts: {error.message}. Inget importerades.")
    except BaseException:
        upload.update(state=State.FAILED, message="Importen avbröts av ett oväntat fel. Inget importerades.")
        raise
    else:
        upload.update(state=State.DONE, done=report.rows, total=report.rows, created=report.created,
                      updated=report.updated, unchanged=report.unchanged, rejected=report.rejected)
    finally:
        upload.discard_data()
