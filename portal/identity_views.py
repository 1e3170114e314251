"""A debtor's whole personnummer, shown only when asked for, and never without a trace.

Pages show a person's number masked (`19850312-****`: the birth date, which tells two namesakes
apart, without the last four digits, which make it a key to the person); the debtor's page and an
agent's work item offer "Visa personnummer". Asking is a POST, recorded as an audit event
(IDENTITY_VIEWED, target `debtor:<id>`) at the debtor's creditor, with who asked and from where.
Any member may ask, a read-only one too: looking is reading, and the record is the point.
An organisation's number is public (the companies register) and shown whole everywhere.
"""
from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.tenancy import creditor_scope
from creditors.audit import audit_record, request_ip
from creditors.models import AuditAction
from debtors.models import Debtor

from .agency import agency_view
from .agent_views import _item
from .creditor import creditor_view
from .debtor_views import _debtor


def _shown(request, debtor: Debtor, *, back: str):
    """Record the look, then answer with the number: a fragment for htmx, else a page of its own."""
    if not debtor.identity_number or debtor.identity_masked == debtor.identity_number:
        raise Http404("Nothing is hidden here.")
    with transaction.atomic():
        audit_record(creditor=debtor.creditor_id, actor=request.user, action=AuditAction.IDENTITY_VIEWED,
                     target=f"debtor:{debtor.pk}", ip=request_ip(request))
    template = "debtors/_identity.html" if request.headers.get("HX-Request") else "debtors/identity.html"
    return render(request, template, {"debtor": debtor, "back": back})


@never_cache  # the number is not kept in the browser's cache
@require_POST
@creditor_view()
def debtor_identity(request, debtor_id: int):
    debtor = _debtor(debtor_id)
    return _shown(request, debtor, back=reverse("portal:debtor_detail", args=[debtor.pk]))


@never_cache
@require_POST
@agency_view()
def item_identity(request, item_id: int):
    item = _item(item_id)
    with creditor_scope(item.creditor):
        return _shown(request, item.case.debtor, back=reverse("portal:agent_item", args=[item.pk]))
