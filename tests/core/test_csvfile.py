"""The one CSV writer: no text cell a spreadsheet would run as a formula, numbers stay numbers."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core import csvfile

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

texts = st.one_of(st.text(), st.builds(lambda start, rest: start + rest, st.sampled_from(FORMULA_STARTS), st.text()))
numbers = st.one_of(st.integers(), st.decimals(allow_nan=False, allow_infinity=False))
values = st.one_of(texts, numbers, st.dates(), st.datetimes(), st.none(), st.booleans(),
                   st.decimals(allow_nan=True, allow_infinity=True).filter(lambda d: not d.is_finite()))


def written(rows) -> list[list[str]]:
    out = io.StringIO()
    csvfile.Writer(out).writerows(rows)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def is_number(value) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) and not isinstance(value, bool)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(values, min_size=1, max_size=6), max_size=6))
@example([["=HYPERLINK(\"http://x\",\"y\")", "a\rb", "\r=1+1", Decimal("-12.50"), -3, "-12.50"]])
def test_no_cell_starts_a_formula_unless_it_was_given_as_a_number(rows):
    cells = written(rows)
    assert len(cells) == len(rows) and [len(c) for c in cells] == [len(r) for r in rows]
    for row, read_row in zip(rows, cells):
        for value, read in zip(row, read_row):
            if read.startswith(FORMULA_STARTS):
                assert is_number(value), (value, read)
            if is_number(value):
                assert read == str(value)
            elif value is None:
                assert read == ""
            elif isinstance(value, datetime.date):
                assert read == value.isoformat()
            else:
                text = str(value)
                assert read == ("'" + text if text.startswith(FORMULA_STARTS) else text)


def test_numbers_are_written_as_numbers_and_text_that_looks_like_one_is_text():
    assert written([[Decimal("-12.50"), -7, Decimal("1234.50"), "-12.50", "+46 70", "@home", "\tx", 0]]) == [
        ["-12.50", "-7", "1234.50", "'-12.50", "'+46 70", "'@home", "'\tx", "0"]]


def test_dates_are_iso_and_none_is_empty():
    at = datetime.datetime(2026, 11, 23, 5, 30, tzinfo=datetime.timezone.utc)
    assert written([[datetime.date(2026, 11, 23), at, None]]) == [["2026-11-23", "2026-11-23T05:30:00+00:00", ""]]


def test_dict_writer_escapes_and_refuses_an_unknown_field():
    out = io.StringIO()
    rows = csvfile.DictWriter(out, fieldnames=["name", "total"])
    rows.writeheader()
    rows.writerow({"name": "=cmd|' /C calc'!A0", "total": Decimal("-1.00")})
    rows.writerow({"total": 5})
    assert list(csv.DictReader(io.StringIO(out.getvalue(), newline=""))) == [
        {"name": "'=cmd|' /C calc'!A0", "total": "-1.00"}, {"name": "", "total": "5"}]
    with pytest.raises(ValueError, match="not fields of this CSV: city"):
        rows.writerow({"name": "x", "city": "Umeå"})
