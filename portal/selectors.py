"""Reads for the creditor's pages that no lower layer has a use for."""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from cases.ledger import Balance
from cases.models import Case
from cases.stages import Stage
from core.money import ZERO
from dunning.balances import case_balances

from . import overview as figures
from .charts import format_percent
from .overview import AgeingBucket, Attention, Dso, Month, Quarter, StageRow


@dataclass(frozen=True)
class Overview:
    """The creditor's overview page; each figure is defined in `portal.overview`."""

    today: datetime.date
    open_cases: int
    outstanding: Balance | None  # None: not computed here (a large portfolio's come after the page)
    by_stage: dict[str, int]
    stage_rows: list[StageRow]
    ageing: list[AgeingBucket] | None
    attention: Attention
    recovered: list[Month]  # oldest first, the current month last
    dso: Dso
    recovery: list[Quarter]  # oldest first, the current quarter last

    @property
    def overdue(self) -> Decimal:
        """What is outstanding more than 90 days past the due date (the last ageing bucket)."""
        return self.ageing[-1].outstanding

    @property
    def overdue_cases(self) -> int:
        return self.ageing[-1].cases

    @property
    def overdue_percent(self) -> str:
        """The overdue part's share of what is outstanding."""
        total = self.outstanding.total
        return format_percent(self.overdue / total if total > 0 else None)

    @property
    def ageing_cases(self) -> int:
        return sum(bucket.cases for bucket in self.ageing)

    @property
    def this_month(self) -> Month:
        return self.recovered[-1]

    @property
    def previous_month(self) -> Month:
        return self.recovered[-2]


def portfolio_overview(*, today: datetime.date | None = None, outstanding: bool = True) -> Overview:
    """What the creditor's dashboard shows: what needs the creditor, what is outstanding and
    how old, what came in, the cases per stage and category, DSO and the recovery rates.

    A fixed number of queries, however many cases: each figure is one aggregate, except
    the balances, which are one pass over the open cases (interest accrues per case):
    `outstanding=False` leaves them out (`portfolio_outstanding` gives them)."""
    today = today or timezone.localdate()
    counts = figures.stage_counts()
    rows = figures.stage_rows(counts)
    by_stage = {row.stage: row.total for row in rows}
    outstanding, ageing = portfolio_outstanding(today) if outstanding else (None, None)
    return Overview(
        today=today, open_cases=sum(n for s, n in by_stage.items() if s != Stage.CLOSED), outstanding=outstanding,
        by_stage=by_stage, stage_rows=rows, ageing=ageing,
        attention=figures.attention(today=today, disputes=figures.disputes_on_hold(counts)),
        recovered=figures.recovered_per_month(today=today), dso=figures.days_sales_outstanding(today=today),
        recovery=figures.recovery_per_quarter(today=today))


class _Due(NamedTuple):
    due_date: datetime.date


class _Category(NamedTuple):
    category: str


class _Terms(NamedTuple):
    """What `dunning.balances.case_balances` reads of a case, its invoice and its debtor."""

    pk: int
    closed_reason: str
    closed_on: datetime.date | None
    invoice: _Due
    debtor: _Category


def portfolio_outstanding(today: datetime.date) -> tuple[Balance, list[AgeingBucket]]:
    """The open cases' balances summed, in total and per ageing bucket (days past the due date)."""
    # Interest accrues per case, so the sum is taken over each open case's balance: the page's
    # one pass over cases. A case is read as the few values a balance needs (`_Terms`), not as
    # a model with its invoice and debtor: at 100 000 open cases building those models took
    # 6.6 of the 9.5 s (bench/portal.py --profile-overview).
    cases = [_Terms(pk, closed_reason, closed_on, _Due(due_date), _Category(category))
             for pk, closed_reason, closed_on, due_date, category in Case.objects.exclude(stage=Stage.CLOSED)
             .values_list("pk", "closed_reason", "closed_on", "invoice__due_date", "debtor__category")]
    balances = case_balances(cases, as_of=today)
    bucket_cases = [0] * len(figures.AGEING)
    bucket_amounts = [ZERO] * len(figures.AGEING)
    for case in cases:
        bucket = figures.ageing_bucket((today - case.invoice.due_date).days)
        bucket_cases[bucket] += 1
        bucket_amounts[bucket] += balances[case.pk].total
    parts = balances.values()
    outstanding = Balance(
        principal=sum((b.principal for b in parts), ZERO),
        fees=sum((b.fees for b in parts), ZERO),
        interest=sum((b.interest for b in parts), ZERO),
        overpayment=sum((b.overpayment for b in parts), ZERO),
    )
    ageing = [AgeingBucket(key=key, label=label, cases=n, outstanding=amount)
              for (key, label, _, _), n, amount in zip(figures.AGEING, bucket_cases, bucket_amounts, strict=True)]
    return outstanding, ageing
