"""Limitation (preskription): when a claim can no longer be enforced.

Preskriptionslag (1981:130) 2 §: ten years, but three years for a business's claim on a
consumer (every Fordra creditor is a business). A written demand the debtor receives — a
reminder, a collection demand — interrupts the period and starts a new one (5 § 2), and
so does the debtor's acknowledging the claim, which a payment on it does (5 § 1). Pure.
"""
import datetime

WARN_DAYS = 90


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def limitation_date(*, arose_on: datetime.date, is_consumer: bool, demands_sent: list[datetime.date],
                    paid_on: list[datetime.date] = ()) -> datetime.date:
    """The last day the claim can be enforced, counted from the latest interruption: a
    demand sent or a payment made."""
    start = max([arose_on, *demands_sent, *paid_on])
    return _add_years(start, 3 if is_consumer else 10)


def nearing_limitation(limitation: datetime.date, today: datetime.date) -> bool:
    return limitation - datetime.timedelta(days=WARN_DAYS) <= today
