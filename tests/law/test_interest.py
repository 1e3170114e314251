"""Late-payment interest worked by hand (räntelagen (1975:635) 3 §, 6 §, 9 §).

Reference rate of the half-year + 8 points, actual/365 also in leap years, each day after
the due date up to and including the day of payment, on the principal unpaid at the start of
the day. Amounts are computed unrounded; the tests round half-up to öre, as a letter does.
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from law.interest import (
    SHIPPED_REFERENCE_RATES,
    InterestPeriod,
    MissingReferenceRate,
    ReferenceRates,
    accrued_interest,
    interest_periods,
)

D = datetime.date
RATES = ReferenceRates(SHIPPED_REFERENCE_RATES)


def ore(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), ROUND_HALF_UP)


def accrued(movements, due, until, **kwargs) -> Decimal:
    return accrued_interest(principal_movements=movements, due_date=due, until=until, rates=RATES, **kwargs)


def periods(movements, due, until, **kwargs) -> list[InterestPeriod]:
    return interest_periods(principal_movements=movements, due_date=due, until=until, rates=RATES, **kwargs)


def test_paid_in_full_across_the_half_year():
    # 21–30 June 2025: 10 days at 3.00 + 8 = 11 %: 10 000 × 0.11 × 10 / 365 = 30.1369…
    # 1–10 July 2025 (the payment day counts): 10 days at 2.00 + 8 = 10 %: 27.3972…
    # total 57.5342… → 57.53
    movements = [(D(2025, 6, 1), Decimal("10000.00")), (D(2025, 7, 10), Decimal("-10000.00"))]
    assert ore(accrued(movements, D(2025, 6, 20), D(2025, 7, 10))) == Decimal("57.53")
    # The payment stops interest from the next day: a later `until` adds nothing.
    assert ore(accrued(movements, D(2025, 6, 20), D(2025, 9, 30))) == Decimal("57.53")
    found = periods(movements, D(2025, 6, 20), D(2025, 7, 10))
    assert [(p.start, p.end, p.days, p.principal, p.rate) for p in found] == [
        (D(2025, 6, 21), D(2025, 6, 30), 10, Decimal("10000.00"), Decimal("11.00")),
        (D(2025, 7, 1), D(2025, 7, 10), 10, Decimal("10000.00"), Decimal("10.00")),
    ]
    assert [ore(p.amount) for p in found] == [Decimal("30.14"), Decimal("27.40")]
    assert sum(p.amount for p in found) == accrued(movements, D(2025, 6, 20), D(2025, 7, 10))


def test_a_partial_payment_reduces_the_principal_from_the_next_day():
    # Due 30 Sep 2025, 10 % (2.00 + 8). 5 000 paid on 10 Oct.
    # 1–10 Oct: 10 days on 20 000: 20 000 × 0.10 × 10 / 365 = 54.7945…
    # 11–31 Oct: 21 days on 15 000: 15 000 × 0.10 × 21 / 365 = 86.3013…
    # total 51 500 / 365 = 141.0958… → 141.10
    movements = [(D(2025, 9, 1), Decimal("20000.00")), (D(2025, 10, 10), Decimal("-5000.00"))]
    assert ore(accrued(movements, D(2025, 9, 30), D(2025, 10, 31))) == Decimal("141.10")
    assert [(p.start, p.end, p.principal) for p in periods(movements, D(2025, 9, 30), D(2025, 10, 31))] == [
        (D(2025, 10, 1), D(2025, 10, 10), Decimal("20000.00")),
        (D(2025, 10, 11), D(2025, 10, 31), Decimal("15000.00")),
    ]


def test_a_payment_on_the_first_day_of_a_period_still_accrues_that_day():
    # Paid in full on 1 July 2025: 21–30 June at 11 % = 30.1369…, plus 1 July at 10 %:
    # 10 000 × 0.10 / 365 = 2.7397… → 32.88
    movements = [(D(2025, 6, 1), Decimal("10000.00")), (D(2025, 7, 1), Decimal("-10000.00"))]
    assert ore(accrued(movements, D(2025, 6, 20), D(2025, 7, 31))) == Decimal("32.88")
    # Paid the day after the due date: that one day at 11 %: 10 000 × 0.11 / 365 = 3.0136… → 3.01
    movements = [(D(2025, 6, 1), Decimal("10000.00")), (D(2025, 6, 21), Decimal("-10000.00"))]
    assert ore(accrued(movements, D(2025, 6, 20), D(2025, 7, 31))) == Decimal("3.01")


def test_a_year_end_with_the_same_rate_on_both_sides_is_one_period():
    # 16 Dec 2025 – 20 Jan 2026 = 16 + 20 = 36 days, 2025 H2 and 2026 H1 both 2.00 + 8 = 10 %:
    # 10 000 × 0.10 × 36 / 365 = 98.6301… → 98.63
    movements = [(D(2025, 11, 15), Decimal("10000.00"))]
    assert ore(accrued(movements, D(2025, 12, 15), D(2026, 1, 20))) == Decimal("98.63")
    assert [(p.start, p.end, p.days, p.rate) for p in periods(movements, D(2025, 12, 15), D(2026, 1, 20))] == [
        (D(2025, 12, 16), D(2026, 1, 20), 36, Decimal("10.00"))]


def test_a_leap_year_still_divides_by_365():
    # 1–29 Feb 2024 = 29 days at 4.00 + 8 = 12 %: 10 000 × 0.12 × 29 / 365 = 95.3424… → 95.34
    # (÷ 366 would give 95.08.)
    movements = [(D(2024, 1, 2), Decimal("10000.00"))]
    assert ore(accrued(movements, D(2024, 1, 31), D(2024, 2, 29))) == Decimal("95.34")


def test_a_fixed_contractual_rate_ignores_the_reference_rate():
    # 18 % agreed: 21 June – 10 July 2025 = 20 days, no split at 1 July:
    # 5 000 × 0.18 × 20 / 365 = 49.3150… → 49.32
    movements = [(D(2025, 6, 1), Decimal("5000.00"))]
    kwargs = dict(fixed_rate=Decimal("18"))
    assert ore(accrued(movements, D(2025, 6, 20), D(2025, 7, 10), **kwargs)) == Decimal("49.32")
    assert len(periods(movements, D(2025, 6, 20), D(2025, 7, 10), **kwargs)) == 1
    # …and needs no reference rate: 1–10 Jan 2027, 5 000 × 0.18 × 10 / 365 = 24.6575… → 24.66
    assert ore(accrued(movements, D(2026, 12, 31), D(2027, 1, 10), **kwargs)) == Decimal("24.66")


def test_nothing_accrues_up_to_the_due_date():
    movements = [(D(2025, 6, 1), Decimal("10000.00"))]
    assert accrued(movements, D(2025, 6, 20), D(2025, 6, 20)) == Decimal(0)
    assert accrued(movements, D(2025, 6, 20), D(2025, 6, 1)) == Decimal(0)
    assert periods(movements, D(2025, 6, 20), D(2025, 6, 19)) == []


def test_rate_changes_give_one_period_each_and_equal_rates_merge():
    # 2023 H1 12.50 %, 2023 H2 11.50 %, 2024 12.00 % (both halves), 2025 H1 11.00 %,
    # 2025 H2 – 2026 H2 10.00 % (three halves).
    movements = [(D(2022, 12, 1), Decimal("1000.00"))]
    assert [(p.start, p.rate) for p in periods(movements, D(2022, 12, 31), D(2026, 12, 31))] == [
        (D(2023, 1, 1), Decimal("10.50")), (D(2023, 7, 1), Decimal("11.50")), (D(2024, 1, 1), Decimal("12.00")),
        (D(2025, 1, 1), Decimal("11.00")), (D(2025, 7, 1), Decimal("10.00"))]


def test_a_half_year_without_a_rate_is_an_error_that_names_it():
    movements = [(D(2026, 12, 1), Decimal("10000.00"))]
    with pytest.raises(MissingReferenceRate, match="2027 H1") as raised:
        accrued(movements, D(2026, 12, 20), D(2027, 1, 5))
    assert raised.value.half_year_start == D(2027, 1, 1)
    assert "2027-01-01" in str(raised.value)
    # A claim paid off before 2027 needs no 2027 rate, however late `until` is.
    paid = [*movements, (D(2026, 12, 28), Decimal("-10000.00"))]
    assert accrued(paid, D(2026, 12, 20), D(2027, 3, 1)) > 0


def test_a_reference_rate_starts_a_half_year():
    with pytest.raises(ValueError):
        ReferenceRates(((D(2025, 3, 1), Decimal("3.00")),))


@st.composite
def claims(draw):
    first, last = D(2023, 1, 1), D(2026, 12, 31)
    due = draw(st.dates(first, last))
    until = draw(st.dates(due, last))
    split = draw(st.dates(due, until))
    movements = draw(st.lists(st.tuples(
        st.dates(D(2022, 12, 1), last),
        st.integers(-5_000_000, 10_000_000).map(lambda ore_: Decimal(ore_) / 100)), max_size=8))
    return movements, due, split, until


@given(claims())
def test_interest_is_additive_over_any_split(claim):
    movements, due, split, until = claim
    whole = accrued(movements, due, until)
    parts = accrued(movements, due, split) + accrued(movements, split, until)
    # Decimal divides to 28 significant digits, so the two sides may differ in the last
    # digit of a division — far below one öre, never more.
    assert abs(whole - parts) < Decimal("1e-15")
