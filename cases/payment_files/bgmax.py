"""BgMax: Bankgirot's file of incoming bankgiro payments.

A file is 80-character ISO-8859-1 records, each opening with its two-digit type (TK):

    01 start   (05 opening  (20 payment | 21 deduction  [22 23 25 26 27 28 29]*)*  15 deposit)*  70 end

Field positions below are 1-based and inclusive, as in Bankgirot's technical manual, and
were checked against Bankgirot's own example files (shared/data/bgmax). Amounts are öre.
The file is checked against itself — each deposit's amount and payment count, the end
record's counts, the record order — and rejected whole on the first contradiction. An
amount field holds 18 digits of öre; one beyond MAX_AMOUNT (core.money) is refused.
"""
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from cases.payment_files import (ExtraReference, ParsedDeposit, ParsedFile, ParsedPayment, PaymentFileError,
                                 checked_amount, checked_date, is_currency_code)
from core.money import format_sek

RECORD_LENGTH = 80
ENCODING = "iso-8859-1"
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_PAYMENT_TYPES = {"20": "payment record TK20", "21": "deduction record TK21"}
_DETAIL_TYPES = {"22", "23", "25", "26", "27", "28", "29"}
_KNOWN_TYPES = {"01", "05", "15", "70", *_PAYMENT_TYPES, *_DETAIL_TYPES}


def field_at(record: str, first: int, last: int) -> str:
    """The manual's positions `first`–`last` (1-based, inclusive) of a record."""
    return record[first - 1:last]


@dataclass
class _Payment:
    """A TK20/TK21 and the detail records after it, until its deposit gives it a date."""

    record: int
    text: str
    details: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class _Section:
    record: int
    receiver_bankgiro: str
    payments: list[_Payment] = field(default_factory=list)


@dataclass
class _Reader:
    """Walks the records once, enforcing their order; sections become payments at their TK15."""

    today: datetime.date | None = None
    created_at: datetime.datetime | None = None
    test_file: bool = False
    section: _Section | None = None
    payments: list[ParsedPayment] = field(default_factory=list)
    deposits: list[ParsedDeposit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"20": 0, "21": 0, "22": 0, "23": 0, "15": 0})
    serials: dict[str, int] = field(default_factory=dict)
    ended: bool = False

    def read(self, number: int, record: str) -> None:
        kind = record[:2]
        if self.ended:
            raise PaymentFileError("data after the end record TK70", record=number)
        if (number == 1) != (kind == "01"):
            reason = "the file does not start with a start record TK01" if number == 1 else "a second start record TK01"
            raise PaymentFileError(reason, record=number)
        if kind not in _KNOWN_TYPES:
            raise PaymentFileError(f"unknown record type {kind!r}", record=number)
        if kind in self.counts:
            self.counts[kind] += 1
        getattr(self, f"_tk{kind}" if kind not in _DETAIL_TYPES else "_detail")(number, record)

    def _tk01(self, number: int, record: str) -> None:
        if field_at(record, 3, 22).strip() != "BGMAX":
            raise PaymentFileError("the start record TK01 does not name the layout BGMAX", record=number)
        self.created_at = _timestamp(field_at(record, 25, 44), number)
        checked_date(self.created_at.date(), today=self.today, field="creation time", record=number)
        marker = field_at(record, 45, 45)
        if marker not in ("T", "P"):
            raise PaymentFileError(f"test marker {marker!r} is neither T (test) nor P (production)", record=number)
        self.test_file = marker == "T"

    def _tk05(self, number: int, record: str) -> None:
        if self.section is not None:
            raise PaymentFileError(
                f"opening record TK05 before the section opened in record {self.section.record} "
                "was closed by a deposit record TK15", record=number)
        bankgiro = field_at(record, 3, 12)
        _digits(bankgiro, "receiving bankgiro number", number)
        self.section = _Section(number, bankgiro.lstrip("0"))

    def _tk20(self, number: int, record: str) -> None:
        if self.section is None:
            raise PaymentFileError(f"{_PAYMENT_TYPES[record[:2]]} outside a section (no opening record TK05 before it)",
                                   record=number)
        _ore(field_at(record, 38, 55), number)
        serial = field_at(record, 58, 69)
        if serial in self.serials:
            # Re-imports are recognised by the serial number: a second payment with the
            # same one would be taken for a duplicate and vanish.
            raise PaymentFileError(f"Bankgirot serial number {serial} was already given to record "
                                   f"{self.serials[serial]}", record=number)
        self.serials[serial] = number
        self.section.payments.append(_Payment(number, record))

    _tk21 = _tk20

    def _detail(self, number: int, record: str) -> None:
        if self.section is None or not self.section.payments:
            raise PaymentFileError(f"record type {record[:2]} does not follow a payment or deduction record",
                                   record=number)
        if record[:2] in ("22", "23"):
            _ore(field_at(record, 38, 55), number)
        self.section.payments[-1].details.append((number, record))

    def _tk15(self, number: int, record: str) -> None:
        if self.section is None:
            raise PaymentFileError("deposit record TK15 without an opening record TK05", record=number)
        deposit = _deposit(number, record, self.section, self.today)
        _check_deposit(deposit, self.section)
        self.deposits.append(deposit)
        self.payments.extend(_payment(p, deposit) for p in self.section.payments)
        self.section = None

    def _tk70(self, number: int, record: str) -> None:
        if self.section is not None:
            raise PaymentFileError(
                f"end record TK70 before the section opened in record {self.section.record} "
                "was closed by a deposit record TK15", record=number)
        self.ended = True
        stated = [_digits(field_at(record, first, first + 7), "count", number) for first in (3, 11, 19, 27)]
        found = [self.counts["20"], self.counts["21"], self.counts["22"] + self.counts["23"], self.counts["15"]]
        names = ["payment records (TK20)", "deduction records (TK21)",
                 "extra reference records (TK22/TK23)", "deposit records (TK15)"]
        for said, held, name in zip(stated, found, names):
            if said != held:
                raise PaymentFileError(f"the end record counts {said} {name} but the file holds {held}", record=number)


def parse(data: bytes, *, today: datetime.date | None = None) -> ParsedFile:
    """Read a whole BgMax file, or raise PaymentFileError naming the first bad record.

    `today`: a deposit (its payments' date) or a file dated after it is refused."""
    records = split_records(data)
    reader = _Reader(today=today)
    for number, record in enumerate(records, start=1):
        reader.read(number, record)
    if not reader.ended:
        raise PaymentFileError(f"the file ends after record {len(records)} without an end record TK70")
    return ParsedFile(format="bgmax", created_at=reader.created_at, test_file=reader.test_file,
                      payments=tuple(reader.payments), deposits=tuple(reader.deposits))


def split_records(data: bytes) -> list[str]:
    """The file's records, each padded back to 80 characters.

    Bankgirot sends records back to back; files that passed through other hands have LF or
    CRLF after each record and lose trailing blanks, which carry no data in BgMax.
    """
    text = data.decode(ENCODING)
    if not text.strip():
        raise PaymentFileError("the file is empty")
    if "\n" in text or "\r" in text:
        lines = _LINE_BREAK.split(text)
        while lines and not lines[-1].strip():
            lines.pop()
    else:
        lines = [text[start:start + RECORD_LENGTH] for start in range(0, len(text), RECORD_LENGTH)]
    records = []
    for number, line in enumerate(lines, start=1):
        line = line.rstrip(" ")
        if not line:
            raise PaymentFileError("empty line", record=number)
        if "\x00" in line:  # no text holds one, and PostgreSQL stores none
            raise PaymentFileError("a NUL character (0x00) in the record: not BgMax text", record=number)
        if len(line) > RECORD_LENGTH:
            raise PaymentFileError(f"record is {len(line)} characters long, BgMax records are {RECORD_LENGTH}",
                                   record=number)
        records.append(line.ljust(RECORD_LENGTH))
    return records


def _digits(text: str, what: str, number: int) -> int:
    if not text.isascii() or not text.isdigit():
        raise PaymentFileError(f"{what} {text.strip()!r} is not a number", record=number)
    return int(text)


def _ore(text: str, number: int, what: str = "amount") -> Decimal:
    """An amount field of öre, as kronor; refused beyond MAX_AMOUNT, which no money column holds."""
    return checked_amount(Decimal(_digits(text, what, number)).scaleb(-2), field=what, record=number)


def _timestamp(text: str, number: int) -> datetime.datetime:
    try:
        _digits(text, "timestamp", number)
        return datetime.datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(microsecond=int(text[14:20]))
    except (PaymentFileError, ValueError):
        raise PaymentFileError(f"invalid timestamp {text!r}", record=number) from None


def _date(text: str, number: int) -> datetime.date:
    try:
        _digits(text, "date", number)
        return datetime.datetime.strptime(text, "%Y%m%d").date()
    except (PaymentFileError, ValueError):
        raise PaymentFileError(f"invalid payment date {text!r}", record=number) from None


def _deposit(number: int, record: str, section: _Section, today: datetime.date | None) -> ParsedDeposit:
    currency = field_at(record, 69, 71)
    if not is_currency_code(currency):
        raise PaymentFileError(f"currency {currency.strip()!r} is not a three-letter currency code", record=number)
    return ParsedDeposit(
        record=number,
        receiver_account=section.receiver_bankgiro,
        paid_on=checked_date(_date(field_at(record, 38, 45), number), today=today, field="payment date", record=number),
        amount=Decimal(_digits(field_at(record, 51, 68), "deposit amount", number)).scaleb(-2),
        currency=currency,
        payment_count=_digits(field_at(record, 72, 79), "payment count", number),
        reference=field_at(record, 46, 50).strip(),
        bank_account=field_at(record, 3, 37).strip().lstrip("0"),
    )


def _signed_amount(payment: _Payment) -> Decimal:
    amount = _ore(field_at(payment.text, 38, 55), payment.record)
    return -amount if payment.text[:2] == "21" else amount


def _check_deposit(deposit: ParsedDeposit, section: _Section) -> None:
    """A deposit states what its section must add up to; a mismatch means a corrupt file."""
    held = len(section.payments)
    if deposit.payment_count != held:
        raise PaymentFileError(
            f"deposit counts {deposit.payment_count} payments but its section (from record {section.record}) "
            f"holds {held} payment and deduction records (TK20/TK21)", record=deposit.record)
    total = sum((_signed_amount(p) for p in section.payments), Decimal("0.00"))
    if deposit.amount != total:
        raise PaymentFileError(
            f"deposit amount {format_sek(deposit.amount)} kr does not equal the sum of its payments "
            f"{format_sek(total)} kr (records {section.record}–{deposit.record})", record=deposit.record)


def _payment(payment: _Payment, deposit: ParsedDeposit) -> ParsedPayment:
    text = payment.text
    reference = field_at(text, 13, 37).strip()
    is_ocr = reference.isascii() and reference.isdigit()
    details = _details(payment)
    return ParsedPayment(
        record=payment.record,
        amount=_signed_amount(payment),
        currency=deposit.currency,
        paid_on=deposit.paid_on,
        ocr_reference=reference if is_ocr else "",
        reference=field_at(text, 58, 69),
        free_text=" ".join(part for part in ["" if is_ocr else reference, *details["25"]] if part),
        payer=" ".join(details["26"]),
        payer_address=_address(details["27"], details["28"]),
        payer_org_number=" ".join(details["29"]),
        sender_bankgiro=_bankgiro(field_at(text, 3, 12)),
        receiver_account=deposit.receiver_account,
        extra_references=tuple(extra.reference for extra in details["extra"]),
        reference_code=field_at(text, 56, 56),
        extra_reference_details=tuple(details["extra"]),
        deposit_record=deposit.record,
    )


def _details(payment: _Payment) -> dict[str, list]:
    """The detail records of one payment, by type, as the texts a person would read."""
    found: dict[str, list] = {"25": [], "26": [], "27": [], "28": [], "29": [], "extra": []}
    for number, record in payment.details:
        kind = record[:2]
        if kind in ("22", "23"):
            amount = _ore(field_at(record, 38, 55), number)
            found["extra"].append(ExtraReference(
                record=number, reference=field_at(record, 13, 37).strip(),
                amount=-amount if kind == "23" else amount, reference_code=field_at(record, 56, 56)))
        else:
            found[kind].append(_detail_text(kind, record))
    for kind in ("25", "26", "29"):
        found[kind] = [text for text in found[kind] if text]
    return found


def _detail_text(kind: str, record: str) -> str | tuple[str, str]:
    if kind == "25":  # information text
        return field_at(record, 3, 52).strip()
    if kind == "26":  # name, extra name
        return _join(" ", field_at(record, 3, 37), field_at(record, 38, 72))
    if kind == "27":  # street address, postcode
        return field_at(record, 3, 37).strip(), field_at(record, 38, 46).strip()
    if kind == "28":  # town, country (the two-letter country code at 73–74 adds nothing)
        return field_at(record, 3, 37).strip(), field_at(record, 38, 72).strip()
    return field_at(record, 3, 14).strip()  # 29: organisation or personal identity number


def _address(lines_27: list[tuple[str, str]], lines_28: list[tuple[str, str]]) -> str:
    """`Storgatan 2, 12345 Storåker`: street, then postcode and town as on an envelope."""
    street, postcode = lines_27[0] if lines_27 else ("", "")
    town, country = lines_28[0] if lines_28 else ("", "")
    return _join(", ", street, _join(" ", postcode, town), country)


def _join(separator: str, *parts: str) -> str:
    return separator.join(part.strip() for part in parts if part.strip())


def _bankgiro(text: str) -> str:
    """A bankgiro number as digits without the file's zero padding; "" when none was given."""
    stripped = text.strip()
    return stripped.lstrip("0") if stripped.isdigit() else stripped
