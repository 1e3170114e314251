"""The creditor portal's pages about the portfolio and its cases."""
import dataclasses

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import selectors
from cases.limitation import nearing_limitation
from cases.search import DEFAULT_SORT, case_search, cases_in_order
from cases.stages import HoldReason, Stage
from core.errors import NotFound
from debtors.models import Category
from dunning import balances
from dunning.selectors import next_step_of
from dunning.workqueue import agency_staff_of

from . import case_export as case_export_files
from .case_action_forms import DisputeForm, NoteForm, PauseForm, PaymentForm, WithdrawForm
from .case_forms import CaseFilterForm
from .charts import overview_charts
from .creditor import creditor_view, may_edit
from .selectors import portfolio_outstanding, portfolio_overview

CASES_PER_PAGE = 50


def _require_creditor(request):
    if request.creditor is None:
        raise Http404("You are not a member of any creditor.")


@login_required
def dashboard(request):
    if request.creditor is None and agency_staff_of(request.user) is not None:
        return redirect("portal:agent_queue")  # the agency's staff land on their queue
    _require_creditor(request)
    overview = portfolio_overview(outstanding=False)
    if overview.open_cases <= OUTSTANDING_INLINE_MAX or request.GET.get("outstanding"):
        overview = _with_outstanding(overview)
    recent = balances.with_balances(selectors.case_list()[:10])
    return render(request, "cases/dashboard.html", {"overview": overview, "charts": overview_charts(overview),
                                                    "recent": recent, "categories": Category.choices})


# The open cases' balances are one pass over them in Python (about 75 µs a case): up to this
# many, the overview shows them at once; beyond, its page comes first and they follow
# (`dashboard_outstanding`, fetched by the page), so the rest of the overview waits for nothing.
OUTSTANDING_INLINE_MAX = 5_000


def _with_outstanding(overview):
    outstanding, ageing = portfolio_outstanding(overview.today)
    return dataclasses.replace(overview, outstanding=outstanding, ageing=ageing)


@creditor_view()
def dashboard_outstanding(request):
    """The overview's outstanding, overdue and ageing figures, for a page that showed them later."""
    overview = _with_outstanding(portfolio_overview(outstanding=False))
    return render(request, "overview/_outstanding_fragment.html", {"overview": overview})


@creditor_view()
def case_list(request):
    form = CaseFilterForm(request.GET)
    cases = case_search(form.query(), today=timezone.localdate())
    page = Paginator(cases.values_list("pk", flat=True), CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = balances.with_balances(cases_in_order(list(page.object_list)))  # the page's ids, then their rows
    params = request.GET.copy()
    params.pop("page", None)
    unsorted = params.copy()
    unsorted.pop("sort", None)
    sort = form.cleaned_data.get("sort") or DEFAULT_SORT
    return render(request, "cases/case_list.html", {
        "page": page, "rows": rows, "form": form, "query": params.urlencode(), "filtered": form.narrowed,
        "headers": _headers(sort, unsorted.urlencode()),
        "more_filters": any(form.data.get(name) for name in form.fields if name not in ("q", "sort")),
    })


# The list's columns: (heading, the sort key its heading orders by, or None, numeric).
COLUMNS = ((gettext_lazy("Ärende"), "opened", False), (gettext_lazy("Faktura"), "invoice", False),
           (gettext_lazy("Kund"), "debtor", False), (gettext_lazy("Förfallodag"), "due", False),
           (gettext_lazy("Steg"), None, False), (gettext_lazy("Nästa steg"), "next", False),
           (gettext_lazy("Fakturabelopp"), "amount", True), (gettext_lazy("Att betala"), None, True))


def _headers(sort: str, unsorted: str) -> list[dict]:
    """Each column's heading, with the link that orders by it (again: the other way) and its aria-sort."""
    headers = []
    for label, key, numeric in COLUMNS:
        header = {"label": label, "numeric": numeric, "href": None, "aria": None}
        if key is not None:
            current = sort.removeprefix("-") == key
            descending = sort.startswith("-")
            target = (key if descending else f"-{key}") if current else f"-{key}" if numeric else key
            header["href"] = "?" + "&".join(part for part in (unsorted, f"sort={target}") if part)
            header["aria"] = ("descending" if descending else "ascending") if current else None
        headers.append(header)
    return headers


@creditor_view()
def case_export(request, fmt: str):
    """What the list shows, every page of it, as CSV or XLSX."""
    form = CaseFilterForm(request.GET)
    today = timezone.localdate()
    cases = case_search(form.query(), today=today)
    # Translators: a file's name: keep it ASCII (no å, ä or ö for a browser to mangle).
    name = _("arenden-%(creditor)s-%(date)s") % {"creditor": request.creditor.slug, "date": f"{today:%Y%m%d}"}
    if fmt == "xlsx":
        return case_export_files.xlsx_response(cases, as_of=today, name=name)
    return case_export_files.csv_response(cases, creditor=request.creditor, as_of=today, name=name)


@creditor_view()
def case_detail(request, case_id: int):
    try:
        view = balances.case_with_balance(case_id)
    except NotFound:
        raise Http404("No such case.") from None
    case = view.case
    today = timezone.localdate()
    limitation = selectors.case_limitation(case)
    disputed = case.stage == Stage.ON_HOLD and case.hold_reason == HoldReason.DISPUTE
    return render(request, "cases/case_detail.html", {
        "case": case, "balance": view.balance, "entries": case.entries.all(), "events": case.events.all(),
        "letters": case.letters.all(), "queue": case.queue_items.all(), "next_step": next_step_of(case),
        "documents": case.dispute_documents.all(),
        "payments": case.payments.select_related("file").order_by("-paid_on", "-id"),
        "limitation": limitation, "limitation_near": nearing_limitation(limitation, today),
        "may_edit": may_edit(request), "disputed": disputed,
        "forms": {"pause": PauseForm(), "payment": PaymentForm(initial={"paid_on": today}),
                  "dispute": DisputeForm(), "note": NoteForm(), "withdraw": WithdrawForm()},
    })
