"""Payment orders after approval: the applications to file, and what became of them (agency staff)."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.tenancy import creditor_scope
from dunning.legal import NEXT_STATUS, filing_status_set
from dunning.models import FilingStatus, PaymentOrderFiling

from .agency import agency_view
from .refusals import refusal

FILINGS_PER_PAGE = 50


def _filings():
    return PaymentOrderFiling.objects.with_scopes_disabled().select_related("creditor", "case", "case__debtor")


def _filing(filing_id: int) -> PaymentOrderFiling:
    filing = _filings().filter(pk=filing_id).first()
    if filing is None:
        raise Http404("No such filing.")
    return filing


@agency_view()
def filing_list(request):
    status = request.GET.get("status", FilingStatus.TO_FILE)
    filings = _filings()
    if status in FilingStatus.values:
        filings = filings.filter(status=status)
    page = Paginator(filings.order_by("status_on", "id"), FILINGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "agent/filings.html", {
        "page": page, "status": status, "statuses": FilingStatus.choices,
        "next_status": {key: sorted(values) for key, values in NEXT_STATUS.items()},
    })


@agency_view()
def filing_file(request, filing_id: int):
    """The application as it was approved, as its structured file."""
    filing = _filing(filing_id)
    response = JsonResponse(filing.application, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="betalningsforelaggande-{filing.case_id}.json"'
    return response


@agency_view(write=True)
@require_POST
def filing_status(request, filing_id: int):
    filing = _filing(filing_id)
    with creditor_scope(filing.creditor_id):
        try:
            filing = filing_status_set(filing=filing, status=request.POST.get("status", ""), on=timezone.localdate(),
                                       actor=request.user, reference=request.POST.get("reference", ""),
                                       note=request.POST.get("note", ""))
        except ApplicationError as error:
            messages.error(request, _("Inget sparades: %(error)s") % {"error": refusal(error)})
        else:
            messages.success(request, _("Ärende %(case)s: %(status)s.") % {
                "case": filing.case_id, "status": filing.get_status_display().lower()})
    return redirect(f"/agent/legal/?status={request.POST.get('back', FilingStatus.TO_FILE)}")
