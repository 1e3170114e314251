"""Hostile values in each payment file are refused naming the record, the field and why (issue #16).

`1e27`, `NaN`, other scripts' digits, `1_000`, 18 digits of öre, `99991231`, a date that
does not exist or lies in the future: each once per parser, where it would be read.
"""
import datetime
from decimal import Decimal

import pytest

from payments.files import PaymentFileError, bgmax, camt054
from payments.files.csv_file import parse_payment_csv
from tests.payments.bgmax_files import bgmax_file

TODAY = datetime.date(2026, 11, 30)
TOMORROW = TODAY + datetime.timedelta(days=1)
BEYOND = "is beyond 999\u00a0999\u00a0999\u00a0999,99, the largest amount Fordra holds"
ARABIC_INDIC_IN_LATIN_1 = "١٢٣".encode().decode("latin-1")  # how such digits reach an ISO-8859-1 file


def refusal(read, data: bytes) -> str:
    with pytest.raises(PaymentFileError) as refused:
        read(data, today=TODAY)
    return str(refused.value)


# BgMax: records 1 TK01, 2 TK05, 3 TK20, 4 TK15, 5 TK70; positions as in the manual.

def bgmax_with(record: int, first: int, value: str) -> bytes:
    lines = bgmax_file([("00100180", Decimal("1250.00"))], bankgiro="991-2346", day=datetime.date(2026, 11, 20)
                       ).decode("latin-1").split("\r\n")
    line = lines[record - 1]
    lines[record - 1] = line[:first - 1] + value + line[first - 1 + len(value):]
    return "\r\n".join(lines).encode("latin-1")


def test_the_bgmax_file_the_table_changes_is_read():
    [payment] = bgmax.parse(bgmax_with(3, 38, "000000000000125000"), today=TODAY).payments
    assert (payment.record, payment.amount, payment.paid_on) == (3, Decimal("1250.00"), datetime.date(2026, 11, 20))


@pytest.mark.parametrize("record, first, value, message", [
    (3, 38, "099999999999999999", f"record 3: amount 999\u00a0999\u00a0999\u00a0999\u00a0999,99 {BEYOND}"),
    (3, 38, "000100000000000000", f"record 3: amount 1\u00a0000\u00a0000\u00a0000\u00a0000,00 {BEYOND}"),
    (3, 38, "000000000000001e27", "record 3: amount '000000000000001e27' is not a number"),
    (3, 38, "000000000000000NaN", "record 3: amount '000000000000000NaN' is not a number"),
    (3, 38, "000000000000001_00", "record 3: amount '000000000000001_00' is not a number"),
    (3, 38, "000000000000" + ARABIC_INDIC_IN_LATIN_1, "record 3: amount '000000000000"),
    (3, 38, "000000000000012²³0", "record 3: amount '000000000000012²³0' is not a number"),  # isdigit() says yes
    (4, 38, "99991231", "record 4: payment date 9999-12-31 is after today (2026-11-30)"),
    (4, 38, f"{TOMORROW:%Y%m%d}", "record 4: payment date 2026-12-01 is after today (2026-11-30)"),
    (4, 38, "20261131", "record 4: invalid payment date '20261131'"),
    (4, 38, "00010101", "record 4: payment date 0001-01-01 is before 1990-01-01"),
    (4, 38, "２０".encode().decode("latin-1") + "10", "record 4: invalid payment date"),
    (4, 69, "SE ", "record 4: currency 'SE' is not a three-letter currency code"),
    (1, 25, "99991231", "record 1: creation time 9999-12-31 is after today (2026-11-30)"),
])
def test_hostile_bgmax_fields(record, first, value, message):
    assert refusal(bgmax.parse, bgmax_with(record, first, value)).startswith(message)


# camt.054: one notification, one booked credit entry with one transaction.

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>{created}</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>N1</Id>
      <Acct><Id><IBAN>SE4550000000058398257466</IBAN></Id></Acct>
      <TxsSummry><TtlNtries><NbOfNtries>{count}</NbOfNtries></TtlNtries></TxsSummry>
      <Ntry>
        <Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{booked}</Dt></BookgDt><AcctSvcrRef>R1</AcctSvcrRef>
        <NtryDtls>
          <Btch><NbOfTxs>{transactions}</NbOfTxs></Btch>
          <TxDtls>
            <Amt Ccy="SEK">{amount}</Amt>
            <RmtInf><Strd><CdtrRefInf><Ref>00100180</Ref></CdtrRefInf></Strd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""
CAMT_VALID = {"created": "2026-11-20T06:15:00", "count": "1", "currency": "SEK", "amount": "1250.00",
              "booked": "2026-11-20", "transactions": "1"}


def camt_with(**changes: str) -> bytes:
    return CAMT.format(**{**CAMT_VALID, **changes}).encode("utf-8")


def test_the_camt054_file_the_table_changes_is_read():
    [payment] = camt054.parse(camt_with(), today=TODAY).payments
    assert (payment.record, payment.amount, payment.ocr_reference) == (1, Decimal("1250.00"), "00100180")


@pytest.mark.parametrize("changes, message", [
    ({"amount": "1e27"}, "entry 1: amount '1e27' is not a positive amount with at most two decimals (Amt)"),
    ({"amount": "1E400"}, "entry 1: amount '1E400' is not a positive amount"),
    ({"amount": "NaN"}, "entry 1: amount 'NaN' is not a positive amount"),
    ({"amount": "١٢٣"}, "entry 1: amount '١٢٣' is not a positive amount"),
    ({"amount": "１２３"}, "entry 1: amount '１２３' is not a positive amount"),
    ({"amount": "1_000"}, "entry 1: amount '1_000' is not a positive amount"),
    ({"amount": "1000000000000.00"}, f"entry 1: amount 1\u00a0000\u00a0000\u00a0000\u00a0000,00 {BEYOND} (Amt)"),
    ({"amount": "999999999999999999"}, f"entry 1: amount 999\u00a0999\u00a0999\u00a0999\u00a0999\u00a0999,00 {BEYOND}"),
    ({"booked": "9999-12-31"}, "entry 1: BookgDt/Dt 9999-12-31 is after today (2026-11-30)"),
    ({"booked": TOMORROW.isoformat()}, "entry 1: BookgDt/Dt 2026-12-01 is after today (2026-11-30)"),
    ({"booked": "2026-02-30"}, "entry 1: invalid date '2026-02-30' in BookgDt/Dt"),
    ({"booked": "٢٠٢٦-11-20"}, "entry 1: invalid date '٢٠٢٦-11-20' in BookgDt/Dt"),
    ({"booked": "99991231"}, "entry 1: invalid date '99991231' in BookgDt/Dt"),
    ({"booked": "0001-01-01"}, "entry 1: BookgDt/Dt 0001-01-01 is before 1990-01-01"),
    ({"count": "1.0"}, "notification 1: TxsSummry/TtlNtries/NbOfNtries '1.0' is not a whole number"),
    ({"count": "١"}, "notification 1: TxsSummry/TtlNtries/NbOfNtries '١' is not a whole number"),
    ({"count": "1e3"}, "notification 1: TxsSummry/TtlNtries/NbOfNtries '1e3' is not a whole number"),
    ({"transactions": "one"}, "entry 1: NtryDtls/Btch/NbOfTxs 'one' is not a whole number"),
    ({"transactions": "1_0"}, "entry 1: NtryDtls/Btch/NbOfTxs '1_0' is not a whole number"),
    ({"currency": "SEKK"}, "entry 1: Amt/@Ccy 'SEKK' is not a three-letter currency code"),
    ({"created": "9999-12-31T23:59:59-12:00"}, "GrpHdr/CreDtTm 9999-12-31 is after today"),
    ({"created": "0001-01-01T00:00:00+14:00"}, "GrpHdr/CreDtTm 0001-01-01 is before 1990-01-01"),
    ({"created": "２０２６-11-20T06:15:00"}, "invalid creation time GrpHdr/CreDtTm"),
])
def test_hostile_camt054_fields(changes, message):
    assert refusal(camt054.parse, camt_with(**changes)).startswith(message)


def test_an_unknown_declared_encoding_is_a_refusal():
    data = camt_with().replace(b'encoding="UTF-8"', b'encoding="TF-8"')
    assert refusal(camt054.parse, data).startswith("unreadable XML: unknown encoding")


# Payment CSV: the header is row 1, the payment row 2.

def csv_with(amount: str = "1250,00", paid_on: str = "2026-11-20", currency: str = "SEK") -> bytes:
    return f"ocr_reference;amount;paid_on;currency\n00100180;{amount};{paid_on};{currency}\n".encode("utf-8")


def test_the_csv_file_the_table_changes_is_read():
    [payment] = parse_payment_csv(csv_with(), today=TODAY).payments
    assert (payment.record, payment.amount, payment.paid_on) == (2, Decimal("1250.00"), datetime.date(2026, 11, 20))


@pytest.mark.parametrize("changes, message", [
    ({"amount": "1e27"}, "record 2: amount: not an amount: '1e27' (an exponent"),
    ({"amount": "1e400"}, "record 2: amount: not an amount: '1e400' (an exponent"),
    ({"amount": "NaN"}, "record 2: amount: not an amount: 'NaN'"),
    ({"amount": "١٢٣"}, "record 2: amount: not an amount: '١٢٣' (write the digits 0-9)"),
    ({"amount": "１２３"}, "record 2: amount: not an amount: '１２３' (write the digits 0-9)"),
    ({"amount": "1_000"}, "record 2: amount: not an amount: '1_000'"),
    ({"amount": "10000000000000"}, "record 2: amount: amount '10000000000000' is beyond 999\u00a0999"),
    ({"paid_on": "99991231"}, "record 2: paid_on: 9999-12-31 is after today (2026-11-30)"),
    ({"paid_on": "9999-12-31"}, "record 2: paid_on: 9999-12-31 is after today (2026-11-30)"),
    ({"paid_on": TOMORROW.isoformat()}, "record 2: paid_on: 2026-12-01 is after today (2026-11-30)"),
    ({"paid_on": "2026-02-30"}, "record 2: paid_on: '2026-02-30' is not a date"),
    ({"paid_on": "٢٠٢٦-11-20"}, "record 2: paid_on: '٢٠٢٦-11-20' is not a date"),
    ({"paid_on": "0001-01-01"}, "record 2: paid_on: 0001-01-01 is before 1990-01-01"),
    ({"currency": "SEKK"}, "record 2: currency: 'SEKK' is not a three-letter currency code"),
])
def test_hostile_csv_fields(changes, message):
    assert refusal(parse_payment_csv, csv_with(**changes)).startswith(message)


@pytest.mark.parametrize("data, message", [
    (b"\xef\xbb\xbfocr_reference;amount;paid_on\n00100180;1;2026-11-20 \xff\n", "the file starts as UTF-8 but byte"),
    (b"ocr_reference;amount;paid_on\n001\x0000180;1;2026-11-20\n", "record 2: a NUL character (0x00)"),
    (b'ocr_reference;amount;paid_on\n"' + b"x" * 200_000 + b'";1;2026-11-20\n', "record 2: the CSV cannot be read"),
])
def test_unreadable_csv_text_is_a_refusal(data, message):
    assert refusal(parse_payment_csv, data).startswith(message)
