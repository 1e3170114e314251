"""Incoming payment files, read into plain dataclasses: bytes in, `ParsedFile` out.

Design
------
The bank tells us about money received in one of three file formats:

- **BgMax** (`bgmax.py`): Bankgirot's fixed-width file of bankgiro payments with OCR
  references, sections of payments each closed by a deposit record.
- **camt.054** (`camt054.py`): the ISO 20022 credit notification banks send as XML.
- **CSV**: Fordra's own simple format for payments reported by hand. It is detected here
  but parsed by the import service (`payments.files.csv_file`), not by `parse`.

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

from . import bgmax, camt054
from .records import (  # noqa: F401 - the package's public names
    EARLIEST_DATE,
    FORMATS,
    PARSED_FORMATS,
    ExtraReference,
    ParsedDeposit,
    ParsedFile,
    ParsedPayment,
    PaymentFileError,
    checked_amount,
    checked_date,
    is_currency_code,
)

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
        return bgmax.parse(data, today=today)
    if chosen == "camt054":
        return camt054.parse(data, today=today)
    raise ValueError(
        f"parse() reads {' and '.join(PARSED_FORMATS)} files, not {chosen!r}; "
        "CSV payment files are parsed by the import service"
    )
