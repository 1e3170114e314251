"""One ledger row: from the file's text to checked values, or the column and reason it fails.

Headers are matched case-insensitively, in English or Swedish (CONTRACT.md). A credit
note is a row with a negative amount and the number of the invoice it credits; it counts
from its own date (`credited_on`, else its `invoice_date`), which cannot be after today.

Every value is bounded here, before anything does arithmetic with it: amounts by
`core.money.parse_amount` to MAX_CLAIM_AMOUNT, dates to a window (`EARLIEST`..`LATEST`; a payment date not
after today), since the due date plus a ladder's days, interest and limitation periods
must stay within what `datetime.date` holds.
"""
import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from core.errors import ApplicationError
from core.filereport import EARLIEST, LATEST, RowError, check_characters
from core.money import MAX_CLAIM_AMOUNT, ZERO, format_sek, parse_amount
from core.tables import header_positions
from debtors.models import CustomerType, Language
from debtors.services import clean_identity_number

# field → accepted header names (lower case; spaces, dashes and underscores are equal).
COLUMNS = {
    "customer_number": ("customer_number", "kundnummer", "kundnr"),
    "customer_name": ("customer_name", "namn", "kundnamn", "name"),
    "invoice_number": ("invoice_number", "fakturanummer", "fakturanr"),
    "invoice_date": ("invoice_date", "fakturadatum"),
    "due_date": ("due_date", "förfallodatum", "forfallodatum"),
    "amount": ("amount", "belopp"),
    "customer_type": ("customer_type", "kundtyp"),
    "identity_number": ("identity_number", "organisationsnummer", "personnummer", "org_number", "orgnr"),
    "email": ("email", "e_post", "epost"),
    "phone": ("phone", "telefon"),
    "address": ("address", "adress"),
    "postal_code": ("postal_code", "postnummer"),
    "city": ("city", "ort"),
    "country": ("country", "land"),
    "language": ("language", "språk", "sprak"),
    "currency": ("currency", "valuta"),
    "reminder_fee_agreed": ("reminder_fee_agreed", "påminnelseavgift_avtalad", "paminnelseavgift_avtalad"),
    "open_amount": ("open_amount", "restbelopp"),
    "paid_on": ("paid_on", "betaldatum", "betalningsdatum"),
    "credited_invoice": ("credited_invoice", "krediterad_faktura", "krediterar"),
    "credited_on": ("credited_on", "krediteringsdatum", "krediterad_den", "kreditdatum"),
    "vip": ("vip",),
}
REQUIRED = ("customer_number", "customer_name", "invoice_number", "invoice_date", "due_date", "amount")
TRUE = {"yes", "ja", "true", "1", "y", "j", "x"}
FALSE = {"no", "nej", "false", "0", "n", ""}
YES_OR_NO = TRUE | FALSE
LANGUAGES = frozenset(Language.values)  # read per row: an enum's .values builds a new list each time
CURRENCY = re.compile(r"[A-Z]{3}")
COUNTRY = re.compile(r"[A-Z]{2}")
CUSTOMER_TYPES = {"consumer": CustomerType.CONSUMER, "privatperson": CustomerType.CONSUMER,
                  "privat": CustomerType.CONSUMER, "company": CustomerType.COMPANY, "företag": CustomerType.COMPANY,
                  "foretag": CustomerType.COMPANY}
# Invoice and due dates outside these are typing errors (`99991231`, year 1), and a due date
# near either end of what `datetime.date` holds overflows when the ladder's days are added.
DATE = re.compile(r"([0-9]{4})-?([0-9]{2})-?([0-9]{2})(?:[ T]00:00(?::00)?)?")
DEBTOR_FIELDS = ("customer_name", "customer_type", "identity_number", "email", "phone", "address", "postal_code",
                 "city", "country", "language", "vip")


# What a rejected row's report repeats of a value: a cell may hold a megabyte.
@dataclass(frozen=True)
class LedgerRow:
    row: int
    customer_number: str
    customer_name: str
    customer_type: str
    identity_number: str
    email: str
    phone: str
    address: str
    postal_code: str
    city: str
    country: str
    language: str
    invoice_number: str
    invoice_date: datetime.date
    due_date: datetime.date
    amount: Decimal
    currency: str
    reminder_fee_agreed: bool
    open_amount: Decimal
    paid_on: datetime.date | None
    credited_invoice: str
    vip: bool = False  # the creditor's designation; a file without the column leaves it as stored
    credited_on: datetime.date | None = None  # a credit note's own date, when the file gives one

    @property
    def is_credit_note(self) -> bool:
        return self.amount < 0

    @property
    def credit_date(self) -> datetime.date:
        """The day a credit note counts from: its `credited_on`, else its invoice date."""
        return self.credited_on or self.invoice_date

    @property
    def credit_date_column(self) -> str:
        """The column `credit_date` was read from, for a problem that names it."""
        return "credited_on" if self.credited_on else "invoice_date"

    def debtor_values(self) -> dict:
        return {field: getattr(self, field) for field in DEBTOR_FIELDS}


def column_positions(header: list[str]) -> dict[str, int]:
    """Field → column index; raises ValidationError naming missing or repeated columns."""
    return header_positions(header, COLUMNS, REQUIRED)


def parse_row(number: int, values: list[str], positions: dict[str, int], *, today: datetime.date) -> LedgerRow:
    """The row's checked values; raises RowError for the first field that is wrong."""
    width = len(values)
    raw = defaultdict(str, {field: values[i].strip() for field, i in positions.items() if i < width and values[i]})
    text = raw.__getitem__  # a column the file lacks reads as ""
    check_characters(raw)
    for field in REQUIRED:
        if not text(field):
            raise RowError(field, "", "is required", "required")
    amount = _amount("amount", text("amount"))
    if amount == 0:
        raise RowError("amount", text("amount"), "an invoice of 0 is not a claim", "amount_zero")
    invoice_date, due_date = _date("invoice_date", text("invoice_date")), _date("due_date", text("due_date"))
    paid_on = _date("paid_on", text("paid_on"), latest=today, latest_label="today") if text("paid_on") else None
    if due_date < invoice_date:
        raise RowError("due_date", text("due_date"), f"is before the invoice date {invoice_date}",
                       "due_before_invoice", (("invoice_date", invoice_date.isoformat()),))
    open_amount = _amount("open_amount", text("open_amount")) if text("open_amount") else abs(amount)
    if amount > 0 and not ZERO <= open_amount <= amount:
        raise RowError("open_amount", text("open_amount"), f"must be between 0 and the amount {amount}",
                       "open_amount_range", (("amount", format_sek(amount)),))
    if amount < 0 and not text("credited_invoice"):
        raise RowError("credited_invoice", "",
                       "a negative amount is a credit note and must name the invoice it credits",
                       "credit_note_names_invoice")
    credited_on = _credit_date(amount, text("credited_on"), invoice_date, text("invoice_date"), today=today)
    customer_type = CUSTOMER_TYPES.get(text("customer_type").lower() or "consumer")
    if customer_type is None:
        raise RowError("customer_type", text("customer_type"), "must be company or consumer (företag/privatperson)",
                       "customer_type")
    if not text("identity_number").isascii():
        raise RowError("identity_number", text("identity_number"), "may hold only the digits 0-9, '-' or '+'",
                       "identity_characters")
    try:
        identity = clean_identity_number(text("identity_number"), customer_type)
    except (ApplicationError, ValueError) as exc:
        raise RowError("identity_number", text("identity_number"), getattr(exc, "message", str(exc)),
                       "identity") from None
    language = (text("language") or Language.SV).lower()
    if language not in LANGUAGES:
        raise RowError("language", text("language"), f"must be one of {', '.join(Language.values)}", "one_of",
                       (("choices", ", ".join(Language.values)),))
    currency = (text("currency") or "SEK").upper()
    if not CURRENCY.fullmatch(currency):
        raise RowError("currency", text("currency"), "must be a three-letter ISO 4217 code such as SEK", "currency")
    country = (text("country") or "SE").upper()
    if not COUNTRY.fullmatch(country):
        raise RowError("country", text("country"), "must be a two-letter ISO 3166 code such as SE", "country")
    if text("email"):
        try:
            validate_email(text("email"))
        except DjangoValidationError:
            raise RowError("email", text("email"), "is not an e-mail address", "email") from None
    agreed = text("reminder_fee_agreed").lower()
    if agreed not in YES_OR_NO:
        raise RowError("reminder_fee_agreed", text("reminder_fee_agreed"), "must be yes or no (ja/nej)", "yes_no")
    vip = text("vip").lower()
    if vip not in YES_OR_NO:
        raise RowError("vip", text("vip"), "must be yes or no (ja/nej)", "yes_no")
    _check_lengths(raw)
    return LedgerRow(
        row=number, customer_number=text("customer_number"), customer_name=text("customer_name"),
        customer_type=customer_type, identity_number=identity, email=text("email"), phone=text("phone"),
        address=text("address"), postal_code=text("postal_code"), city=text("city"), country=country,
        language=language, invoice_number=text("invoice_number"), invoice_date=invoice_date, due_date=due_date,
        amount=amount, currency=currency, reminder_fee_agreed=agreed in TRUE, open_amount=open_amount,
        paid_on=paid_on,
        credited_invoice=text("credited_invoice"), vip=vip in TRUE, credited_on=credited_on,
    )


def _credit_date(amount: Decimal, text: str, invoice_date: datetime.date, invoice_text: str, *,
                 today: datetime.date) -> datetime.date | None:
    """A credit note's `credited_on`, checked with the date it counts from: a credit note
    reduces the claim from its date, and one dated after today has not happened yet."""
    if amount > 0:
        if text:
            raise RowError("credited_on", text, "only a credit note (a negative amount) has a credit date",
                           "credit_date_not_credit_note")
        return None
    credited_on = _date("credited_on", text, latest=today, latest_label="today") if text else None
    if credited_on is None and invoice_date > today:
        raise RowError("invoice_date", invoice_text,
                       f"a credit note counts from its date, which cannot be after today ({today}); "
                       f"give the day it was issued (or a credited_on column)", "credit_note_future")
    return credited_on


MAX_LENGTH = {"customer_number": 50, "customer_name": 200, "invoice_number": 50, "phone": 40, "address": 200,
              "postal_code": 10, "city": 100, "email": 254, "credited_invoice": 50}


def _check_lengths(raw: dict[str, str]) -> None:
    for field, limit in MAX_LENGTH.items():
        if len(raw[field]) > limit:
            raise RowError(field, raw[field], f"is longer than {limit} characters", "too_long", (("limit", limit),))


def _amount(column: str, text: str) -> Decimal:
    """An invoice's amounts are a claim's: bounded so that its fees and interest still fit (core.money)."""
    try:
        return parse_amount(text, limit=MAX_CLAIM_AMOUNT)
    except (ValueError, ArithmeticError) as exc:  # ArithmeticError: decimal's own, for what parse_amount misses
        raise RowError(column, text, str(exc), "amount") from None


def _date(column: str, text: str, *, latest: datetime.date = LATEST, latest_label: str = "") -> datetime.date:
    """`YYYY-MM-DD` or `YYYYMMDD` (an XLSX date cell reads as the first, perhaps with a zero time),
    from EARLIEST to `latest`."""
    date = match = None
    if len(text) == 10 and text.isascii() and text[4] == "-" and text[7] == "-" and text[:4].isdigit():
        try:  # the common form, read in C: the regex and int() below cost 0.4 s per 100 000 rows
            date = datetime.date.fromisoformat(text)
        except ValueError:
            pass
    else:
        match = DATE.fullmatch(text)
    if match and (len(text) == 8 or text[4] == "-" and text[7] == "-"):
        try:
            date = datetime.date(*map(int, match.groups()))
        except ValueError:
            pass
    if date is None:
        raise RowError(column, text, "is not a date: write YYYY-MM-DD or YYYYMMDD", "date")
    if not EARLIEST <= date <= latest:
        raise RowError(column, text, f"must be from {EARLIEST} to {latest_label or latest}"
                                     f"{f' ({latest})' if latest_label else ''}", "date_range",
                       (("earliest", EARLIEST.isoformat()), ("latest", latest.isoformat())))
    return date
