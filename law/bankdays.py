"""Bank days: when steps fire and when deadlines fall.

Lag (1930:173) om beräkning av lagstadgad tid: a deadline that falls on a Saturday,
Sunday, public holiday, midsummer eve, Christmas eve or New Year's eve moves to the next
weekday that is none of those. The `holidays` package supplies Sweden's public holidays
(Sundays only on request); weekends and the three eves are checked here as well, so the
answer does not depend on what a package version happens to list.
"""
import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _closed_days(year: int) -> frozenset[datetime.date]:
    days = set(holidays.Sweden(years=year, include_sundays=False))
    midsummer_eve = datetime.date(year, 6, 19)
    while midsummer_eve.weekday() != 4:  # the Friday between 19 and 25 June
        midsummer_eve += datetime.timedelta(days=1)
    days |= {midsummer_eve, datetime.date(year, 12, 24), datetime.date(year, 12, 31)}
    return frozenset(days)


def is_bank_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _closed_days(day.year)


def next_bank_day(day: datetime.date) -> datetime.date:
    """The day itself if it is a bank day, else the next one that is."""
    while not is_bank_day(day):
        day += datetime.timedelta(days=1)
    return day


def add_bank_days(day: datetime.date, n: int) -> datetime.date:
    """The n-th bank day after `day` (n = 0: `next_bank_day(day)`)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = next_bank_day(day) if n == 0 else day
    for _ in range(n):
        day = next_bank_day(day + datetime.timedelta(days=1))
    return day
