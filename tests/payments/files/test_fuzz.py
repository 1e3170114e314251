"""Any bytes given to a payment-file parser end in a parsed file or its PaymentFileError (issue #16).

Never another exception (IndexError, UnicodeDecodeError, InvalidOperation, OverflowError,
an XML library's own, a ValueError from deep inside): random bytes reach only the first
checks, so each parser is also driven with valid files mutated byte by byte and field by
field — huge numbers, other scripts' digits, impossible dates — to reach the deep code.
"""
import datetime
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.money import MAX_AMOUNT
from payments.files import ParsedFile, PaymentFileError, bgmax, camt054, detect_format
from payments.files.csv_file import parse_payment_csv
from tests.payments.bgmax_files import bgmax_file

DATA = Path(__file__).resolve().parents[2] / "data" / "bgmax"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = datetime.date(2026, 11, 30)

BGMAX_FILES = [path.read_bytes() for path in sorted(DATA.glob("*.txt"))] + [
    bgmax_file([("00100180", Decimal("1250.00")), ("00100289", Decimal("99.50"))], bankgiro="991-2346",
               day=datetime.date(2026, 11, 20), per_section=1)]
CAMT_FILES = [path.read_bytes() for path in sorted(FIXTURES.glob("camt054_*.xml"))]
CSV_FILES = [
    b"ocr_reference;amount;paid_on;payer;reference;currency\n00100180;1 250,00;2026-11-20;Anna;R1;SEK\n"
    b"faktura 12;99.50;20261119;Bo;R2;sek\n",
    "ocr,belopp,betaldatum,betalare\r\n00100289,\"12,50\",2026-11-20,Åsa Öberg\r\n".encode("cp1252"),
]

# Fields a hostile or broken file puts where a number, a date or a name belongs.
TOKENS = [
    b"9" * 18, b"99999999999999999", b"100000000000000", b"999999999999999999999999999999", b"1e27", b"1E400",
    b"NaN", b"sNaN", b"Infinity", b"-1", b"1_000", b"99991231", b"00000000", b"20261331", b"9999-12-31",
    b"0001-01-01", b"2026-02-30", b"12.345", b"1,2.3", b" ", b"", b"\x00", b"\xff\xfe", b"\r\n", b"\n", b";", b",",
    b'"', b"<", b">", b"</Amt>", b"&amp;", b"&#1633;", b"<!DOCTYPE x>", b"]]>",
    "١٢٣".encode(), "１２３".encode(), "²³".encode("latin-1"), "½".encode("latin-1"), "١٢٣".encode("utf-16"),
    b"\xef\xbb\xbf", b'encoding="TF-8"', b'encoding="euc-jp"',
    b"TK", b"01BGMAX", b"20", b"15", b"70", b"CRDT", b"DBIT", b"BOOK", b"true", b"SEKK",
]


@st.composite
def mutated(draw, files: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(files)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(data)))
        operation = draw(st.sampled_from(["overwrite", "overwrite", "insert", "delete", "flip"]))
        if operation in ("overwrite", "insert"):
            token = draw(st.one_of(st.sampled_from(TOKENS), st.binary(min_size=1, max_size=8)))
            end = position + len(token) if operation == "overwrite" else position
            data[position:end] = token
        elif operation == "delete":
            del data[position:position + draw(st.integers(min_value=1, max_value=80))]
        elif position < len(data):
            data[position] ^= 1 << draw(st.integers(min_value=0, max_value=7))
    return bytes(data)


def any_input(files: list[bytes]):
    return st.one_of(st.binary(max_size=2000), mutated(files))


def outcome(read, data: bytes):
    """What `read` made of the bytes: a ParsedFile, or its PaymentFileError with a one-line reason."""
    try:
        parsed = read(data)
    except PaymentFileError as error:
        assert error.reason and "\n" not in str(error) and (error.record is None or error.record >= 1)
        return error
    assert isinstance(parsed, ParsedFile)
    for payment in parsed.payments:
        assert isinstance(payment.amount, Decimal) and -MAX_AMOUNT <= payment.amount <= MAX_AMOUNT
        assert payment.amount == payment.amount.quantize(Decimal("0.01"))
        assert datetime.date(1990, 1, 1) <= payment.paid_on <= TODAY
        assert len(payment.currency) == 3
        texts = [value for value in vars(payment).values() if isinstance(value, str)]
        assert not any("\x00" in text for text in texts)  # PostgreSQL would refuse to store it
    return parsed


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(any_input(BGMAX_FILES))
def test_any_bytes_to_the_bgmax_parser(data):
    outcome(lambda raw: bgmax.parse(raw, today=TODAY), data)


@FUZZ
@given(any_input(CAMT_FILES))
def test_any_bytes_to_the_camt054_parser(data):
    outcome(lambda raw: camt054.parse(raw, today=TODAY), data)


@FUZZ
@given(any_input(CSV_FILES))
def test_any_bytes_to_the_payment_csv_parser(data):
    outcome(lambda raw: parse_payment_csv(raw, today=TODAY), data)


@FUZZ
@given(any_input(BGMAX_FILES + CAMT_FILES + CSV_FILES))
def test_any_bytes_to_format_detection_then_its_parser(data):
    """What `import_payments` does before it touches the database."""
    def read(raw: bytes):
        format = detect_format(raw)
        assert format in ("bgmax", "camt054", "csv")
        if format == "csv":
            return parse_payment_csv(raw, today=TODAY)
        return (bgmax if format == "bgmax" else camt054).parse(raw, today=TODAY)

    outcome(read, data)


def test_the_valid_files_the_fuzz_starts_from_are_read():
    assert len(BGMAX_FILES) >= 2 and len(CAMT_FILES) == 2  # the fuzz would test little without them
    for read, files in ((bgmax.parse, BGMAX_FILES), (camt054.parse, CAMT_FILES), (parse_payment_csv, CSV_FILES)):
        for data in files:
            assert read(data, today=TODAY).payments
