"""The figures of the creditor's overview (Översikt), each one set-based query.

Tenant scope is active: every query reads the current creditor's rows only. None loops
over the cases in Python; the one pass over open cases is the balance computation
(`portal.selectors.portfolio_overview`), since interest accrues per case. Definitions:

- **Needs the creditor** (`attention`): disputed cases on hold (and of them, those whose
  dispute review is still open), open cases nearing limitation (`cases_nearing_limitation`),
  open work items of kind address missing and payment-order review.
- **Ageing** (`AgeingBucket`): open cases by days since the invoice's due date, 0–30,
  31–60, 61–90 and over 90, with their outstanding balances. **Overdue** is the last
  bucket: what is more than 90 days past due, the usual mark of a claim in default.
- **Recovered** (`recovered_per_month`): payments booked on a case (not the unmatched or
  duplicates), by the day paid, per calendar month.
- **DSO** (`days_sales_outstanding`): for a collection portfolio, the average number of days
  from the invoice's due date to the day its case closed as paid, over the cases closed as
  paid in the last 90 days: how long the money takes to come in once a claim is late.
- **Recovery rate** (`recovery_per_quarter`): of the cases closed in a calendar quarter,
  the share closed as paid (withdrawn, credited and written-off count as not recovered),
  per debtor category: the PS method's results. The category is the debtor's category
  today: it is not recorded per case.
"""
import bisect
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext, gettext_lazy

from cases.limitation import limitation_date, nearing_limitation
from cases.models import Case, Payment
from cases.stages import ClosedReason, HoldReason, Stage
from core.money import ZERO, round_ore
from debtors.models import Category, CustomerType
from dunning.models import QueueItem, QueueKind
from letters.models import Letter

from .charts import format_percent

DSO_DAYS = 90
MONTHS = 12
QUARTERS = 4
# Their first three letters are a chart's labels (`Month.label`): "jan", "feb", … in Swedish.
MONTH_NAMES = (gettext_lazy("januari"), gettext_lazy("februari"), gettext_lazy("mars"), gettext_lazy("april"),
               gettext_lazy("maj"), gettext_lazy("juni"), gettext_lazy("juli"), gettext_lazy("augusti"),
               gettext_lazy("september"), gettext_lazy("oktober"), gettext_lazy("november"),
               gettext_lazy("december"))
# (key, label, the first day past due it holds, the last or None): ageing by days past the due date;
# the key is the case list's `?overdue=` (portal.case_forms).
AGEING = (("0-30", gettext_lazy("0–30 dagar"), 0, 30), ("31-60", gettext_lazy("31–60 dagar"), 31, 60),
          ("61-90", gettext_lazy("61–90 dagar"), 61, 90), ("90+", gettext_lazy("Över 90 dagar"), 91, None))
_AGEING_FIRSTS = [first for _, _, first, _ in AGEING]


def ageing_bucket(days_past_due: int) -> int:
    """The index in AGEING of a case `days_past_due` past its due date (a case not yet due counts as 0–30)."""
    return max(bisect.bisect_right(_AGEING_FIRSTS, days_past_due) - 1, 0)


@dataclass(frozen=True)
class AgeingBucket:
    key: str
    label: str
    cases: int
    outstanding: Decimal


@dataclass(frozen=True)
class Attention:
    disputes: int  # cases on hold, disputed
    disputes_to_decide: int  # of all the creditor's cases: open dispute reviews
    nearing_limitation: int
    address_missing: int
    payment_orders: int  # payment-order applications awaiting the agency's review


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    cells: tuple[tuple[str, int], ...]  # (category, cases), in Category's order
    total: int


@dataclass(frozen=True)
class Month:
    first_day: datetime.date
    recovered: Decimal

    @property
    def label(self) -> str:
        return str(MONTH_NAMES[self.first_day.month - 1])[:3]

    @property
    def name(self) -> str:
        return f"{MONTH_NAMES[self.first_day.month - 1]} {self.first_day.year}"


@dataclass(frozen=True)
class Recovery:
    closed: int
    paid: int

    @property
    def rate(self) -> Decimal | None:
        """The share paid, to four decimals; None when nothing closed."""
        if not self.closed:
            return None
        return (Decimal(self.paid) / self.closed).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def percent(self) -> str:
        return format_percent(self.rate)


@dataclass(frozen=True)
class Quarter:
    first_day: datetime.date
    by_category: tuple[Recovery, ...]  # in Category's order
    total: Recovery

    @property
    def categories(self) -> list[tuple[str, Recovery]]:
        """(category label, its recovery), in Category's order."""
        return list(zip(Category.labels, self.by_category, strict=True))

    @property
    def label(self) -> str:
        # Translators: a calendar quarter, "K1 2026" (kvartal); in English "Q1 2026".
        return gettext("K%(quarter)s %(year)s") % {"quarter": (self.first_day.month - 1) // 3 + 1,
                                                    "year": self.first_day.year}


@dataclass(frozen=True)
class Dso:
    days: Decimal | None  # None: no case closed as paid in the period
    cases: int
    period_days: int = DSO_DAYS


def attention(*, today: datetime.date, disputes: int) -> Attention:
    """What waits for the creditor; `disputes` (cases on hold, disputed) comes from the stage counts."""
    kinds = (QueueKind.DISPUTE_REVIEW, QueueKind.ADDRESS_MISSING, QueueKind.PAYMENT_ORDER_REVIEW)
    waiting = dict(QueueItem.objects.filter(outcome="", kind__in=kinds).values_list("kind")
                   .annotate(n=Count("id")).order_by())
    return Attention(disputes=disputes, disputes_to_decide=waiting.get(QueueKind.DISPUTE_REVIEW, 0),
                     nearing_limitation=cases_nearing_limitation(today=today).count(),
                     address_missing=waiting.get(QueueKind.ADDRESS_MISSING, 0),
                     payment_orders=waiting.get(QueueKind.PAYMENT_ORDER_REVIEW, 0))


def latest_start_nearing(*, today: datetime.date, is_consumer: bool) -> datetime.date:
    """The latest day a limitation period may have started (the invoice date, a letter sent,
    a payment) for the claim to be nearing limitation `today`.

    Found by bisection over the pure rule (`cases.limitation`), so the years and the warning
    period stay said in one place: the rule is monotonic in its start."""
    def nearing(start: datetime.date) -> bool:
        return nearing_limitation(limitation_date(arose_on=start, is_consumer=is_consumer, demands_sent=[]), today)

    early, late = today - datetime.timedelta(days=366 * 50), today  # nearing from `early`, not from `late`
    if not nearing(early) or nearing(late):
        raise ValueError("the limitation rule is not one whose start can be bisected")
    while (late - early).days > 1:
        middle = early + datetime.timedelta(days=(late - early).days // 2)
        early, late = (middle, late) if nearing(middle) else (early, middle)
    return early


def cases_nearing_limitation(*, today: datetime.date) -> QuerySet[Case]:
    """Open cases whose limitation date (`cases.selectors.case_limitation`) is within
    `cases.limitation.WARN_DAYS` or past: set-based, with the same answer case by case.

    A claim's period runs from the latest of its invoice date, its letters and its
    payments; it is nearing limitation when that latest day is on or before a cut-off
    (`latest_start_nearing`, one for consumers, one for companies). So a case is in when
    its invoice date is on or before the cut-off and no letter or payment came after it:
    two NOT EXISTS on indexed foreign keys, for the old cases only."""
    def older_than(cutoff: datetime.date) -> Q:
        later_letter = Letter.objects.filter(case=OuterRef("pk"), sent_on__gt=cutoff)
        later_payment = Payment.objects.filter(case=OuterRef("pk"), paid_on__gt=cutoff)
        return Q(invoice__invoice_date__lte=cutoff) & ~Exists(later_letter) & ~Exists(later_payment)

    consumer = Q(debtor__customer_type=CustomerType.CONSUMER)
    return Case.objects.exclude(stage=Stage.CLOSED).filter(
        (consumer & older_than(latest_start_nearing(today=today, is_consumer=True)))
        | (~consumer & older_than(latest_start_nearing(today=today, is_consumer=False))))


def stage_counts() -> list[dict]:
    """Cases per stage, hold reason and debtor category: `{stage, hold_reason, category, n}`."""
    return list(Case.objects.values("stage", "hold_reason", category=F("debtor__category"))
                .annotate(n=Count("id")).order_by())


def stage_rows(counts: list[dict]) -> list[StageRow]:
    """The stage × category table from `stage_counts` (every stage and category, 0 where none)."""
    table: dict[tuple[str, str], int] = defaultdict(int)
    for row in counts:
        table[row["stage"], row["category"]] += row["n"]
    rows = []
    for stage, label in Stage.choices:
        cells = tuple((category, table[stage, category]) for category in Category.values)
        rows.append(StageRow(stage=stage, label=label, cells=cells, total=sum(n for _, n in cells)))
    return rows


def disputes_on_hold(counts: list[dict]) -> int:
    return sum(row["n"] for row in counts if row["stage"] == Stage.ON_HOLD and row["hold_reason"] == HoldReason.DISPUTE)


def month_starts(today: datetime.date, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the last `months` calendar months, oldest first, the current one last."""
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def recovered_per_month(*, today: datetime.date, months: int = MONTHS) -> list[Month]:
    """Payments booked on cases per calendar month, the last `months` (the current one so far)."""
    starts = month_starts(today, months)
    sums = {_as_date(row["month"]): row["total"] for row in
            Payment.objects.filter(case__isnull=False, paid_on__gte=starts[0], paid_on__lte=today)
            .annotate(month=TruncMonth("paid_on")).values("month").annotate(total=Sum("amount")).order_by()}
    return [Month(first_day=start, recovered=round_ore(sums.get(start) or ZERO)) for start in starts]


def days_sales_outstanding(*, today: datetime.date, days: int = DSO_DAYS) -> Dso:
    """The average days from due date to paid, of the cases closed as paid in the last `days` days."""
    paid = Case.objects.filter(stage=Stage.CLOSED, closed_reason=ClosedReason.PAID,
                               closed_on__gt=today - datetime.timedelta(days=days), closed_on__lte=today)
    row = paid.aggregate(cases=Count("id"), late=Avg(ExpressionWrapper(F("closed_on") - F("invoice__due_date"),
                                                                       output_field=DurationField())))
    if not row["cases"] or row["late"] is None:
        return Dso(days=None, cases=0, period_days=days)
    late = Decimal(row["late"].total_seconds()) / 86400
    return Dso(days=late.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), cases=row["cases"], period_days=days)


def quarter_starts(today: datetime.date, quarters: int = QUARTERS) -> list[datetime.date]:
    """The first days of the last `quarters` calendar quarters, oldest first, the current one last."""
    year, quarter = today.year, (today.month - 1) // 3
    starts = []
    for _ in range(quarters):
        starts.append(datetime.date(year, quarter * 3 + 1, 1))
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return starts[::-1]


def recovery_per_quarter(*, today: datetime.date, quarters: int = QUARTERS) -> list[Quarter]:
    """Cases closed and closed as paid, per calendar quarter and debtor category (the current quarter so far)."""
    starts = quarter_starts(today, quarters)
    counts = {(_as_date(row["quarter"]), row["category"]): Recovery(closed=row["closed"], paid=row["paid"]) for row in
              Case.objects.filter(stage=Stage.CLOSED, closed_on__gte=starts[0], closed_on__lte=today)
              .annotate(quarter=TruncQuarter("closed_on")).values("quarter", category=F("debtor__category"))
              .annotate(closed=Count("id"), paid=Count("id", filter=Q(closed_reason=ClosedReason.PAID))).order_by()}
    result = []
    for start in starts:
        cells = tuple(counts.get((start, category), Recovery(0, 0)) for category in Category.values)
        total = Recovery(closed=sum(c.closed for c in cells), paid=sum(c.paid for c in cells))
        result.append(Quarter(first_day=start, by_category=cells, total=total))
    return result


def _as_date(value) -> datetime.date:
    """A truncated date as the backend returns it (a date; a datetime where the column was one)."""
    return value.date() if isinstance(value, datetime.datetime) else value
