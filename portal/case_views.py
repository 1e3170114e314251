"""The creditor portal's pages about the portfolio and its cases."""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from cases import selectors
from cases.limitation import nearing_limitation
from cases.stages import Stage
from core.errors import NotFound
from dunning import balances
from dunning.selectors import next_step_of
from dunning.workqueue import agency_staff_of

from .selectors import portfolio_overview

CASES_PER_PAGE = 50


def _require_creditor(request):
    if request.creditor is None:
        raise Http404("You are not a member of any creditor.")


@login_required
def dashboard(request):
    if request.creditor is None and agency_staff_of(request.user) is not None:
        return redirect("portal:agent_queue")  # the agency's staff land on their queue
    _require_creditor(request)
    overview = portfolio_overview()
    recent = balances.with_balances(selectors.case_list()[:10])
    return render(request, "cases/dashboard.html", {"overview": overview, "recent": recent, "stages": Stage})


@login_required
def case_list(request):
    _require_creditor(request)
    stage = request.GET.get("stage") or None
    if stage and stage not in Stage.values:
        stage = None
    page = Paginator(selectors.case_list(stage=stage), CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = balances.with_balances(page.object_list)
    return render(request, "cases/case_list.html",
                  {"page": page, "rows": rows, "stage": stage, "stages": Stage.choices})


@login_required
def case_detail(request, case_id: int):
    _require_creditor(request)
    try:
        view = balances.case_with_balance(case_id)
    except NotFound:
        raise Http404("No such case.") from None
    case = view.case
    today = datetime.date.today()
    limitation = selectors.case_limitation(case)
    return render(request, "cases/case_detail.html", {
        "case": case, "balance": view.balance, "entries": case.entries.all(), "events": case.events.all(),
        "letters": case.letters.all(), "queue": case.queue_items.all(), "next_step": next_step_of(case),
        "documents": case.dispute_documents.all(),
        "limitation": limitation, "limitation_near": nearing_limitation(limitation, today),
    })
