"""OCR references: Bankgirot's length and check digits."""
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from cases.ocr import _check_digit, is_valid_ocr_reference, ocr_reference


@given(st.integers(min_value=0, max_value=10**20))
def test_every_reference_is_valid_and_its_check_digit_is_luhns(number):
    reference = ocr_reference(number)
    assert is_valid_ocr_reference(reference)
    assert _check_digit(reference[:-1]) == luhn.calc_check_digit(reference[:-1])


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=9))
def test_a_changed_check_or_length_digit_is_refused(number, change):
    reference = ocr_reference(number)
    for position in (-1, -2):
        digits = list(reference)
        digits[position] = str((int(digits[position]) + change) % 10)
        assert not is_valid_ocr_reference("".join(digits))


@given(st.text(alphabet="0123456789", min_size=2, max_size=25))
def test_any_digits_are_valid_exactly_when_length_and_luhn_say_so(digits):
    expected = int(digits[-2]) == len(digits) % 10 and luhn.is_valid(digits)
    assert is_valid_ocr_reference(digits) == expected
