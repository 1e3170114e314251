"""The PS method's classification as a pure function: (features, rules, today) → category and reasons.

No ORM here: `classification.features` reads the history in set-based queries, this
module decides. The order of precedence is the creditor's: a manual override (with an
expiry) beats everything, a VIP designation beats computed risk, and otherwise any risk
signal makes a debtor a risk. The risk signals are listed whatever the category, so a
creditor can see why a VIP would have been a risk.

A reason is a code and its parameters (JSON-native, so it can be stored on the debtor
and compared); `classification.texts` turns it into a sentence in Swedish or English.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

RISK, NORMAL, VIP = "risk", "normal", "vip"
WINDOW_DAYS = 365  # "the last 12 months" of every history feature


@dataclass(frozen=True)
class CreditFacts:
    reported_on: datetime.date
    source: str
    score: int
    risk_class: int
    payment_remarks: int


class InvoiceOutcome(NamedTuple):
    """One invoice due in the last 12 months: how many days after its due date it was
    paid, or, while unpaid, how many days it is overdue so far. (A named tuple: the daily
    reclassification builds one per invoice of a year's history, 1 900 per creditor in
    bench/dunning_cycle.py, and a tuple is built in a third of a frozen dataclass's time.)"""

    due_date: datetime.date
    days_late: int
    paid: bool


@dataclass(frozen=True)
class Features:
    invoices: int = 0  # invoiced in the last 12 months
    outcomes: tuple[InvoiceOutcome, ...] = ()  # due in the last 12 months, newest first
    collection_cases: int = 0  # cases that reached a collection demand in the last 12 months
    payment_order_cases: int = 0  # … a payment order
    broken_promises: int = 0
    broken_plans: int = 0
    disputes: int = 0
    open_overdue: Decimal = Decimal("0.00")  # principal and fees of open cases past due, without running interest
    credit_report: CreditFacts | None = None

    def decided(self, late_days: int) -> list[InvoiceOutcome]:
        """The outcomes that are settled: paid, or already more than `late_days` overdue.
        An unpaid invoice that may still be paid in time is not counted either way, so a
        debtor does not flip back and forth while a new invoice is a few days overdue."""
        return [o for o in self.outcomes if o.paid or o.days_late > late_days]

    def late_share(self, late_days: int) -> tuple[int, int]:
        decided = self.decided(late_days)
        return sum(1 for o in decided if o.days_late > late_days), len(decided)

    @property
    def max_days_late(self) -> int:
        return max((o.days_late for o in self.outcomes), default=0)

    @property
    def average_days_late(self) -> float | None:
        paid = [o.days_late for o in self.outcomes if o.paid]
        return sum(paid) / len(paid) if paid else None


@dataclass(frozen=True)
class RuleSet:
    """A creditor's thresholds (classification.models.ClassificationRules); None switches a rule off."""

    risk_class_from: int | None = 4
    score_below: int | None = None
    payment_remarks_over: int | None = 0
    late_days: int = 14
    late_of_last: int = 5
    late_count: int | None = 3
    broken_plans_from: int | None = 1
    broken_promises_from: int | None = 2
    payment_orders_from: int | None = 1
    report_max_age_days: int = 90


@dataclass(frozen=True)
class Override:
    category: str
    until: datetime.date
    note: str


@dataclass(frozen=True)
class Classification:
    category: str
    reasons: list = field(default_factory=list)  # [{"code": …, "params": {…}}]

    @property
    def risk_signals(self) -> list:
        return [r for r in self.reasons if r["code"] in SIGNALS]


SIGNALS = {"late_invoices", "credit_risk_class", "credit_score", "payment_remarks", "broken_plans",
           "broken_promises", "payment_orders"}


def _reason(code: str, **params) -> dict:
    return {"code": code, "params": params}


def risk_signals(features: Features, rules: RuleSet, today: datetime.date) -> list[dict]:
    """Every rule the debtor's features break, as reasons; plus a note when a credit report was too old to use."""
    reasons = []
    if rules.late_count is not None:
        recent = features.decided(rules.late_days)[:rules.late_of_last]
        late = [o for o in recent if o.days_late > rules.late_days]
        if len(late) >= rules.late_count:
            reasons.append(_reason("late_invoices", late=len(late), of=len(recent), days=rules.late_days,
                                   unpaid=sum(1 for o in late if not o.paid)))
    report = features.credit_report
    if report is not None:
        age = (today - report.reported_on).days
        if age > rules.report_max_age_days:
            reasons.append(_reason("credit_report_stale", on=report.reported_on.isoformat(), source=report.source,
                                   days=rules.report_max_age_days))
        else:
            about = {"on": report.reported_on.isoformat(), "source": report.source}
            if rules.risk_class_from is not None and report.risk_class >= rules.risk_class_from:
                reasons.append(_reason("credit_risk_class", risk_class=report.risk_class, **about))
            if rules.score_below is not None and report.score < rules.score_below:
                reasons.append(_reason("credit_score", score=report.score, below=rules.score_below, **about))
            if rules.payment_remarks_over is not None and report.payment_remarks > rules.payment_remarks_over:
                reasons.append(_reason("payment_remarks", remarks=report.payment_remarks, **about))
    for code, count, threshold in (("broken_plans", features.broken_plans, rules.broken_plans_from),
                                   ("broken_promises", features.broken_promises, rules.broken_promises_from),
                                   ("payment_orders", features.payment_order_cases, rules.payment_orders_from)):
        if threshold is not None and count >= threshold:
            reasons.append(_reason(code, count=count))
    return reasons


def classify(features: Features, rules: RuleSet, *, today: datetime.date, vip: bool = False,
             override: Override | None = None) -> Classification:
    signals = risk_signals(features, rules, today)
    risky = any(r["code"] in SIGNALS for r in signals)
    if override is not None and override.until >= today:
        head = [_reason("override", category=override.category, until=override.until.isoformat(),
                        note=override.note)] + ([_reason("vip")] if vip else [])
        return Classification(override.category, head + signals)
    if vip:
        return Classification(VIP, [_reason("vip")] + signals)
    if risky:
        return Classification(RISK, signals)
    late, decided = features.late_share(rules.late_days)
    return Classification(NORMAL, [_reason("no_risk_signals", invoices=features.invoices, late=late,
                                           of=decided, days=rules.late_days)] + signals)
