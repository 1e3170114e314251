"""The creditor portal's ledger import: upload a file, see what it would do, then import it.

The preview is the import itself as a dry run (`intake.service.ledger_import`), so what
it shows is what the import will do: counts, and every rejected row with its column,
value and reason. The bytes wait on the server under a random token bound to the
creditor and the user (`intake.uploads.StagedUpload`); the confirmation names only the
token. A file of more than PREVIEW_INLINE_BYTES is previewed by a Celery task while its page
shows the progress, and one of more than LARGE_FILE_ROWS rows is imported by a task while the
history shows its progress: a request never holds a worker of the web server for long.
Read-only members see the history; their POSTs answer 403.
"""
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from creditors.models import Membership, Role
from intake.models import LedgerImport
from intake.service import LedgerRejected, ledger_import
from intake.tasks import import_staged_ledger, preview_staged_ledger, preview_summary, summary_problems
from intake.uploads import StagedUpload, State

from .ledger_forms import MEGABYTE, UPLOAD_MAX_BYTES, LedgerUploadForm
from .ledger_texts import failure_text, number, problem_row

# A file with more rows than this is imported by a worker while the page shows its progress;
# a smaller one takes a few seconds at most and is imported within the request.
LARGE_FILE_ROWS = 5000
PREVIEW_FAILURES = ("unreadable", "preview_unexpected")  # intake.tasks.preview_staged_ledger's
# A file larger than this (some 10 000 rows of CSV) is previewed by a worker: its dry run would
# take longer than a web request should (a 50 MB file, the most accepted, takes about a minute).
PREVIEW_INLINE_BYTES = 1024 * 1024
IMPORTS_PER_PAGE = 25
# The preview lists this many rejected rows; the import history keeps as many.
PROBLEMS_SHOWN = 1000


def _creditor(request):
    if request.creditor is None:
        raise Http404("You are not a member of any creditor.")
    return request.creditor


def _may_import(request) -> bool:
    return Membership.objects.filter(creditor=request.creditor, user=request.user,
                                     role__in=[Role.ADMIN, Role.STAFF]).exists()


def _importer(request):
    """The creditor of a POST: 404 without one, 403 for a read-only member."""
    creditor = _creditor(request)
    if not _may_import(request):
        raise PermissionDenied("A read-only member cannot import a ledger.")
    return creditor


def who(actor: str) -> str:
    """`user:anna@nordvik.se` as the history shows it."""
    kind, _, name = actor.partition(":")
    if kind == "user":
        return name
    if kind == "api":
        return f"API: {name}"
    return _("Fordra (kommandoraden)") if actor == "system" else actor


def counts_text(counts) -> str:
    """The sentence a finished import's message and status end with."""
    return _("%(created)s nya, %(updated)s uppdaterade, %(unchanged)s oförändrade, %(rejected)s avvisade") % {
        name: number(counts[name]) for name in ("created", "updated", "unchanged", "rejected")}


def report_counts(report) -> dict[str, int]:
    return {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
            "rejected": report.rejected}


def _page(request, form, status: int = 200):
    creditor = _creditor(request)
    page = Paginator(LedgerImport.objects.order_by("-imported_at", "-id"), IMPORTS_PER_PAGE).get_page(
        request.GET.get("page"))
    history = [(item, who(item.actor)) for item in page.object_list]
    pending = StagedUpload.pending(creditor_id=creditor.pk) if page.number == 1 else []
    return render(request, "ledger/ledger.html", {
        "form": form, "may_import": _may_import(request), "page": page, "history": history, "pending": pending,
        "max_mb": UPLOAD_MAX_BYTES // MEGABYTE,
    }, status=status)


@login_required
def ledger_page(request):
    return _page(request, LedgerUploadForm())


@login_required
@require_POST
def ledger_preview(request):
    creditor = _importer(request)
    form = LedgerUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    data, name = form.data_and_name
    if len(data) > PREVIEW_INLINE_BYTES:
        upload = StagedUpload.stage(creditor_id=creditor.pk, user_id=request.user.pk, name=name, data=data, rows=0,
                                    rejected=0, who=request.user.get_username(), state=State.ANALYSING)
        preview_staged_ledger.delay(creditor_id=creditor.pk, token=upload.token, user_id=request.user.pk)
        return redirect("portal:ledger_staged", token=upload.token)
    try:
        # skip_invalid: the counts say what the valid rows would do, beside the rejected ones.
        report = ledger_import(creditor=creditor, data=data, name=name, dry_run=True, skip_invalid=True,
                               actor=request.user)
    except ApplicationError as error:  # the file as a whole: unreadable, a required column missing
        form.add_error("file", _("Filen kunde inte läsas: %(reason)s.") % {"reason": error.message})
        return _page(request, form, status=400)
    if report.rows == 0:
        form.add_error("file", _("Filen har en rubrikrad men inga fakturarader."))
        return _page(request, form, status=400)
    upload = StagedUpload.stage(creditor_id=creditor.pk, user_id=request.user.pk, who=request.user.get_username(),
                                name=name, data=data, rows=report.rows, rejected=report.rejected)
    upload.update(preview=preview_summary(report))  # the page can be shown again (ledger_staged)
    return _preview(request, upload, upload.meta["preview"])


def _preview(request, upload: StagedUpload, summary: dict):
    """The preview page of a dry run's summary (`intake.tasks.preview_summary`)."""
    problems = summary_problems(summary)
    return render(request, "ledger/preview.html", {
        "report": SimpleNamespace(**summary), "upload": upload,
        "problems": [problem_row(problem) for problem in problems[:PROBLEMS_SHOWN]],
        "more_problems": max(0, summary["problem_count"] - PROBLEMS_SHOWN), "large": summary["rows"] > LARGE_FILE_ROWS,
    })


@login_required
def ledger_staged(request, token: str):
    """A large file's preview: its progress while a worker reads it (polled by htmx, which
    reloads the page when it is done), then the preview; only the uploader sees it."""
    creditor = _importer(request)
    upload = StagedUpload.find(creditor_id=creditor.pk, token=token, user_id=request.user.pk)
    if upload is None:
        raise Http404("No such upload.")
    if upload.state == State.STAGED:
        if request.headers.get("HX-Request"):
            return HttpResponse(headers={"HX-Refresh": "true"})
        return _preview(request, upload, upload.meta["preview"])
    if upload.state == State.ANALYSING or upload.meta.get("failure") in PREVIEW_FAILURES:
        template = "ledger/_analysing.html" if request.headers.get("HX-Request") else "ledger/analysing.html"
        failure = failure_text(upload) if upload.state == State.FAILED else ""
        return render(request, template, {"upload": upload, "failure": failure})
    return redirect("portal:ledger")  # confirmed: the history shows it


@login_required
@require_POST
def ledger_confirm(request):
    creditor = _importer(request)
    upload = StagedUpload.find(creditor_id=creditor.pk, token=request.POST.get("token", ""), user_id=request.user.pk)
    if upload is None:
        raise Http404("No such upload.")
    if upload.state != State.STAGED or not upload.claim():
        messages.error(request, _("%(file)s är redan skickad för import.") % {"file": upload.name})
        return redirect("portal:ledger")
    skip_invalid = request.POST.get("skip_invalid") == "yes"
    if upload.expired or (upload.meta["rejected"] and not skip_invalid):
        upload.remove()
        if upload.expired:
            messages.error(request, _("%(file)s importerades inte: förhandsgranskningen är för gammal. Ladda upp "
                                      "filen igen.") % {"file": upload.name})
        else:
            messages.error(request, _("%(file)s importerades inte: filen har avvisade rader. Rätta dem, eller välj "
                                      "att importera bara de giltiga raderna.") % {"file": upload.name})
        return redirect("portal:ledger")
    if upload.meta["rows"] > LARGE_FILE_ROWS:
        return _queue(request, upload, skip_invalid=skip_invalid)
    try:
        report = ledger_import(creditor=creditor, data=upload.data(), name=upload.name, skip_invalid=skip_invalid,
                               actor=request.user)
    except LedgerRejected as rejected:  # rows the preview accepted: what is stored changed since
        messages.error(request, _("%(file)s importerades inte: %(rejected)s av %(rows)s rader avvisades. Inget "
                                  "sparades; ladda upp filen igen.")
                       % {"file": upload.name, "rejected": number(rejected.report.rejected),
                          "rows": number(rejected.report.rows)})
    except ApplicationError as error:
        messages.error(request, _("%(file)s importerades inte: %(reason)s. Inget sparades.")
                       % {"file": upload.name, "reason": error.message})
    else:
        messages.success(request, _("%(file)s är importerad: %(counts)s.")
                         % {"file": upload.name, "counts": counts_text(report_counts(report))})
    finally:
        upload.remove()
    return redirect("portal:ledger")


def _queue(request, upload: StagedUpload, *, skip_invalid: bool):
    upload.update(state=State.QUEUED, stage="queued", done=0, total=upload.meta["rows"])
    task = {"creditor_id": upload.creditor_id, "token": upload.token, "user_id": request.user.pk,
            "skip_invalid": skip_invalid}
    import_staged_ledger.delay(**task)  # not on commit: the view holds no transaction, the status is a file
    # Without a broker (the embedded default, the tests) the task has already run.
    upload = StagedUpload.find(creditor_id=upload.creditor_id, token=upload.token)
    if upload.state == State.DONE:
        messages.success(request, _("%(file)s är importerad: %(counts)s.")
                         % {"file": upload.name, "counts": counts_text(upload.meta)})
    elif upload.state == State.FAILED:
        messages.error(request, f"{upload.name}: {failure_text(upload)}")
    else:
        messages.success(request, _("%(file)s (%(rows)s rader) importeras nu; förloppet syns i historiken.")
                         % {"file": upload.name, "rows": number(upload.meta["rows"])})
    return redirect("portal:ledger")


@login_required
def ledger_progress(request, token: str):
    """The progress of one queued or running import, for the history's htmx poll. Any member
    of the creditor may watch it; only its uploader could confirm it."""
    creditor = _creditor(request)
    upload = StagedUpload.find(creditor_id=creditor.pk, token=token)
    if upload is None:
        raise Http404("No such import.")
    return render(request, "ledger/_progress.html", {
        "upload": upload, "counts": counts_text(upload.meta) if upload.state == State.DONE else ""})
