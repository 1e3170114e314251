"""Incoming payment files, read into plain dataclasses: bytes in, `ParsedFile` out.

Design
------
The bank tells us about money received in one of three file formats:

- **BgMax** (`bgmax.py`): Bankgirot's fixed-width file of bankgiro payments with OCR
  references, sections of payments each closed by a deposit record.
- **camt.054** (`camt054.py`): the ISO 20022 credit notification banks send as XML.
- **CSV**: Fordra's own simple format for payments reported by hand. It is detected here
  but parsed by the import service (`cases.payment_csv`), not by `parse`.

These parsers are pure: no ORM, no clock, no settings (the caller passes `today`). Every
amount is within ±MAX_AMOUNT (core.money) and every date between EARLIEST_DATE and today,
or the file is refused at that record. They check a file against itself
(every sum and count the file states about itself) and reject it *whole* with a
`PaymentFileError` naming the record, because a half-read payment file is worse than
none: the rest would have to be found and imported by hand without double-booking.
What the file means for Fordra — whose OCR number, which creditor, already imported? —
is the import service's business; it deduplicates on `ParsedPayment.identity` (by default
the bank's `reference`) with the receiving account and the payment date.
"""
import datetime
import re
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


NOT_A_PAYMENT_FILE = "not a BgMax, camt.054 or CSV payment file"
_BOM = b"\xef\xbb\xbf"


def detect_format(data: bytes) -> str:
    """Return "bgmax", "camt054" or "csv"; raise PaymentFileError for anything else.

    XML is parsed (safely) to read its root, so a malformed or entity-laden XML file is
    reported as such here rather than as "not a payment file".
    """
    if data.startswith(b"01BGMAX"):
        return "bgmax"
    head = data.removeprefix(_BOM).lstrip()
    if head.startswith(b"<"):
        from cases.payment_files import camt054

        root_tag = camt054.root_tag(data)
        if camt054.is_camt054_root(root_tag):
            return "camt054"
        raise PaymentFileError(f"{NOT_A_PAYMENT_FILE} (an XML file whose root is {root_tag})")
    if _looks_like_csv(head):
        return "csv"
    raise PaymentFileError(NOT_A_PAYMENT_FILE)


def _looks_like_csv(head: bytes) -> bool:
    """Text whose first line is a header with an `ocr_reference` column."""
    if not head or b"\x00" in head[:4096]:
        return False
    first_line = head.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    columns = (column.strip().strip('"').strip().lower() for column in re.split(r"[,;\t]", first_line))
    return "ocr_reference" in columns


def parse(data: bytes, format: str | None = None, *, today: datetime.date | None = None) -> ParsedFile:
    """Read a BgMax or camt.054 file; `format` skips detection when the caller knows it.

    `today` (the caller's clock: these parsers read none) refuses payments dated after it.
    CSV files are detected by `detect_format` but parsed by the import service, so a caller
    routes them there first; asking this function for any other format is a programming
    error (ValueError), not a user's mistake.
    """
    chosen = format or detect_format(data)
    if chosen == "bgmax":
        from cases.payment_files import bgmax

        return bgmax.parse(data, today=today)
    if chosen == "camt054":
        from cases.payment_files import camt054

        return camt054.parse(data, today=today)
    raise ValueError(
        f"parse() reads {' and '.join(PARSED_FORMATS)} files, not {chosen!r}; "
        "CSV payment files are parsed by the import service"
    )
