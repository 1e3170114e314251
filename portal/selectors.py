"""Reads for the creditor's pages that no lower layer has a use for."""
from dataclasses import dataclass

from django.db.models import Count

from cases.ledger import Balance
from cases.models import Case
from cases.selectors import case_queryset
from cases.stages import Stage
from core.money import ZERO
from dunning.balances import case_balances


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
