from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import format_sek, parse_amount, round_ore


@pytest.mark.parametrize("value, expected", [
    ("0.005", "0.01"), ("0.004", "0.00"), ("-0.005", "-0.01"), ("57.534246", "57.53"), ("2.675", "2.68"),
])
def test_round_ore_is_half_up(value, expected):
    assert round_ore(Decimal(value)) == Decimal(expected)


def test_round_ore_refuses_float():
    with pytest.raises(TypeError):
        round_ore(0.1)


@pytest.mark.parametrize("text, expected", [
    ("1234.50", "1234.50"), ("1234,50", "1234.50"), ("1 234,50", "1234.50"), ("1\u00a0234,50", "1234.50"),
    ("12", "12.00"), ("-60,00", "-60.00"),
])
def test_parse_amount_reads_swedish_formats(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,234.50", "12.345", "NaN", "Infinity", "1e3,5"])
def test_parse_amount_rejects_what_is_not_an_amount(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_format_sek_groups_thousands():
    assert format_sek(Decimal("1234567.5")) == "1\u00a0234\u00a0567,50"
    assert format_sek(Decimal("-60")) == "-60,00"
    assert format_sek(Decimal("0")) == "0,00"
    assert format_sek(Decimal("-0.004")) == format_sek(Decimal("-0.00")) == "0,00"
    assert format_sek(Decimal("-1000.005")) == "-1\u00a0000,01"  # half up, away from zero


@given(st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2))
def test_format_then_parse_round_trips(value):
    assert parse_amount(format_sek(value)) == value
