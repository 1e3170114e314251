"""Payments no case took: an agent finds the case and assigns them (agency staff only).

An unmatched payment may belong to no creditor yet (a bank payment whose reference named
no case): it can go to any creditor's case. One received for a creditor goes only to that
creditor's cases; another creditor's case is "not found", like one that does not exist.
The allocation is that of any payment (`payments.importing.payment_assign`).
"""
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case, Payment
from cases.stages import Stage
from core.errors import ApplicationError
from core.money import parse_amount
from payments.importing import cases_named, payment_assign, payment_duplicate_confirm

from .agency import agency_view
from .agent_forms import AssignForm
from .refusals import refusal

PAYMENTS_PER_PAGE = 50
CANDIDATES = 20


def unmatched_payments() -> QuerySet[Payment]:
    """Every creditor's payments that wait for an agent: unmatched, or held as a possible duplicate."""
    return (Payment.objects.with_scopes_disabled().filter(case__isnull=True, duplicate_confirmed_on__isnull=True)
            .select_related("creditor", "file", "duplicate_of").order_by("paid_on", "id"))


def _searched(items: QuerySet, query: str, *, text_fields: tuple[str, ...], amount_field: str,
              date_field: str) -> QuerySet:
    """Narrow `items` by what an agent typed: an amount (`1 234,50`), a date (ÅÅÅÅ-MM-DD) or words."""
    query = query.strip()
    if not query:
        return items
    try:
        return items.filter(**{date_field: datetime.date.fromisoformat(query)})
    except ValueError:
        pass
    try:
        return items.filter(**{amount_field: parse_amount(query)})
    except ValueError:
        pass
    words = Q()
    for field in text_fields:
        words |= Q(**{f"{field}__icontains": query})
    return items.filter(words)


def _payment(payment_id: int) -> Payment:
    try:
        return unmatched_payments().get(pk=payment_id)
    except Payment.DoesNotExist:
        raise Http404("No such unmatched payment.") from None


def candidate_cases(payment: Payment, query: str) -> QuerySet[Case]:
    """Open cases an agent may give the payment to, narrowed by OCR reference, name,
    invoice number, amount or due date; the payment's creditor's only, where it has one."""
    cases = Case.objects.with_scopes_disabled().exclude(stage=Stage.CLOSED).select_related(
        "creditor", "debtor", "invoice")
    if payment.creditor_id is not None:
        cases = cases.filter(creditor_id=payment.creditor_id)
    return _searched(cases, query or payment.ocr_reference,
                     text_fields=("ocr_reference", "debtor__name", "invoice__invoice_number",
                                  "debtor__customer_number"),
                     amount_field="invoice__amount", date_field="invoice__due_date").order_by("pk")[:CANDIDATES]


@agency_view(write=True)
@require_POST
def assign(request, payment_id: int):
    payment = _payment(payment_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Inget sparades. %(errors)s") % {"errors": " ".join(form.errors.get("case", []))})
        return redirect("portal:agent_payment", payment_id=payment.pk)
    found = cases_named(payment, form.cleaned_data["case"])
    if len(found) != 1:
        messages.error(request, _("Inget sparades: inget ärende har det numret eller den OCR-referensen.")
                       if not found else _("Inget sparades: flera ärenden passar; ange ärendets nummer."))
        return redirect("portal:agent_payment", payment_id=payment.pk)
    try:
        payment_assign(payment=payment, case=found[0], actor=request.user)
    except ApplicationError as error:
        messages.error(request, _("Inget sparades: %(error)s") % {"error": refusal(error)})
        return redirect("portal:agent_payment", payment_id=payment.pk)
    messages.success(request, _("Betalningen är fördelad på ärende %(case)s (%(creditor)s).") % {
        "case": found[0].pk, "creditor": found[0].creditor.name})
    return redirect("portal:agent_payments")


@agency_view(write=True)
@require_POST
def duplicate_confirm(request, payment_id: int):
    payment = _payment(payment_id)
    try:
        payment_duplicate_confirm(payment=payment, on=timezone.localdate(), actor=request.user)
    except ApplicationError as error:
        messages.error(request, _("Inget sparades: %(error)s") % {"error": refusal(error)})
        return redirect("portal:agent_payment", payment_id=payment.pk)
    messages.success(request, _("Betalningen %(payment)s är en dubblett av betalning %(original)s och bokas inte.") % {
        "payment": payment.pk, "original": payment.duplicate_of_id})
    return redirect("portal:agent_payments")


@agency_view()
def payment_list(request):
    query = request.GET.get("q", "")
    items = _searched(unmatched_payments(), query, text_fields=("ocr_reference", "payer", "free_text", "reference"),
                      amount_field="amount", date_field="paid_on")
    page = Paginator(items, PAYMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "agent/payments.html", {"page": page, "q": query})


@agency_view()
def payment_detail(request, payment_id: int):
    payment = _payment(payment_id)
    query = request.GET.get("q", "")
    return render(request, "agent/payment.html", {"payment": payment, "q": query or payment.ocr_reference,
                                                  "cases": candidate_cases(payment, query), "form": AssignForm()})

