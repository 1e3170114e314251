"""Reads about cases. Tenant scope is already active; another creditor's case is not found."""
import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from core.errors import NotFound
from core.money import ZERO
from .ledger import Balance, case_balance, case_balances
from .models import Case
from .stages import Stage


def case_queryset() -> QuerySet[Case]:
    return Case.objects.select_related("invoice", "debtor")


def case_get(case_id) -> Case:
    try:
        return case_queryset().get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such case.") from None


def case_list(*, stage: str | None = None) -> QuerySet[Case]:
    cases = case_queryset()
    if stage:
        cases = cases.filter(stage=stage)
    return cases


@dataclass(frozen=True)
class CaseView:
    case: Case
    balance: Balance


def with_balances(cases, *, as_of: datetime.date | None = None) -> list[CaseView]:
    cases = list(cases)
    balances = case_balances(cases, as_of=as_of)
    return [CaseView(case, balances[case.pk]) for case in cases]


def case_with_balance(case_id, *, as_of: datetime.date | None = None) -> CaseView:
    case = case_get(case_id)
    return CaseView(case, case_balance(case, as_of=as_of))


@dataclass(frozen=True)
class Overview:
    open_cases: int
    outstanding: Balance
    by_stage: dict[str, int]


def portfolio_overview() -> Overview:
    """What the creditor's dashboard shows first: open cases, what is outstanding, per stage."""
    by_stage = {stage: 0 for stage in Stage.values}
    for row in Case.objects.values("stage").annotate(n=Count("id")).order_by():
        by_stage[row["stage"]] = row["n"]
    # Interest accrues per case, so the sum is taken over each open case's balance.
    balances = case_balances(case_queryset().exclude(stage=Stage.CLOSED)).values()
    outstanding = Balance(
        principal=sum((b.principal for b in balances), ZERO),
        fees=sum((b.fees for b in balances), ZERO),
        interest=sum((b.interest for b in balances), ZERO),
        overpayment=sum((b.overpayment for b in balances), ZERO),
    )
    return Overview(open_cases=sum(n for s, n in by_stage.items() if s != Stage.CLOSED),
                    outstanding=outstanding, by_stage=by_stage)


def case_limitation(case: Case) -> datetime.date:
    from .limitation import limitation_date

    sent = list(case.letters.values_list("sent_on", flat=True))
    paid = list(case.payments.values_list("paid_on", flat=True))
    return limitation_date(arose_on=case.invoice.invoice_date, is_consumer=case.debtor.is_consumer, demands_sent=sent,
                           paid_on=paid)
