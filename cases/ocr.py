"""Bankgirot OCR references: digits, then a length digit, then a Luhn (mod 10) check digit.

The length digit is the reference's total length (with both digits) modulo 10; the check
digit covers everything before it. Bankgirot accepts 2–25 digits.
"""
MIN_BASE_DIGITS = 6


def ocr_reference(number: int) -> str:
    """The OCR reference for a serial number (an invoice's id)."""
    base = str(number).zfill(MIN_BASE_DIGITS)
    with_length = base + str((len(base) + 2) % 10)
    return with_length + _check_digit(with_length)


def _check_digit(digits: str) -> str:
    """Luhn's check digit (what `stdnum.luhn.calc_check_digit` gives, in a third of the time:
    a ledger import numbers every new case, a payment file checks every reference)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str(-total % 10)


def is_valid_ocr_reference(reference: str) -> bool:
    """True for a reference with a right length digit and check digit."""
    if not reference.isdigit() or not 2 <= len(reference) <= 25:
        return False
    return int(reference[-2]) == len(reference) % 10 and _check_digit(reference[:-1]) == reference[-1]
