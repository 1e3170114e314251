"""Swedish identity numbers and bankgiro numbers: validated, stored in one canonical form.

- personnummer / samordningsnummer (day + 60): canonical `YYYYMMDD-NNNN`.
- organisationsnummer (third digit ≥ 2): canonical `NNNNNN-NNNN`.
- bankgiro: 7 or 8 digits with a Luhn check digit; canonical `NNN-NNNN` / `NNNN-NNNN`.
"""
import datetime
import re
from dataclasses import dataclass

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import orgnr

from .errors import ValidationError

PERSON = "personnummer"
COORDINATION = "samordningsnummer"
ORGANISATION = "organisationsnummer"


@dataclass(frozen=True)
class IdentityNumber:
    kind: str
    canonical: str

    @property
    def masked(self) -> str:
        """Shown where the full number is not needed: the birth date of a person only."""
        if self.kind == ORGANISATION:
            return self.canonical
        return self.canonical[:9] + "****"


def _digits(text: str) -> tuple[str, str]:
    text = (text or "").strip()
    separator = "+" if "+" in text else "-"
    digits = re.sub(r"[\s\-+]", "", text)
    if not digits.isdigit():
        raise ValidationError(f"identity number {text!r} may hold only digits, '-' or '+'")
    return digits, separator


def parse_org_number(text: str) -> str:
    """Validate an organisationsnummer; return `NNNNNN-NNNN`."""
    digits, _ = _digits(text)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if len(digits) != 10:
        raise ValidationError(f"organisation number {text!r} must have 10 digits (NNNNNN-NNNN)")
    try:
        orgnr.validate(digits)
    except StdnumError:
        raise ValidationError(f"organisation number {text!r} has a wrong check digit") from None
    if int(digits[2]) < 2:
        raise ValidationError(f"{text!r} is not an organisation number (its third digit is below 2)")
    return f"{digits[:6]}-{digits[6:]}"


def _birth_date(digits12: str) -> tuple[datetime.date, str]:
    year, month, day = int(digits12[:4]), int(digits12[4:6]), int(digits12[6:8])
    kind = PERSON
    if day > 60:
        day -= 60
        kind = COORDINATION
    return datetime.date(year, month, day), kind


def parse_personal_number(text: str, *, today: datetime.date | None = None) -> IdentityNumber:
    """Validate a personnummer or samordningsnummer; return it as `YYYYMMDD-NNNN`.

    A 10-digit number gets its century from the date, and '+' marks someone aged 100+.
    """
    digits, separator = _digits(text)
    today = today or datetime.date.today()
    if len(digits) == 10:
        century = today.year // 100
        if int(digits[:2]) > today.year % 100:
            century -= 1
        if separator == "+":
            century -= 1
        digits = f"{century}{digits}"
    if len(digits) != 12:
        raise ValidationError(f"personal identity number {text!r} must have 10 or 12 digits")
    try:
        born, kind = _birth_date(digits)
    except ValueError:
        raise ValidationError(f"personal identity number {text!r} does not hold a valid date") from None
    if born > today:
        raise ValidationError(f"personal identity number {text!r} has a birth date in the future")
    if not luhn.is_valid(digits[2:]):
        raise ValidationError(f"personal identity number {text!r} has a wrong check digit")
    return IdentityNumber(kind, f"{digits[:8]}-{digits[8:]}")


def parse_identity_number(text: str) -> IdentityNumber:
    """Any Swedish identity number: an organisation's or a person's, told apart by its digits."""
    digits, _ = _digits(text)
    if (len(digits) == 10 and int(digits[2]) >= 2) or (len(digits) == 12 and digits.startswith("16")):
        return IdentityNumber(ORGANISATION, parse_org_number(text))
    return parse_personal_number(text)


def parse_bankgiro(text: str) -> str:
    """Validate a bankgiro number; return `NNN-NNNN` or `NNNN-NNNN`."""
    digits = re.sub(r"[\s\-]", "", (text or "").strip())
    if not digits.isdigit() or len(digits) not in (7, 8):
        raise ValidationError(f"bankgiro {text!r} must have 7 or 8 digits (NNN-NNNN or NNNN-NNNN)")
    if not luhn.is_valid(digits):
        raise ValidationError(f"bankgiro {text!r} has a wrong check digit")
    return f"{digits[:-4]}-{digits[-4:]}"
