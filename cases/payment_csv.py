"""Payments as a CSV file (a creditor's own export): `ocr_reference, amount, paid_on, payer`.

Same reading rules as a ledger file (`,` or `;`, UTF-8 or Windows-1252, Swedish amounts,
ISO dates). A bad row refuses the whole file, naming row, column and reason, as a
BgMax file that does not add up is refused.
"""
import datetime

from core.money import parse_amount
from creditors.ledger.reading import csv_reader, decode_text

from .payment_files import ParsedFile, ParsedPayment, PaymentFileError

COLUMNS = {"ocr_reference": ("ocr_reference", "ocr", "ocr_referens"), "amount": ("amount", "belopp"),
           "paid_on": ("paid_on", "betaldatum", "betalningsdatum"), "payer": ("payer", "betalare"),
           "reference": ("reference", "referens"), "currency": ("currency", "valuta")}
REQUIRED = ("ocr_reference", "amount", "paid_on")


def parse_payment_csv(data: bytes) -> ParsedFile:
    text, _encoding = decode_text(data)
    reader = csv_reader(text)
    header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    positions = {field: next((i for i, h in enumerate(header) if h in names), None)
                 for field, names in COLUMNS.items()}
    missing = [field for field in REQUIRED if positions[field] is None]
    if missing:
        raise PaymentFileError(f"the CSV header lacks {', '.join(missing)} (it needs ocr_reference, amount, "
                               f"paid_on and may have payer, reference)", record=1)
    payments = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        payments.append(_payment(reader.line_num, values, positions))
    return ParsedFile(format="csv", created_at=None, test_file=False, payments=tuple(payments))


def _payment(row: int, values: list[str], positions: dict) -> ParsedPayment:
    def value(field: str) -> str:
        index = positions[field]
        return values[index].strip() if index is not None and index < len(values) else ""

    try:
        amount = parse_amount(value("amount"))
    except ValueError as exc:
        raise PaymentFileError(f"amount: {exc}", record=row) from None
    if amount <= 0:
        raise PaymentFileError(f"amount: a payment must be positive, not {value('amount')!r}", record=row)
    try:
        paid_on = datetime.date.fromisoformat(value("paid_on"))
    except ValueError:
        raise PaymentFileError(f"paid_on: {value('paid_on')!r} is not a date (YYYY-MM-DD)", record=row) from None
    ocr = value("ocr_reference").replace(" ", "")
    return ParsedPayment(
        record=row, amount=amount, currency=(value("currency") or "SEK").upper(), paid_on=paid_on,
        ocr_reference=ocr if ocr.isdigit() else "", reference=value("reference"),
        free_text="" if ocr.isdigit() else value("ocr_reference"), payer=value("payer"), payer_address="",
        payer_org_number="", sender_bankgiro="", receiver_account="", extra_references=())
