"""The creditor portal's pages about debtors: why each is risk, normal or VIP, and the creditor's say in it."""
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from classification.features import features_for
from classification.selectors import rule_set
from classification.services import debtor_override, debtor_set_vip
from classification.texts import reasons_text
from core.errors import ApplicationError, NotFound
from creditors.models import Membership, Role
from debtors import selectors
from debtors.models import Category, Debtor
from dunning.balances import with_balances

DEBTORS_PER_PAGE = 50


def _creditor(request):
    if request.creditor is None:
        raise Http404("You are not a member of any creditor.")
    return request.creditor


def _debtor(debtor_id) -> Debtor:
    try:
        return selectors.debtor_get(debtor_id)
    except NotFound:
        raise Http404("No such debtor.") from None


def _may_edit(request) -> bool:
    return Membership.objects.filter(creditor=request.creditor, user=request.user,
                                     role__in=[Role.ADMIN, Role.STAFF]).exists()


@login_required
def debtor_list(request):
    _creditor(request)
    category = request.GET.get("category") or None
    if category not in Category.values:
        category = None
    page = Paginator(selectors.debtor_list(category=category), DEBTORS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(debtor, reasons_text(debtor.category_reasons)) for debtor in page.object_list]
    return render(request, "debtors/debtor_list.html",
                  {"page": page, "rows": rows, "category": category, "categories": Category.choices})


@login_required
def debtor_detail(request, debtor_id: int):
    creditor = _creditor(request)
    debtor = _debtor(debtor_id)
    today = timezone.localdate()
    rules = rule_set(creditor)
    features = features_for(creditor, [debtor.pk], today).get(debtor.pk)
    late, decided = features.late_share(rules.late_days) if features else (0, 0)
    report = features.credit_report if features else None
    return render(request, "debtors/debtor_detail.html", {
        "debtor": debtor, "reasons": reasons_text(debtor.category_reasons), "features": features, "rules": rules,
        "late": late, "decided": decided, "report": report,
        "report_stale": report is not None and (today - report.reported_on).days > rules.report_max_age_days,
        "cases": with_balances(debtor.cases.select_related("invoice", "debtor").order_by("-opened_on", "-id")[:100]),
        "may_edit": _may_edit(request), "today": today,
        "override_default": today + datetime.timedelta(days=90),
    })


def _editable_debtor(request, debtor_id: int) -> Debtor:
    """The debtor a POST changes: the member's creditor's, and the member may edit (else 404)."""
    _creditor(request)
    debtor = _debtor(debtor_id)
    if not _may_edit(request):
        raise Http404("Read-only members cannot change a debtor.")
    return debtor


@login_required
@require_POST
def debtor_vip(request, debtor_id: int):
    debtor = _editable_debtor(request, debtor_id)
    debtor = debtor_set_vip(debtor=debtor, vip=request.POST.get("vip") == "yes", actor=request.user)
    messages.success(request, f"{debtor.name} är nu {debtor.get_category_display()}.")
    return redirect("portal:debtor_detail", debtor_id=debtor.pk)


@login_required
@require_POST
def debtor_override_view(request, debtor_id: int):
    debtor = _editable_debtor(request, debtor_id)
    category = request.POST.get("category", "")
    try:
        until = datetime.date.fromisoformat(request.POST["until"]) if category else None
        debtor = debtor_override(debtor=debtor, category=category, until=until, note=request.POST.get("note", ""),
                                 actor=request.user)
    except (KeyError, ValueError):
        messages.error(request, "Ange ett giltigt datum (ÅÅÅÅ-MM-DD) för när den manuella kategorin upphör.")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{debtor.name} är nu {debtor.get_category_display()}.")
    return redirect("portal:debtor_detail", debtor_id=debtor.pk)
