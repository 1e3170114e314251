"""The creditor portal's pages about debtors: why each is risk, normal or VIP, and the creditor's say in it."""
import datetime
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Case
from cases.stages import Stage
from classification.features import features_for
from classification.selectors import rule_set
from classification.services import debtor_override, debtor_set_vip
from classification.texts import reasons_text
from core.errors import ApplicationError, NotFound
from debtors import selectors
from debtors.models import Category, Debtor
from dunning.addresses import debtor_address_set
from dunning.balances import with_balances
from dunning.models import QueueItem, QueueKind

from .creditor import creditor_view, may_edit
from .debtor_forms import UNREACHABLE, ContactForm
from .refusals import refusal

DEBTORS_PER_PAGE = 50


def _debtor(debtor_id) -> Debtor:
    try:
        return selectors.debtor_get(debtor_id)
    except NotFound:
        raise Http404("No such debtor.") from None


@creditor_view()
def debtor_list(request):
    category = request.GET.get("category") or None
    if category not in Category.values:
        category = None
    text = request.GET.get("q", "")[:200]
    debtors = selectors.debtor_list(category=category, text=text).order_by("name", "id")
    page = Paginator(debtors, DEBTORS_PER_PAGE).get_page(request.GET.get("page"))
    owed = _open_balances([debtor.pk for debtor in page.object_list])
    rows = [(debtor, reasons_text(debtor.category_reasons, get_language()), *owed.get(debtor.pk, (0, None)))
            for debtor in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "debtors/debtor_list.html", {
        "page": page, "rows": rows, "category": category, "categories": Category.choices, "q": text,
        "query": params.urlencode(), "filtered": bool(category or text.strip())})


def _open_balances(debtor_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """Debtor id → (open cases, what they owe today), for a page of debtors: two queries."""
    open_cases = (Case.objects.filter(debtor_id__in=debtor_ids).exclude(stage=Stage.CLOSED)
                  .select_related("invoice", "debtor"))
    owed: dict[int, tuple[int, Decimal]] = {}
    for view in with_balances(open_cases):
        count, total = owed.get(view.case.debtor_id, (0, Decimal("0.00")))
        owed[view.case.debtor_id] = (count + 1, total + view.balance.total)
    return owed


@creditor_view()
def debtor_detail(request, debtor_id: int):
    creditor = request.creditor
    debtor = _debtor(debtor_id)
    today = timezone.localdate()
    rules = rule_set(creditor)
    features = features_for(creditor, [debtor.pk], today).get(debtor.pk)
    late, decided = features.late_share(rules.late_days) if features else (0, 0)
    report = features.credit_report if features else None
    return render(request, "debtors/debtor_detail.html", {
        "debtor": debtor, "reasons": reasons_text(debtor.category_reasons, get_language()), "features": features, "rules": rules,
        "late": late, "decided": decided, "report": report,
        "report_stale": report is not None and (today - report.reported_on).days > rules.report_max_age_days,
        "cases": with_balances(debtor.cases.select_related("invoice", "debtor").order_by("-opened_on", "-id")[:100]),
        "may_edit": may_edit(request), "today": today,
        "override_default": today + datetime.timedelta(days=90),
        "contact": ContactForm(initial={name: getattr(debtor, name) for name in ContactForm.base_fields}),
        "address_missing": QueueItem.objects.filter(case__debtor=debtor, kind=QueueKind.ADDRESS_MISSING,
                                                    outcome="").count(),
    })


def _editable_debtor(request, debtor_id: int) -> Debtor:
    """The debtor a POST changes: the member's creditor's (else 404); `creditor_view(write=True)`
    has refused a read-only member already (403)."""
    return _debtor(debtor_id)


@creditor_view(write=True)
@require_POST
def debtor_contact(request, debtor_id: int):
    """The debtor's address, e-mail and phone, as the creditor knows them: a debtor whose
    letters could not be sent ("address missing") gets them again from where they stood."""
    debtor = _editable_debtor(request, debtor_id)
    form = ContactForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, _("Inget sparades. %(field)s: %(error)s")
                               % {"field": form.fields[field].label, "error": error})
        return redirect("portal:debtor_detail", debtor_id=debtor.pk)
    try:
        debtor_address_set(debtor=debtor, on=timezone.localdate(), actor=request.user, **form.cleaned_data)
    except ApplicationError as error:
        unreachable = isinstance(error.detail, dict) and "missing" in error.detail
        messages.error(request, _("Inget sparades: %(reason)s")
                       % {"reason": UNREACHABLE if unreachable else refusal(error)})
    else:
        messages.success(request, _("Kontaktuppgifterna är sparade."))
    return redirect("portal:debtor_detail", debtor_id=debtor.pk)


@creditor_view(write=True)
@require_POST
def debtor_vip(request, debtor_id: int):
    debtor = _editable_debtor(request, debtor_id)
    debtor = debtor_set_vip(debtor=debtor, vip=request.POST.get("vip") == "yes", actor=request.user)
    messages.success(request, _("%(name)s är nu %(category)s.")
                     % {"name": debtor.name, "category": debtor.get_category_display()})
    return redirect("portal:debtor_detail", debtor_id=debtor.pk)


@creditor_view(write=True)
@require_POST
def debtor_override_view(request, debtor_id: int):
    debtor = _editable_debtor(request, debtor_id)
    category = request.POST.get("category", "")
    try:
        until = datetime.date.fromisoformat(request.POST["until"]) if category else None
        debtor = debtor_override(debtor=debtor, category=category, until=until, note=request.POST.get("note", ""),
                                 actor=request.user)
    except (KeyError, ValueError):
        messages.error(request, _("Ange ett giltigt datum (ÅÅÅÅ-MM-DD) för när den manuella kategorin upphör."))
    except ApplicationError as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("%(name)s är nu %(category)s.")
                         % {"name": debtor.name, "category": debtor.get_category_display()})
    return redirect("portal:debtor_detail", debtor_id=debtor.pk)
