"""Payments as a CSV file (a creditor's own export): `ocr_reference, amount, paid_on, payer`.

Optional: `bank_reference` (the bank's own reference of the payment, also accepted as
`reference`): when a row has one, it and the date are the payment's identity, as in a
bank file; without one, a re-sent file is recognised by its rows' values
(`payments.duplicates`). `currency` (default SEK).

Same reading rules as a ledger file (`,` or `;`, UTF-8 or Windows-1252, Swedish amounts,
ISO dates). A bad row refuses the whole file, naming row, column and reason, as a
BgMax file that does not add up is refused. Amounts are bounded by `parse_amount`
(MAX_AMOUNT); a payment dated after `today` is refused.
"""
import csv
import datetime
import re

from core.errors import ValidationError
from core.money import parse_amount
from core.tables import csv_reader, decode_text

from . import ParsedFile, ParsedPayment, PaymentFileError, checked_date, is_currency_code

COLUMNS = {"ocr_reference": ("ocr_reference", "ocr", "ocr_referens"), "amount": ("amount", "belopp"),
           "paid_on": ("paid_on", "betaldatum", "betalningsdatum"), "payer": ("payer", "betalare"),
           "reference": ("bank_reference", "bankreferens", "reference", "referens"), "currency": ("currency", "valuta")}
REQUIRED = ("ocr_reference", "amount", "paid_on")
_DATE = re.compile(r"[0-9]{4}-?[0-9]{2}-?[0-9]{2}")  # YYYY-MM-DD or YYYYMMDD, ASCII digits


def parse_payment_csv(data: bytes, *, today: datetime.date | None = None) -> ParsedFile:
    """The file's payments, or PaymentFileError naming the first bad row (`record`, its line).

    `today`: a payment dated after it is refused."""
    try:
        text, _encoding = decode_text(data)
    except ValidationError as exc:  # a UTF-8 byte-order mark, then something else
        raise PaymentFileError(exc.message) from None
    if "\x00" in text:  # no text holds one, and PostgreSQL stores none
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise PaymentFileError("a NUL character (0x00): the file is not CSV text", record=line)
    reader = csv_reader(text)
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
        positions = {field: next((header.index(name) for name in names if name in header), None)
                     for field, names in COLUMNS.items()}  # the first name wins: bank_reference over reference
        missing = [field for field in REQUIRED if positions[field] is None]
        if missing:
            raise PaymentFileError(f"the CSV header lacks {', '.join(missing)} (it needs ocr_reference, amount, "
                                   f"paid_on and may have payer, bank_reference, currency)", record=1)
        payments = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            payments.append(_payment(reader.line_num, values, positions, today))
    except csv.Error as exc:
        raise PaymentFileError(f"the CSV cannot be read ({exc})", record=reader.line_num) from None
    return ParsedFile(format="csv", created_at=None, test_file=False, payments=tuple(payments))


def _payment(row: int, values: list[str], positions: dict, today: datetime.date | None) -> ParsedPayment:
    def value(field: str) -> str:
        index = positions[field]
        return values[index].strip() if index is not None and index < len(values) else ""

    try:
        amount = parse_amount(value("amount"))
    except ValueError as exc:
        raise PaymentFileError(f"amount: {exc}", record=row) from None
    if amount <= 0:
        raise PaymentFileError(f"amount: a payment must be positive, not {value('amount')!r}", record=row)
    paid_on = checked_date(_date(value("paid_on"), row), today=today, field="paid_on:", record=row)
    currency = (value("currency") or "SEK").upper()
    if not is_currency_code(currency):
        raise PaymentFileError(f"currency: {value('currency')[:40]!r} is not a three-letter currency code", record=row)
    ocr = value("ocr_reference").replace(" ", "")
    is_ocr = ocr.isascii() and ocr.isdigit()
    return ParsedPayment(
        record=row, amount=amount, currency=currency, paid_on=paid_on,
        ocr_reference=ocr if is_ocr else "", reference=value("reference"),
        free_text="" if is_ocr else value("ocr_reference"), payer=value("payer"), payer_address="",
        payer_org_number="", sender_bankgiro="", receiver_account="", extra_references=())


def _date(text: str, row: int) -> datetime.date:
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise PaymentFileError(f"paid_on: {text[:40]!r} is not a date (YYYY-MM-DD)", record=row) from None
