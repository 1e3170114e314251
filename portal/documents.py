"""A dispute's documents as files: served only to those who may see the case.

Agency staff reach a document through its creditor's scope, entered by name; a creditor's
staff through their own scope, so another creditor's document is "not found", like one
that does not exist. The bytes go out as stored, typed by what the check found, with
`nosniff` and a sandbox policy: a PDF shown in the browser runs no script and no form.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.tenancy import creditor_scope
from dunning.documents import MAX_BYTES, dispute_document_add
from dunning.models import DisputeDocument
from dunning.selectors import case_document as case_document_of

from .agency import agency_view
from .agent_views import _item
from .refusals import refusal


def _served(document: DisputeDocument) -> FileResponse:
    response = FileResponse(document.file.open("rb"), content_type=document.content_type, as_attachment=False,
                            filename=document.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; plugin-types application/pdf"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def case_document(request, case_id: int, document_id: int):
    """The creditor's staff: a document of one of their cases (the tenant middleware's scope)."""
    if request.creditor is None:
        raise Http404("You are not a member of any creditor.")
    try:
        document = case_document_of(case_id, document_id)
    except ApplicationError:
        raise Http404("No such document.") from None
    return _served(document)


@agency_view()
def agent_document(request, document_id: int):
    owner = DisputeDocument.objects.with_scopes_disabled().filter(pk=document_id).values_list(
        "creditor_id", flat=True).first()
    if owner is None:
        raise Http404("No such document.")
    with creditor_scope(owner):
        return _served(DisputeDocument.objects.get(pk=document_id))


@agency_view(write=True)
@require_POST
def item_document(request, item_id: int):
    item = _item(item_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Inget sparades: välj en fil (PDF, PNG eller JPEG)."))
    elif upload.size > MAX_BYTES:
        messages.error(request, _("Inget sparades: filen är större än %(megabytes)s MB.") % {
            "megabytes": MAX_BYTES // (1024 * 1024)})
    else:
        with creditor_scope(item.creditor):
            try:
                document = dispute_document_add(case=item.case, name=upload.name, data=upload.read(),
                                                actor=request.user, note=request.POST.get("note", ""))
            except ApplicationError as error:
                messages.error(request, _("Inget sparades: %(error)s") % {"error": refusal(error)})
            else:
                messages.success(request, _("%(name)s är sparad med ärendet.") % {"name": document.name})
    return redirect("portal:agent_item", item_id=item.pk)
