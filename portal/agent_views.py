"""The agents' workspace: the queue across creditors, and one item at a time.

Agency staff are members of no creditor: the tenant middleware gives them an empty scope.
The queue is the one read across creditors (`dunning.workqueue`); an item's page and every
action on it run inside the item's creditor scope, entered here by name, so a case of
another creditor is as absent to them as to that creditor's neighbours. Anyone who is not
agency staff gets a 404 here; an auditor may look, and a POST answers 403.
"""
import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.limitation import nearing_limitation
from cases.selectors import case_limitation
from classification.texts import reasons_text
from core.errors import ApplicationError, NotFound
from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, Creditor
from dunning import balances
from dunning.addresses import debtor_address_set
from dunning.legal import application_file, application_for, application_pdf
from dunning.models import QueueItem, QueueKind
from dunning.plans import plan_split
from dunning.queue import CALL_KINDS, queue_decide
from dunning.selectors import next_step_of
from dunning.workqueue import (
    LEASE,
    QueueFilter,
    held_by_other,
    queue_assign,
    queue_claim,
    queue_claim_next,
    queue_counts,
    queue_item_get,
    queue_open,
    queue_release,
)

from .agency import agency_view
from .agent_forms import DECIDED_KINDS, AddressForm, DecideForm
from .payment_views import unmatched_payments
from .refusals import refusal

ITEMS_PER_PAGE = 50


def _filters(params, user) -> QueueFilter:
    creditor = params.get("creditor", "")
    kind = params.get("kind") or None
    who = params.get("who", "")
    holder = user.pk if who == "mine" else int(who) if who.isdigit() else None  # "mine", an agent's id
    return QueueFilter(creditor_id=int(creditor) if creditor.isdigit() else None,
                       kind=kind if kind in QueueKind.values else None, claimed_by_id=holder, free=who == "free")


@agency_view()
def queue(request):
    now = timezone.now()
    filters = _filters(request.GET, request.user)
    page = Paginator(queue_open(filters, now=now), ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    counts = queue_counts(QueueFilter(creditor_id=filters.creditor_id, claimed_by_id=filters.claimed_by_id,
                                      free=filters.free), now=now)
    return render(request, "agent/queue.html", {
        "page": page, "filters": filters, "who": request.GET.get("who", ""), "counts": counts,
        "kinds": QueueKind.choices, "creditors": Creditor.objects.order_by("name"), "now": now,
        "agents": AgencyStaff.objects.exclude(role=AgencyRole.AUDITOR).select_related("user")
                  .order_by("user__username"),
        "unmatched": unmatched_payments().count(), "query": params.urlencode(),
        "may_work": request.agency_staff.role != AgencyRole.AUDITOR,
    })


@agency_view(write=True)
@require_POST
def claim_next(request):
    item = queue_claim_next(user=request.user, now=timezone.now(), filters=_filters(request.POST, request.user))
    if item is None:
        messages.info(request, _("Ingen ledig uppgift i kön just nu."))
        return redirect("portal:agent_queue")
    return redirect("portal:agent_item", item_id=item.pk)


def _item(item_id: int) -> QueueItem:
    try:
        return queue_item_get(item_id)
    except QueueItem.DoesNotExist:
        raise Http404("No such item.") from None


@agency_view()
def item_detail(request, item_id: int):
    item = _item(item_id)
    now = timezone.now()
    with creditor_scope(item.creditor):
        try:
            view = balances.case_with_balance(item.case_id)
        except NotFound:
            raise Http404("No such case.") from None
        case = view.case
        today = timezone.localdate()
        limitation = case_limitation(case)
        decide = (DecideForm(kind=item.kind, initial=_initial(item, view.balance.total, today))
                  if item.kind in DECIDED_KINDS else None)
        debtor = case.debtor
        application = (application_for(case, on=today)
                       if item.kind == QueueKind.PAYMENT_ORDER_REVIEW and not item.outcome else None)
        return render(request, "agent/item.html", {
            "application": application,
            "item": item, "case": case, "debtor": debtor, "balance": view.balance,
            "reasons": reasons_text(debtor.category_reasons, get_language()),
            "events": case.events.all(), "letters": case.letters.all(), "entries": case.entries.all(),
            "documents": case.dispute_documents.all(),
            "history": case.queue_items.select_related("claimed_by").order_by("-created_on", "-id"),
            "other_cases": debtor.cases.exclude(pk=case.pk).select_related("invoice").order_by("-opened_on")[:10],
            "next_step": next_step_of(case), "limitation": limitation,
            "limitation_near": nearing_limitation(limitation, today),
            "decide": decide, "address": AddressForm(initial={
                "address": debtor.address, "postal_code": debtor.postal_code, "city": debtor.city,
                "email": debtor.email}),
            "held_by_other": held_by_other(item, request.user, now),
            "mine": item.claimed_by_id == request.user.pk and item.claimed_until and item.claimed_until > now,
            "may_work": request.agency_staff.role != AgencyRole.AUDITOR,
            "is_supervisor": request.agency_staff.role == AgencyRole.SUPERVISOR,
            "agents": AgencyStaff.objects.exclude(role=AgencyRole.AUDITOR).select_related("user")
                      .order_by("user__username"),
            "is_call": item.kind in CALL_KINDS, "script": f"agent/scripts/{debtor.category}.html",
            "lease_minutes": int(LEASE.total_seconds() // 60),
        })


def _initial(item: QueueItem, owed, today: datetime.date) -> dict:
    """A call's form starts with a promise of the whole debt in ten days and a three-month plan."""
    if item.kind not in CALL_KINDS or owed <= 0:
        return {}
    plan = plan_split(owed, first_on=today + datetime.timedelta(days=30), count=3)
    return {"promise_on": today + datetime.timedelta(days=10), "promise_amount": f"{owed:.2f}".replace(".", ","),
            "instalments": "\n".join(f"{day.isoformat()} {amount:.2f}".replace(".", ",") for day, amount in plan)}


@agency_view()
def item_application(request, item_id: int, fmt: str):
    """The payment-order application of a review item, as a PDF for the file or as its structured file."""
    item = _item(item_id)
    if item.kind != QueueKind.PAYMENT_ORDER_REVIEW:
        raise Http404("Only a payment-order review has an application.")
    with creditor_scope(item.creditor):
        application = application_for(item.case, on=timezone.localdate())
        name = f"betalningsforelaggande-{item.case_id}-{application.prepared_on:%Y%m%d}"
        if fmt == "pdf":
            response = HttpResponse(application_pdf(application), content_type="application/pdf")
        else:
            response = JsonResponse(application_file(application), json_dumps_params={"ensure_ascii": False,
                                                                                         "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response


@agency_view(write=True)
@require_POST
def item_claim(request, item_id: int):
    item = _item(item_id)
    try:
        queue_claim(item=item, user=request.user, now=timezone.now())
    except ApplicationError as error:
        messages.error(request, _("Uppgiften kunde inte tas: %(error)s") % {"error": refusal(error)})
    return redirect("portal:agent_item", item_id=item.pk)


@agency_view(write=True)
@require_POST
def item_assign(request, item_id: int):
    item = _item(item_id)
    to = AgencyStaff.objects.select_related("user").filter(user_id=request.POST.get("agent") or 0).first()
    try:
        if to is None:
            raise NotFound("choose one of the agency's agents", code="choose_agent")
        queue_assign(item=item, to=to.user, by=request.user, now=timezone.now())
    except ApplicationError as error:
        messages.error(request, _("Inget sparades: %(error)s") % {"error": refusal(error)})
    else:
        messages.success(request, _("Uppgiften är tilldelad %(agent)s.") % {"agent": to.user.email or to.user.username})
    return redirect("portal:agent_item", item_id=item.pk)


@agency_view(write=True)
@require_POST
def item_release(request, item_id: int):
    item = _item(item_id)
    queue_release(item=item, user=request.user)
    messages.info(request, _("Uppgiften är tillbaka i kön."))
    return redirect("portal:agent_queue")


@agency_view(write=True)
@require_POST
def item_decide(request, item_id: int):
    item = _item(item_id)
    form = DecideForm(request.POST, kind=item.kind) if item.kind in DECIDED_KINDS else None
    if form is None or not form.is_valid():
        errors = "; ".join(message for field in (form.errors.values() if form else []) for message in field)
        messages.error(request, _("Inget sparades. %(errors)s") % {
            "errors": errors or _("Den här uppgiften avgörs inte med ett utfall.")})
        return redirect("portal:agent_item", item_id=item.pk)
    with creditor_scope(item.creditor):
        try:
            decided = queue_decide(item=item, on=timezone.localdate(), actor=request.user, **form.decision())
        except ApplicationError as error:
            messages.error(request, _("Inget sparades: %(error)s") % {"error": refusal(error)})
            return redirect("portal:agent_item", item_id=item.pk)
    messages.success(request, _("Ärende %(case)s: %(kind)s avgjord, %(outcome)s.") % {
        "case": item.case_id, "kind": decided.get_kind_display().lower(),
        "outcome": decided.get_outcome_display().lower()})
    return redirect("portal:agent_queue")


@agency_view(write=True)
@require_POST
def item_address(request, item_id: int):
    item = _item(item_id)
    form = AddressForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(message for field in form.errors.values() for message in field)
        messages.error(request, _("Inget sparades. %(errors)s") % {"errors": errors})
        return redirect("portal:agent_item", item_id=item.pk)
    with creditor_scope(item.creditor):
        try:
            debtor_address_set(debtor=item.case.debtor, on=timezone.localdate(), actor=request.user,
                               **{name: value for name, value in form.cleaned_data.items()})
        except ApplicationError as error:
            messages.error(request, _("Inget sparades: %(error)s") % {"error": refusal(error)})
            return redirect("portal:agent_item", item_id=item.pk)
    messages.success(request, _("Adressen är sparad; ärende %(case)s går vidare vid nästa körning.") % {
        "case": item.case_id})
    return redirect("portal:agent_queue")
