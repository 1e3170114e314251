"""The creditor's payments: what came in, per case and per file, and what was matched or waits.

A payment file is the agency's (it may hold many creditors' payments): a creditor sees a
file only through its own payments in it, counted and summed, never the file's totals.
A payment the bank sent for the creditor that fits no case waits for an agent (`waiting`);
a row equal to an earlier payment waits as a possible duplicate until an agent decides.
"""
import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import Payment, PaymentSource
from core.money import ZERO

from .creditor import creditor_view

PAYMENTS_PER_PAGE = 50
STATUSES = {"matched": (gettext_lazy("Fördelade"), Q(case__isnull=False)),
            "waiting": (gettext_lazy("Väntar på handläggare"), Q(case__isnull=True, duplicate_of__isnull=True)),
            "duplicate": (gettext_lazy("Möjliga dubbletter"), Q(case__isnull=True, duplicate_of__isnull=False,
                                                                 duplicate_confirmed_on__isnull=True))}


def payments_of(*, status: str | None = None, source: str | None = None, file_id: int | None = None,
                since: datetime.date | None = None) -> QuerySet[Payment]:
    """The current creditor's payments, newest first, narrowed (tenant scope active)."""
    payments = (Payment.objects.filter(duplicate_confirmed_on__isnull=True)
                .select_related("case", "case__invoice", "case__debtor", "file").order_by("-paid_on", "-id"))
    if status in STATUSES:
        payments = payments.filter(STATUSES[status][1])
    if source:
        payments = payments.filter(source=source)
    if file_id is not None:
        payments = payments.filter(file_id=file_id)
    if since is not None:
        payments = payments.filter(paid_on__gte=since)
    return payments


def files_of() -> list[dict]:
    """Per payment file, the creditor's own payments in it: how many, their sum, how many wait."""
    rows = (Payment.objects.filter(file__isnull=False).values("file_id", "file__name", "file__format")
            .annotate(n=Count("id"), total=Sum("amount"), waiting=Count("id", filter=Q(case__isnull=True)),
                      imported=Max("file__imported_at"))
            .order_by("-imported", "-file_id"))
    return list(rows[:50])


@creditor_view()
def payment_list(request):
    status = request.GET.get("status") or None
    source = request.GET.get("source") or None
    file_id = request.GET.get("file", "")
    payments = payments_of(status=status if status in STATUSES else None,
                           source=source if source in PaymentSource.values else None,
                           file_id=int(file_id) if file_id.isdigit() else None)
    page = Paginator(payments, PAYMENTS_PER_PAGE).get_page(request.GET.get("page"))
    month = timezone.localdate().replace(day=1)
    this_month = Payment.objects.filter(case__isnull=False, paid_on__gte=month).aggregate(
        n=Count("id"), total=Sum("amount"))
    counts = {key: Payment.objects.filter(condition, duplicate_confirmed_on__isnull=True).count()
              for key, (_, condition) in STATUSES.items()}
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "payments/payment_list.html", {
        "page": page, "status": status, "source": source, "file_id": file_id, "statuses": STATUSES,
        "sources": PaymentSource.choices, "files": files_of(), "counts": counts, "query": params.urlencode(),
        "month": month, "this_month": {"n": this_month["n"], "total": this_month["total"] or ZERO},
    })
