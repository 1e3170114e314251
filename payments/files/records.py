"""What a payment file says, as Fordra reads it: the parsed records every format yields, and
the checks each parser applies to an amount, a date and a currency."""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from core.errors import ValidationError
from core.money import MAX_AMOUNT, format_sek

FORMATS = ("bgmax", "camt054", "csv")
PARSED_FORMATS = ("bgmax", "camt054")
# Older than any electronic payment file Fordra reads: a date before it is a corrupt field,
# and a date near year 1 would fail later, when a day is subtracted from it.
EARLIEST_DATE = datetime.date(1990, 1, 1)


@dataclass(frozen=True)
class ExtraReference:
    """One more reference the payer gave (BgMax TK22, or TK23 with a negative amount).

    With Bankgirot's extended form registration a payment can name several invoices, each
    with its own amount; the amounts are 0 when the payer gave references only.
    """

    record: int
    reference: str
    amount: Decimal
    reference_code: str


@dataclass(frozen=True)
class ParsedPayment:
    record: int              # 1-based: BgMax record number of the TK20/TK21; camt entry ordinal
    amount: Decimal          # 2 decimals; negative for a BgMax deduction (TK21)
    currency: str
    paid_on: datetime.date
    ocr_reference: str       # digits-only structured reference, check digit NOT validated
    reference: str           # the bank's reference (BgMax: Bankgirot's serial number, which repeats; see `key`)
    free_text: str           # a non-OCR reference and/or information text, for matching by hand
    payer: str
    payer_address: str
    payer_org_number: str
    sender_bankgiro: str
    receiver_account: str
    extra_references: tuple[str, ...] = ()
    reference_code: str = ""  # BgMax TK20 reference code: 0/1 none, 2 OCR, 3 several, 4 one, 5 wrong
    extra_reference_details: tuple[ExtraReference, ...] = ()
    deposit_record: int | None = None  # BgMax: the TK15 that booked it; camt: None
    # What recognises the payment on a second import, with the receiving account and the date,
    # where `reference` alone does not (BgMax: see bgmax.py); "" means `reference`.
    identity: str = ""

    @property
    def key(self) -> str:
        """The payment's identity for "never imported twice" (with account and date)."""
        return self.identity or self.reference


@dataclass(frozen=True)
class ParsedDeposit:
    """A money movement the payments add up to: a BgMax section (TK05…TK15) or a camt notification.

    `amount` and `payment_count` are what the file states (BgMax TK15) or, for camt, the sum
    and number of the payments taken from that notification.
    """

    record: int              # BgMax: the TK15 record; camt: the notification's ordinal
    receiver_account: str
    paid_on: datetime.date | None
    amount: Decimal
    currency: str
    payment_count: int
    reference: str = ""      # BgMax: deposit serial number (TK15); camt: notification Id
    bank_account: str = ""   # BgMax: the bank account the deposit went to (TK15)


@dataclass(frozen=True)
class ParsedFile:
    format: str              # "bgmax" | "camt054"
    created_at: datetime.datetime | None
    test_file: bool          # BgMax TK01 test marker "T"; never true for camt
    payments: tuple[ParsedPayment, ...]
    deposits: tuple[ParsedDeposit, ...] = ()
    notices: tuple[str, ...] = field(default=())  # what was read but deliberately not taken

    @property
    def total(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), Decimal("0.00"))


class PaymentFileError(ValidationError):
    """The file contradicts itself or is not what it claims: nothing in it may be imported.

    `str()` reads "record 14: <reason>" so a user can open the file at that record.
    camt files count entries (or notifications) instead of records, hence `unit`.
    """

    code = "invalid_payment_file"

    def __init__(self, reason: str, *, record: int | None = None, unit: str = "record"):
        message = reason if record is None else f"{unit} {record}: {reason}"
        super().__init__(message, detail={"record": record, "unit": unit, "reason": reason})
        self.reason = reason
        self.record = record
        self.unit = unit


def checked_amount(value: Decimal, *, field: str, record: int | None, unit: str = "record") -> Decimal:
    """`value`, or PaymentFileError when it is beyond ±MAX_AMOUNT (core.money): more than any
    money column holds, so no such payment can be stored."""
    if abs(value) > MAX_AMOUNT:
        raise PaymentFileError(f"{field} {format_sek(value)} is beyond {format_sek(MAX_AMOUNT)}, the largest amount "
                               "Fordra holds", record=record, unit=unit)
    return value


def checked_date(value: datetime.date, *, today: datetime.date | None, field: str, record: int | None,
                 unit: str = "record") -> datetime.date:
    """`value`, or PaymentFileError when it is before EARLIEST_DATE or after `today` (when given):
    money is not received in the future, and a date there is a corrupt or forged file."""
    if value < EARLIEST_DATE:
        raise PaymentFileError(f"{field} {value.isoformat()} is before {EARLIEST_DATE.isoformat()}: not a real "
                               "payment file date", record=record, unit=unit)
    if today is not None and value > today:
        raise PaymentFileError(f"{field} {value.isoformat()} is after today ({today.isoformat()})", record=record,
                               unit=unit)
    return value


def is_currency_code(text: str) -> bool:
    """Three ASCII capitals, as ISO 4217 writes them (a longer one would not fit the column)."""
    return len(text) == 3 and text.isascii() and text.isalpha() and text.isupper()
