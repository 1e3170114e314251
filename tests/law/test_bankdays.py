"""Bank days against a hand-written calendar (lag (1930:173) om beräkning av lagstadgad tid).

The list below is written out by hand, not derived from the `holidays` package, so the test
catches a package release that adds, drops or moves a day — and catches the three eves
(midsommarafton, julafton, nyårsafton), which the package does not list as public holidays.
"""
import datetime

import pytest

from law.bankdays import add_bank_days, is_bank_day, next_bank_day

D = datetime.date

# Every weekday of 2025–2027 that is not a bank day. Public holidays that fall on a weekend
# (midsommardagen and alla helgons dag always; nationaldagen 2026 and 2027, första maj 2027,
# juldagen 2027, annandag jul 2026 and 2027) are left out: the weekend covers them.
NON_BANK_WEEKDAYS = {
    # 2025 (Easter Sunday 20 April)
    D(2025, 1, 1),    # nyårsdagen (Wed)
    D(2025, 1, 6),    # trettondedag jul (Mon)
    D(2025, 4, 18),   # långfredagen
    D(2025, 4, 21),   # annandag påsk
    D(2025, 5, 1),    # första maj (Thu)
    D(2025, 5, 29),   # Kristi himmelsfärdsdag (Easter + 39)
    D(2025, 6, 6),    # nationaldagen (Fri)
    D(2025, 6, 20),   # midsommarafton (the Friday 19–25 June)
    D(2025, 12, 24),  # julafton (Wed)
    D(2025, 12, 25),  # juldagen
    D(2025, 12, 26),  # annandag jul
    D(2025, 12, 31),  # nyårsafton (Wed)
    # 2026 (Easter Sunday 5 April)
    D(2026, 1, 1),    # nyårsdagen (Thu)
    D(2026, 1, 6),    # trettondedag jul (Tue)
    D(2026, 4, 3),    # långfredagen
    D(2026, 4, 6),    # annandag påsk
    D(2026, 5, 1),    # första maj (Fri)
    D(2026, 5, 14),   # Kristi himmelsfärdsdag
    D(2026, 6, 19),   # midsommarafton
    D(2026, 12, 24),  # julafton (Thu)
    D(2026, 12, 25),  # juldagen (Fri)
    D(2026, 12, 31),  # nyårsafton (Thu)
    # 2027 (Easter Sunday 28 March)
    D(2027, 1, 1),    # nyårsdagen (Fri)
    D(2027, 1, 6),    # trettondedag jul (Wed)
    D(2027, 3, 26),   # långfredagen
    D(2027, 3, 29),   # annandag påsk
    D(2027, 5, 6),    # Kristi himmelsfärdsdag
    D(2027, 6, 25),   # midsommarafton
    D(2027, 12, 24),  # julafton (Fri)
    D(2027, 12, 31),  # nyårsafton (Fri)
}


def test_the_hand_written_list_holds_weekdays_only():
    assert all(day.weekday() < 5 for day in NON_BANK_WEEKDAYS)


def test_bank_days_2025_to_2027_are_the_weekdays_off_the_list():
    day, wrong = D(2025, 1, 1), []
    while day <= D(2027, 12, 31):
        expected = day.weekday() < 5 and day not in NON_BANK_WEEKDAYS
        if is_bank_day(day) != expected:
            wrong.append((day, day.strftime("%a"), expected))
        day += datetime.timedelta(days=1)
    assert wrong == []


@pytest.mark.parametrize("day, expected", [
    (D(2026, 4, 7), D(2026, 4, 7)),    # a bank day is its own next bank day
    (D(2026, 4, 3), D(2026, 4, 7)),    # långfredagen → past Easter weekend and annandag påsk
    (D(2026, 6, 19), D(2026, 6, 22)),  # midsommarafton → Monday
    (D(2026, 12, 24), D(2026, 12, 28)),
    (D(2026, 12, 31), D(2027, 1, 4)),  # nyårsafton, nyårsdagen, the weekend
    (D(2027, 1, 2), D(2027, 1, 4)),
])
def test_next_bank_day(day, expected):
    assert next_bank_day(day) == expected


@pytest.mark.parametrize("day, n, expected", [
    (D(2026, 4, 2), 0, D(2026, 4, 2)),    # n = 0 on a bank day: the day itself
    (D(2026, 4, 3), 0, D(2026, 4, 7)),    # n = 0 on a holiday: the next bank day
    (D(2026, 4, 2), 1, D(2026, 4, 7)),    # skärtorsdagen + 1 skips Easter
    (D(2026, 4, 3), 1, D(2026, 4, 7)),    # counted from a holiday: the first bank day after it
    (D(2026, 4, 3), 2, D(2026, 4, 8)),
    (D(2026, 6, 18), 1, D(2026, 6, 22)),  # over midsommarafton and the weekend
])
def test_add_bank_days(day, n, expected):
    assert add_bank_days(day, n) == expected


def test_add_bank_days_counts_bank_days_only():
    # From Wed 23 Dec 2026: 28, 29, 30 Dec are bank days 1–3; 31 Dec, 1 Jan and the weekend
    # are not; Mon 4 Jan 2027 is bank day 4 and Tue 5 Jan bank day 5 (6 Jan is trettondedag).
    assert [add_bank_days(D(2026, 12, 23), n) for n in range(1, 7)] == [
        D(2026, 12, 28), D(2026, 12, 29), D(2026, 12, 30), D(2027, 1, 4), D(2027, 1, 5), D(2027, 1, 7)]


def test_add_bank_days_refuses_a_negative_count():
    with pytest.raises(ValueError):
        add_bank_days(D(2026, 1, 2), -1)
