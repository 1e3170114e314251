"""Format detection and the package's public surface."""
from pathlib import Path

import pytest

from core.errors import ValidationError
from payments.files import PaymentFileError, detect_format, parse

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "bgmax"  # Bankgirot's examples, copied as published


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.txt")), ids=lambda path: path.name[:40])
def test_bgmax_examples_are_detected(path):
    assert detect_format(path.read_bytes()) == "bgmax"


@pytest.mark.parametrize("data", [
    b"ocr_reference;amount;paid_on\n00100180;100,00;2026-11-20\n",
    b"\xef\xbb\xbfpaid_on,amount,OCR_REFERENCE\r\n",
    b"  \namount;ocr_reference\n",
])
def test_csv_with_an_ocr_reference_header_is_detected(data):
    assert detect_format(data) == "csv"


@pytest.mark.parametrize("data", [
    b"",
    b"   \n",
    b"amount;reference\n100;123\n",
    b"%PDF-1.7 ocr_reference",
    b"\x00\x01ocr_reference",
    b"01BGMAY               01",
])
def test_anything_else_is_not_a_payment_file(data):
    with pytest.raises(PaymentFileError) as caught:
        detect_format(data)
    assert str(caught.value) == "not a BgMax, camt.054 or CSV payment file"
    assert caught.value.record is None
    assert isinstance(caught.value, ValidationError)


def test_parse_leaves_csv_to_the_import_service():
    with pytest.raises(ValueError, match="CSV payment files are parsed by the import service"):
        parse(b"ocr_reference;amount\n00100180;100\n")
    with pytest.raises(ValueError, match="not 'csv'"):
        parse(b"ocr_reference;amount\n", "csv")


def test_parse_refuses_a_file_that_is_not_the_format_it_is_told():
    with pytest.raises(PaymentFileError, match="^record 1: the file does not start with a start record TK01"):
        parse(b"ocr_reference;amount\n00100180;100\n", "bgmax")


def test_error_message_and_detail():
    error = PaymentFileError("deposit amount does not add up", record=14)
    assert str(error) == "record 14: deposit amount does not add up"
    assert error.message == str(error)
    assert (error.record, error.reason, error.code) == (14, "deposit amount does not add up", "invalid_payment_file")
    assert error.detail == {"record": 14, "unit": "record", "reason": "deposit amount does not add up"}
    assert str(PaymentFileError("the file is empty")) == "the file is empty"
