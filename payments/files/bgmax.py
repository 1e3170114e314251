"""BgMax: Bankgirot's file of incoming bankgiro payments.

A file is 80-character ISO-8859-1 records, each opening with its two-digit type (TK):

    01 start   (05 opening  (20 payment | 21 deduction  [22 23 25 26 27 28 29]*)*  15 deposit)*  70 end

Field positions below are 1-based and inclusive, as in Bankgirot's technical manual, and
were checked against Bankgirot's own example files (shared/data/bgmax). Amounts are öre.
The file is checked against itself — each deposit's amount and payment count, the end
record's counts, the record order — and rejected whole on the first contradiction. An
amount field holds 18 digits of öre; one beyond MAX_AMOUNT (core.money) is refused.

Every record is checked against its layout too (`_LAYOUTS`): a control character (a TAB
an editor put in for blanks, say), a record longer than 80 characters, or anything but
digits where the manual has a number field, or anything but blanks where it has none,
refuses the file, naming the record, its type and the field. A record shifted by a TAB
would otherwise be read at the wrong positions: a reference of digits that belong to the
amount, an amount of millions. Trailing blanks may be missing (they are put back), as
they carry nothing.

A payment's identity (`ParsedPayment.identity`, what a second import recognises it by) is
not Bankgirot's serial number (BGC-löpnummer) alone: Bankgirot's own example file with an
OCR length check gives two different payments serial 16 in one deposit, and serials are
not unique across deposits. It is the deposit's serial number (TK15, the bank's number
for the deposit on the receiving account) with the payment's serial and its own fields —
record type, sender's bankgiro, reference, amount; the import adds the receiving account
and the payment date. Two records alike in all of these are told apart by their order
(`#2`), which a re-sent copy of the file repeats.
"""
import datetime
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from core.money import format_sek

from .records import (ExtraReference, ParsedDeposit, ParsedFile, ParsedPayment, PaymentFileError, checked_amount,
                      checked_date, is_currency_code)

RECORD_LENGTH = 80
ENCODING = "iso-8859-1"
_LINE_BREAK = re.compile(r"\r\n|\n|\r")
_PAYMENT_TYPES = {"20": "payment record TK20", "21": "deduction record TK21"}
_DETAIL_TYPES = {"22", "23", "25", "26", "27", "28", "29"}
_KNOWN_TYPES = {"01", "05", "15", "70", *_PAYMENT_TYPES, *_DETAIL_TYPES}
RECORD_NAMES = {"01": "start record TK01", "05": "opening record TK05", "20": "payment record TK20",
                "21": "deduction record TK21", "22": "extra reference record TK22",
                "23": "extra reference record TK23", "25": "information record TK25", "26": "name record TK26",
                "27": "address record TK27", "28": "address record TK28", "29": "organisation number record TK29",
                "15": "deposit record TK15", "70": "end record TK70"}
# What each position holds, from the manual: (first, last, kind, name). "N": digits; "n": digits
# or blanks, digits together (numbers some banks left-align: '009701233 '); "B": blanks; a
# string: blank or one of its characters. Text fields (names, references) are not listed.
_PAYMENT_LAYOUT = [(3, 12, "n", "sender's bankgiro number"), (38, 55, "N", "amount"), (56, 56, "N", "reference code"),
                   (57, 57, "N", "payment channel code"), (58, 69, "N", "Bankgirot serial number"),
                   (70, 70, "N", "image marker")]
_LAYOUTS = {
    "01": [(23, 24, "N", "layout version"), (46, 80, "B", "reserved")],
    "05": [(13, 22, "n", "receiving plusgiro number"), (26, 80, "B", "reserved")],
    "20": [*_PAYMENT_LAYOUT, (71, 80, "B", "reserved")],
    "21": [*_PAYMENT_LAYOUT, (71, 71, "n", "deduction code"), (72, 80, "B", "reserved")],
    "22": [*_PAYMENT_LAYOUT, (71, 80, "B", "reserved")],
    "23": [*_PAYMENT_LAYOUT, (71, 80, "B", "reserved")],
    "25": [(53, 80, "B", "reserved")],
    "26": [(73, 80, "B", "reserved")],
    "27": [(47, 80, "B", "reserved")],
    "28": [(75, 80, "B", "reserved")],
    "29": [(3, 14, "n", "organisation number"), (15, 80, "B", "reserved")],
    "15": [(3, 37, "N", "bank account number"), (46, 50, "N", "deposit serial number"),
           (80, 80, "KDS", "deposit type")],
    "70": [(35, 80, "B", "reserved")],
}
# Never text: C0 controls, DEL and ISO-8859-1's C1 controls (where a file saved in another
# encoding shows). A TAB is the usual one: an editor's stand-in for blanks, shifting the fields.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {"\t": "TAB", "\r": "carriage return", "\x0c": "form feed", "\x0b": "vertical tab",
                  "\x1a": "end-of-file mark (0x1A)"}


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
    identities: dict[tuple, int] = field(default_factory=dict)  # a payment's identity → how often seen
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
        try:
            getattr(self, f"_tk{kind}" if kind not in _DETAIL_TYPES else "_detail")(number, record)
            _check_layout(number, record)
        except PaymentFileError as error:
            if error.record != number or f"TK{kind}" in error.reason:
                raise
            raise PaymentFileError(f"{error.reason} ({RECORD_NAMES[kind]})", record=number) from None

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
        for payment in self.section.payments:
            parsed = _payment(payment, deposit)
            key = (parsed.receiver_account, parsed.paid_on, parsed.identity)
            seen = self.identities[key] = self.identities.get(key, 0) + 1
            self.payments.append(parsed if seen == 1 else replace(parsed, identity=f"{parsed.identity}#{seen}"))
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
            named = f" ({RECORD_NAMES[line[:2]]})" if line[:2] in RECORD_NAMES else ""
            raise PaymentFileError(f"record is {len(line)} characters long, BgMax records are {RECORD_LENGTH}{named}",
                                   record=number)
        records.append(line.ljust(RECORD_LENGTH))
    return records


def _check_layout(number: int, record: str) -> None:
    """PaymentFileError unless every position of the record holds what the manual puts there."""
    control = _CONTROL.search(record)
    if control:
        char = control.group()
        name = _CONTROL_NAMES.get(char, "a control character")
        raise PaymentFileError(f"{name} (0x{ord(char):02X}) at position {control.start() + 1}: not BgMax text; "
                               "was the file edited?", record=number)
    for first, last, kind, what in _LAYOUTS[record[:2]]:
        text = field_at(record, first, last)
        if kind == "N":
            wrong = not (text.isascii() and text.isdigit())
        elif kind == "n":
            wrong = not re.fullmatch(r" *[0-9]* *", text)
        else:
            wrong = text.strip() != "" and (kind == "B" or text not in kind)
        if wrong:
            expected = {"N": "digits", "n": "digits or blanks", "B": "blanks"}.get(kind, f"blank or one of {kind}")
            raise PaymentFileError(f"{what} (positions {first}–{last}) is {text!r}: the manual has {expected} there",
                                   record=number)


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
    identity = "/".join([deposit.reference, field_at(text, 58, 69), text[:2], field_at(text, 3, 12).strip(),
                         field_at(text, 38, 55).lstrip("0"), reference])
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
        identity=identity,
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
