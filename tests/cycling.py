"""Helpers for tests that run the daily cycle day by day."""
import datetime

from cases.models import Case, LedgerEntry
from cycle.run import run_cycle


def run_days(creditor, first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, str]]:
    """Run the cycle on every day from `first` to `last`; the (day, action) of each step applied."""
    day, applied = first, []
    while day <= last:
        report = run_cycle(creditor=creditor, day=day)
        applied += [(day, action) for action, n in report.applied.items() for _ in range(n)]
        day += datetime.timedelta(days=1)
    return applied


def reload(case) -> Case:
    return Case.objects.select_related("invoice", "debtor").get(pk=case.pk)


def fees(case) -> list:
    return sorted((e.kind, e.amount) for e in LedgerEntry.objects.filter(case=case, kind__endswith="fee"))
