"""Late-payment interest (dröjsmålsränta), exact in Decimal.

Räntelagen (1975:635) 6 §: the reference rate of the calendar half-year plus 8
percentage points; 9 §: Riksbanken sets the reference rate for each half-year. Interest
accrues for each day after the due date up to and including the day of payment, on the
principal unpaid at the start of that day (a payment stops interest on what it pays from
the next day): simple interest, actual/365 (also in leap years). Nothing is rounded
here; rounding to öre happens when interest is posted, printed or paid.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

LATE_PAYMENT_MARGIN = Decimal("8")
DAYS_IN_YEAR = 365
ONE_DAY = datetime.timedelta(days=1)

SHIPPED_REFERENCE_RATES = (
    (datetime.date(2023, 1, 1), Decimal("2.50")),
    (datetime.date(2023, 7, 1), Decimal("3.50")),
    (datetime.date(2024, 1, 1), Decimal("4.00")),
    (datetime.date(2024, 7, 1), Decimal("4.00")),
    (datetime.date(2025, 1, 1), Decimal("3.00")),
    (datetime.date(2025, 7, 1), Decimal("2.00")),
    (datetime.date(2026, 1, 1), Decimal("2.00")),
    (datetime.date(2026, 7, 1), Decimal("2.00")),
)


def half_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def next_half_year(start: datetime.date) -> datetime.date:
    return datetime.date(start.year, 7, 1) if start.month == 1 else datetime.date(start.year + 1, 1, 1)


class MissingReferenceRate(Exception):
    def __init__(self, half_year_start: datetime.date):
        self.half_year_start = half_year_start
        label = f"{half_year_start.year} H{1 if half_year_start.month == 1 else 2}"
        super().__init__(f"no reference rate for {label} (the half-year from {half_year_start}); add it with "
                         f"`manage.py set_reference_rate {half_year_start} RATE`")


@dataclass(frozen=True)
class ReferenceRates:
    rates: tuple[tuple[datetime.date, Decimal], ...]

    def __post_init__(self):
        for valid_from, _ in self.rates:
            if (valid_from.month, valid_from.day) not in ((1, 1), (7, 1)):
                raise ValueError(f"a reference rate starts a half-year (1 January or 1 July), not {valid_from}")
        object.__setattr__(self, "_by_start", {valid_from: Decimal(rate) for valid_from, rate in self.rates})

    def rate_for(self, day: datetime.date) -> Decimal:
        start = half_year_start(day)
        try:
            return self._by_start[start]
        except KeyError:
            raise MissingReferenceRate(start) from None


@dataclass(frozen=True)
class InterestPeriod:
    start: datetime.date
    end: datetime.date  # inclusive
    days: int
    principal: Decimal
    rate: Decimal  # percent a year
    amount: Decimal  # unrounded


def interest_periods(*, principal_movements, due_date: datetime.date, until: datetime.date, rates: ReferenceRates,
                     margin: Decimal = LATE_PAYMENT_MARGIN, fixed_rate: Decimal | None = None) -> list[InterestPeriod]:
    """The accrual split into runs of days with one principal and one rate."""
    first = due_date + ONE_DAY
    if until < first:
        return []
    movements = sorted((booked_on, Decimal(amount)) for booked_on, amount in principal_movements)
    # A movement booked on day x changes the principal from the start of day x + 1.
    changes = sorted({booked_on + ONE_DAY for booked_on, _ in movements if first < booked_on + ONE_DAY <= until})
    if fixed_rate is None:
        boundary = next_half_year(half_year_start(first))
        while boundary <= until:
            changes.append(boundary)
            boundary = next_half_year(boundary)
        changes = sorted(set(changes))
    periods: list[InterestPeriod] = []
    start = first
    for end_exclusive in [*changes, until + ONE_DAY]:
        if end_exclusive <= start:
            continue
        principal = max(sum((amount for booked_on, amount in movements if booked_on < start), Decimal(0)), Decimal(0))
        if principal > 0:
            rate = fixed_rate if fixed_rate is not None else rates.rate_for(start) + margin
            days = (end_exclusive - start).days
            amount = principal * Decimal(rate) * days / (100 * DAYS_IN_YEAR)
            last = periods[-1] if periods else None
            if last and last.end + ONE_DAY == start and last.principal == principal and last.rate == rate:
                periods[-1] = InterestPeriod(last.start, end_exclusive - ONE_DAY, last.days + days, principal, rate,
                                             principal * Decimal(rate) * (last.days + days) / (100 * DAYS_IN_YEAR))
            else:
                periods.append(InterestPeriod(start, end_exclusive - ONE_DAY, days, principal, Decimal(rate), amount))
        start = end_exclusive
    return periods


def accrued_interest(*, principal_movements, due_date: datetime.date, until: datetime.date, rates: ReferenceRates,
                     margin: Decimal = LATE_PAYMENT_MARGIN, fixed_rate: Decimal | None = None) -> Decimal:
    """The exact, unrounded interest accrued from the day after the due date up to `until`."""
    return sum((p.amount for p in interest_periods(principal_movements=principal_movements, due_date=due_date,
                                                   until=until, rates=rates, margin=margin, fixed_rate=fixed_rate)),
               Decimal(0))
