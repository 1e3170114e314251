"""parse_amount reads what a person wrote and nothing else, within ±MAX_AMOUNT (issue #16)."""
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.money import MAX_AMOUNT, MAX_CLAIM_AMOUNT, check_amount, format_sek, parse_amount


@pytest.mark.parametrize("text, reason", [
    ("1000000000000", "beyond 999\u00a0999\u00a0999\u00a0999,99"),
    ("-1000000000000,00", "beyond"),
    ("999999999999.999", "beyond"),
    ("1" * 400, "beyond"),
    ("1e27", "exponent"), ("1e400", "exponent"), ("1E5", "exponent"), ("-2,5e3", "exponent"),
    ("NaN", "not an amount"), ("-Infinity", "not an amount"), ("sNaN", "not an amount"), ("inf", "not an amount"),
    ("١٢٣", "digits 0-9"), ("１２３", "digits 0-9"), ("12३", "digits 0-9"),
    ("1_000", "not an amount"), ("1_000,50", "not an amount"),
    ("1-00", "not an amount"), ("100-", "not an amount"), ("--100", "not an amount"), ("+-1", "not an amount"),
    ("1,2,3", "not an amount"), ("−100", "not an amount"), (".", "not an amount"), ("-", "not an amount"),
])
def test_hostile_amounts_are_refused_with_the_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_amount(text)


@pytest.mark.parametrize("text, expected", [
    ("999 999 999 999,99", MAX_AMOUNT), ("-999\u00a0999\u00a0999\u00a0999,99", -MAX_AMOUNT),
    ("-60,00", Decimal("-60.00")), ("+5", Decimal("5.00")), ("- 5", Decimal("-5.00")), ("1.500", Decimal("1.50")),
    ("0001,5", Decimal("1.50")), (",5", Decimal("0.50")), ("7.", Decimal("7.00")),
])
def test_the_bound_itself_and_todays_forms_are_read(text, expected):
    assert parse_amount(text) == expected


def test_a_claim_is_bounded_lower_to_leave_room_for_fees_and_interest():
    assert parse_amount("999 999 999,99", limit=MAX_CLAIM_AMOUNT) == MAX_CLAIM_AMOUNT
    with pytest.raises(ValueError, match="beyond 999\u00a0999\u00a0999,99, the largest amount taken here"):
        parse_amount("1 000 000 000,00", limit=MAX_CLAIM_AMOUNT)
    with pytest.raises(ValueError, match="beyond 999\u00a0999\u00a0999\u00a0999,99, the largest amount Fordra holds"):
        parse_amount("1000000000000", limit=Decimal("1e20"))  # never above what a column holds


def test_a_long_text_is_cut_short_in_the_message():
    with pytest.raises(ValueError) as refused:
        parse_amount("x" * 100_000)
    assert len(str(refused.value)) < 100


def test_check_amount_bounds_computed_amounts():
    assert check_amount(MAX_AMOUNT) == MAX_AMOUNT and check_amount(-MAX_AMOUNT) == -MAX_AMOUNT
    for value in (MAX_AMOUNT + Decimal("0.01"), Decimal("-1e13"), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValueError, match="largest amount"):
            check_amount(value)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(
    st.text(),
    st.text(alphabet="0123456789 ,.-+eE_\u00a0\u202f١１", max_size=30),
    st.from_regex(r"\A-?[0-9]{1,20}([.,][0-9]{0,4})?\Z"),
))
def test_any_text_is_a_bounded_amount_in_ore_or_a_value_error(text):
    try:
        value = parse_amount(text)
    except ValueError:
        return
    assert isinstance(value, Decimal) and value.is_finite()
    assert -MAX_AMOUNT <= value <= MAX_AMOUNT
    assert value == value.quantize(Decimal("0.01")) and value.as_tuple().exponent == -2


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2),
       st.sampled_from(["sek", "plain", "dot"]))
def test_swedish_forms_round_trip(value, form):
    text = {"sek": format_sek(value), "plain": f"{value:f}".replace(".", ","), "dot": f"{value:f}"}[form]
    assert parse_amount(text) == value
    assert parse_amount(text.replace("\u00a0", " ")) == value
