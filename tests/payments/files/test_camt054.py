"""camt.054 parser, on hand-made notifications in versions 001.02 and 001.08 (fixtures/)."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from payments.files import PaymentFileError, detect_format, parse

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse_text(text: str):
    return parse(text.encode("utf-8"))


def replaced(name: str, old: str, new: str, count: int = 1) -> str:
    text = fixture(name)
    assert text.count(old) >= count, old
    return text.replace(old, new, count)


def test_version_02_payments():
    parsed = parse_text(fixture("camt054_v02.xml"))
    assert parsed.format == "camt054"
    assert parsed.created_at == datetime.datetime(2026, 11, 20, 6, 15)
    assert parsed.test_file is False
    assert [(p.record, p.amount, p.ocr_reference, p.reference, p.payer) for p in parsed.payments] == [
        (1, Decimal("1250.00"), "00100180", "BG20261119000101-1", "Kalles Plåt AB"),
        (2, Decimal("2000.00"), "00100289", "BG20261120000102-1", "Olles färg AB"),
        (2, Decimal("450.00"), "", "BG20261120000102-2", "Lisas bullar AB"),
    ]
    assert parsed.total == Decimal("3700.00")
    first, _, unstructured = parsed.payments
    assert first.paid_on == datetime.date(2026, 11, 19)
    assert first.currency == "SEK"
    assert first.payer_address == "Storgatan 2, 123 45 Storåker"
    assert first.payer_org_number == "5500001234"
    assert first.sender_bankgiro == "50501055"
    assert first.receiver_account == "SE4550000000058398257466"
    assert first.free_text == ""
    assert unstructured.free_text == "Faktura 1003 Lisa"
    assert unstructured.paid_on == datetime.date(2026, 11, 20)
    assert parsed.notices == ("entry 3: debit of 50,00 SEK with status BOOK skipped (only booked credits are payments)",)
    [deposit] = parsed.deposits
    assert (deposit.record, deposit.amount, deposit.payment_count, deposit.reference) == (
        1, Decimal("3700.00"), 3, "NTF-20261120-0001")


def test_version_08_payments():
    parsed = parse_text(fixture("camt054_v08.xml"))
    assert parsed.created_at == datetime.datetime(2026, 11, 21, 7, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert [(p.record, p.amount, p.ocr_reference, p.reference, p.paid_on) for p in parsed.payments] == [
        (1, Decimal("300.00"), "00100388", "SWE20261119A0001", datetime.date(2026, 11, 19)),  # BookgDt/DtTm wins
        (3, Decimal("1000.00"), "00100487", "SWE20261120A0003/1", datetime.date(2026, 11, 20)),
        (3, Decimal("500.25"), "", "SWE20261120A0003/2", datetime.date(2026, 11, 20)),
        (4, Decimal("42.00"), "", "E4", datetime.date(2026, 11, 21)),  # no BookgDt: ValDt
    ]
    first, _, creditor_reference, no_details = parsed.payments
    assert first.payer == "Åsa Öberg"  # Dbtr/Pty/Nm from version 08 on
    assert first.payer_address == "Lillagatan 3, 123 45 Storåker, SE"
    assert first.sender_bankgiro == "9701233"
    assert creditor_reference.free_text == "RF18539007547034"  # structured, but not an OCR number
    assert creditor_reference.payer == "Kalles Plåt AB"
    assert no_details.free_text == "Inbetalning utan avi"
    assert no_details.receiver_account == "50501055"
    assert parsed.notices == (
        "entry 2: credit of 99,50 SEK with status PDNG skipped (only booked credits are payments)",)
    assert [(d.record, d.receiver_account, d.amount, d.payment_count) for d in parsed.deposits] == [
        (1, "SE7280000810340009783242", Decimal("1800.25"), 3), (2, "50501055", Decimal("42.00"), 1)]


@pytest.mark.parametrize("name", ["camt054_v02.xml", "camt054_v08.xml"])
def test_detected_as_camt054(name):
    assert detect_format(fixture(name).encode("utf-8")) == "camt054"


def test_later_versions_are_read_too():
    text = fixture("camt054_v08.xml").replace("camt.054.001.08", "camt.054.001.13")
    assert len(parse_text(text).payments) == 4


def test_version_01_is_not_supported():
    text = fixture("camt054_v02.xml").replace("camt.054.001.02", "camt.054.001.01")
    with pytest.raises(PaymentFileError, match="not a BgMax, camt.054 or CSV payment file"):
        parse_text(text)


def test_an_entry_whose_transactions_do_not_add_up_is_rejected():
    text = replaced("camt054_v02.xml", '<Amt Ccy="SEK">2450.00</Amt>', '<Amt Ccy="SEK">2451.00</Amt>')
    with pytest.raises(PaymentFileError) as caught:
        parse_text(text)
    assert str(caught.value) == (
        "entry 2: entry amount 2\u00a0451,00 SEK does not equal the sum of its 2 transactions 2\u00a0450,00 SEK")
    assert caught.value.record == 2


def test_a_tampered_transaction_amount_in_version_08_is_rejected():
    text = replaced("camt054_v08.xml", '<Amt Ccy="SEK">500.25</Amt>', '<Amt Ccy="SEK">500.26</Amt>')
    with pytest.raises(PaymentFileError, match=r"^entry 3: entry amount 1\xa0500,25 SEK does not equal"):
        parse_text(text)


@pytest.mark.parametrize("old, new, message", [
    ("<Sum>3700.00</Sum>", "<Sum>3701.00</Sum>",
     "notification 1: TxsSummry/TtlCdtNtries/Sum 3\u00a0701,00 does not equal the sum of the entries 3\u00a0700,00"),
    ("<NbOfNtries>3</NbOfNtries>", "<NbOfNtries>4</NbOfNtries>",
     "notification 1: TxsSummry/TtlNtries counts 4 entries but the notification holds 3"),
    ("<Sum>50.00</Sum>", "<Sum>5.00</Sum>",
     "notification 1: TxsSummry/TtlDbtNtries/Sum 5,00 does not equal the sum of the entries 50,00"),
    ("<TtlNetNtryAmt>3650.00</TtlNetNtryAmt>", "<TtlNetNtryAmt>3750.00</TtlNetNtryAmt>",
     "notification 1: TxsSummry/TtlNtries/TtlNetNtryAmt 3\u00a0750,00 does not equal credits minus debits"),
])
def test_a_tampered_summary_is_rejected(old, new, message):
    with pytest.raises(PaymentFileError) as caught:
        parse_text(replaced("camt054_v02.xml", old, new))
    assert str(caught.value).startswith(message)


def test_a_tampered_summary_in_version_08_is_rejected():
    with pytest.raises(PaymentFileError, match="notification 1: TxsSummry/TtlCdtNtries/Sum"):
        parse_text(replaced("camt054_v08.xml", "<Sum>1899.75</Sum>", "<Sum>1899.70</Sum>"))


def test_a_reversal_refuses_the_file():
    # A reversal takes back money already reported; it must reach a person, not vanish.
    text = replaced("camt054_v02.xml", "<RvslInd>false</RvslInd>", "<RvslInd>true</RvslInd>")
    with pytest.raises(PaymentFileError, match=r"^entry 1: the entry reverses \(RvslInd\) an earlier booking"):
        parse_text(text)


def test_a_reversed_debit_is_refused_too():
    text = replaced("camt054_v02.xml", "<CdtDbtInd>DBIT</CdtDbtInd>",
                    "<CdtDbtInd>DBIT</CdtDbtInd>\n        <RvslInd>true</RvslInd>")
    with pytest.raises(PaymentFileError, match="^entry 3: the entry reverses"):
        parse_text(text)


@pytest.mark.parametrize("old, new, message", [
    ("<Amt Ccy=\"SEK\">1250.00</Amt>", "<Amt Ccy=\"SEK\">1250.005</Amt>", "entry 1: amount '1250.005' is not"),
    ("<Amt Ccy=\"SEK\">1250.00</Amt>", "<Amt Ccy=\"SEK\">-1250.00</Amt>", "entry 1: amount '-1250.00' is not"),
    ('1250.00</Amt>\n        <CdtDbtInd>CRDT</CdtDbtInd>', '1250.00</Amt>\n        <CdtDbtInd>CREDIT</CdtDbtInd>',
     "entry 1: CdtDbtInd 'CREDIT' is neither"),
    ("<CdtDbtInd>CRDT</CdtDbtInd>", "<CdtDbtInd>CREDIT</CdtDbtInd>",  # the first is TxsSummry's
     "notification 1: TxsSummry/TtlNtries/CdtDbtInd 'CREDIT' is neither"),
    ("<Dt>2026-11-19</Dt>", "<Dt>2026-11-31</Dt>", "entry 1: invalid date '2026-11-31' in BookgDt/Dt"),
    ("<Sts>BOOK</Sts>", "", "entry 1: the entry has no status (Sts)"),
    ("<AcctSvcrRef>BG20261119000101-1</AcctSvcrRef>", "", None),
])
def test_bad_entries_are_rejected_with_their_number(old, new, message):
    text = replaced("camt054_v02.xml", old, new)
    if message is None:  # without its own reference a transaction falls back to the entry's
        assert parse_text(text).payments[0].reference == "BG20261119000101"
        return
    with pytest.raises(PaymentFileError) as caught:
        parse_text(text)
    assert str(caught.value).startswith(message)


def test_a_payment_without_any_bank_reference_is_rejected():
    text = replaced("camt054_v08.xml", "<NtryRef>E4</NtryRef>", "")
    with pytest.raises(PaymentFileError, match="^entry 4: no bank reference"):
        parse_text(text)


def test_two_payments_with_one_bank_reference_are_rejected():
    # Deduplication goes by reference: the second would otherwise vanish as a "duplicate".
    text = replaced("camt054_v02.xml", "BG20261120000102-2", "BG20261119000101-1")
    with pytest.raises(PaymentFileError, match="^entry 2: bank reference 'BG20261119000101-1' was already given "
                                               "to a payment of entry 1"):
        parse_text(text)


def test_a_transaction_without_amount_in_a_batch_is_rejected():
    text = replaced("camt054_v08.xml", '<Amt Ccy="SEK">1000.00</Amt>', "")
    with pytest.raises(PaymentFileError, match="^entry 3: a transaction of the entry states no amount"):
        parse_text(text)


def test_a_single_transaction_without_amount_takes_the_entry_amount():
    text = replaced("camt054_v08.xml", '<Amt Ccy="SEK">300.00</Amt>\n            <CdtDbtInd>CRDT</CdtDbtInd>', "")
    assert parse_text(text).payments[0].amount == Decimal("300.00")


@pytest.mark.parametrize("cut", [100, 2000, -30])
def test_malformed_xml_is_rejected_with_its_position(cut):
    data = fixture("camt054_v02.xml").encode("utf-8")[:cut]
    with pytest.raises(PaymentFileError, match=r"^malformed XML at line \d+, column \d+: "):
        parse(data)


def test_mismatched_tags_are_rejected():
    text = replaced("camt054_v02.xml", "</NtryRef>", "</NtryReff>")
    with pytest.raises(PaymentFileError, match="^malformed XML at line 36, column .*: mismatched tag"):
        parse_text(text)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Document [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>&lol9;</MsgId></GrpHdr></BkToCstmrDbtCdtNtfctn></Document>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn>
<GrpHdr><MsgId>&secret;</MsgId></GrpHdr></BkToCstmrDbtCdtNtfctn></Document>
"""

BARE_DOCTYPE = """<?xml version="1.0"?>
<!DOCTYPE Document SYSTEM "http://example.invalid/camt.dtd">
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn/></Document>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY, BARE_DOCTYPE])
def test_dtds_and_entities_are_refused(text):
    for read in (parse, detect_format):
        with pytest.raises(PaymentFileError, match="XML with a document type declaration or entities is refused"):
            read(text.encode("utf-8"))


def test_a_dtd_is_refused_even_when_the_format_is_given():
    with pytest.raises(PaymentFileError, match="refused"):
        parse(EXTERNAL_ENTITY.encode("utf-8"), "camt054")


def test_another_iso_message_is_not_a_camt054_file():
    text = fixture("camt054_v02.xml").replace("camt.054.001.02", "camt.053.001.02")
    with pytest.raises(PaymentFileError, match=r"^not a BgMax, camt.054 or CSV payment file \(an XML file whose "
                                               r"root is \{urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\}Document\)"):
        parse_text(text)
    with pytest.raises(PaymentFileError, match="^not a camt.054 notification"):
        parse(text.encode("utf-8"), "camt054")
