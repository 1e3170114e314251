"""camt.054: the ISO 20022 BankToCustomerDebitCreditNotification, as banks send it in XML.

    Document/BkToCstmrDbtCdtNtfctn/GrpHdr/CreDtTm
                                  /Ntfctn/Acct/Id/(IBAN | Othr/Id)
                                         /TxsSummry/(TtlNtries | TtlCdtNtries | TtlDbtNtries)
                                         /Ntry/(Amt, CdtDbtInd, RvslInd, Sts, BookgDt, ValDt,
                                                AcctSvcrRef, NtryDtls/TxDtls*)

Versions 001.02 to today differ in details we read: the entry status is a bare code in
02 and `Sts/Cd` later; a transaction's own `Amt` exists from 03 on (02 has only
`AmtDtls`); the debtor is `Dbtr/Nm` up to 07 and `Dbtr/Pty/Nm` from 08. Namespaces are
stripped after the root has been checked, so one reader serves every version.

Only booked credit entries become payments; each of their transactions is one payment.
The XML is parsed with defusedxml and any DTD is refused: a bank file never needs one, and
entity expansion is how a hostile file exhausts memory or reads our disk.
"""
import datetime
import re
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from core.money import MAX_AMOUNT, format_sek

from .records import ParsedDeposit, ParsedFile, ParsedPayment, PaymentFileError, checked_date, is_currency_code

NAMESPACE = re.compile(r"^\{urn:iso:std:iso:20022:tech:xsd:camt\.054\.001\.(\d\d)\}Document$")
OLDEST_VERSION = 2
_AMOUNT = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,5})?")  # ASCII digits: \d and Decimal() read any script's
_COUNT = re.compile(r"[0-9]{1,15}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CENT = Decimal("0.01")
_BANKGIRO_SCHEMES = {"BGNR"}  # Swedish banks name a bankgiro account so in Othr/SchmeNm/Prtry


def root_tag(data: bytes) -> str:
    """The `{namespace}Name` of the document's root element, read safely."""
    return _load(data).tag


def is_camt054_root(tag: str) -> bool:
    match = NAMESPACE.match(tag)
    return bool(match) and int(match.group(1)) >= OLDEST_VERSION


def parse(data: bytes, *, today: datetime.date | None = None) -> ParsedFile:
    """Read a camt.054 notification, or raise PaymentFileError naming the first bad entry.

    `today`: a payment booked after it, or a file created after it, is refused."""
    root = _load(data)
    if not is_camt054_root(root.tag):
        raise PaymentFileError(f"not a camt.054 notification: the XML root is {root.tag}")
    _strip_namespaces(root)
    message = root.find("BkToCstmrDbtCdtNtfctn")
    if message is None:
        raise PaymentFileError("not a camt.054 notification: the document has no BkToCstmrDbtCdtNtfctn")
    created = _text(message, "GrpHdr/CreDtTm")
    payments, deposits, notices, entry_number = [], [], [], 0
    for ordinal, notification in enumerate(message.findall("Ntfctn"), start=1):
        account = _text(notification, "Acct/Id/IBAN") or _text(notification, "Acct/Id/Othr/Id")
        taken = []
        for entry in notification.findall("Ntry"):
            entry_number += 1
            taken.extend(_entry_payments(entry, entry_number, account, notices, today))
        _check_summary(notification, ordinal)
        payments.extend(taken)
        deposits.append(ParsedDeposit(
            record=ordinal, receiver_account=account, paid_on=None,
            amount=sum((p.amount for p in taken), Decimal("0.00")),
            currency=taken[0].currency if taken else _text(notification, "Acct/Ccy"),
            payment_count=len(taken), reference=_text(notification, "Id")))
    _check_unique_references(payments)
    return ParsedFile(format="camt054", created_at=_datetime(created, today) if created else None, test_file=False,
                      payments=tuple(payments), deposits=tuple(deposits), notices=tuple(notices))


def _check_unique_references(payments: list[ParsedPayment]) -> None:
    """Re-imports are recognised by reference: a second payment with the same one would vanish."""
    seen: dict[str, int] = {}
    for payment in payments:
        if payment.reference in seen:
            raise PaymentFileError(f"bank reference {payment.reference!r} was already given to a payment of entry "
                                   f"{seen[payment.reference]}", record=payment.record, unit="entry")
        seen[payment.reference] = payment.record


def _load(data: bytes) -> Element:
    try:
        return safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as refused:
        raise PaymentFileError(
            f"XML with a document type declaration or entities is refused ({type(refused).__name__}); "
            "bank payment files never contain one") from None
    except ParseError as error:
        line, column = error.position
        reason = str(error).split(":", 1)[0]
        raise PaymentFileError(f"malformed XML at line {line}, column {column + 1}: {reason}") from None
    except (LookupError, ValueError) as error:  # expat on an unknown or a multi-byte declared encoding
        raise PaymentFileError(f"unreadable XML: {str(error)[:80]}") from None


def _strip_namespaces(root: Element) -> None:
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]


def _entry_payments(entry: Element, number: int, account: str, notices: list[str], today: datetime.date | None
                    ) -> list[ParsedPayment]:
    """The payments one entry holds: none for a debit or an unbooked entry, else one per transaction."""
    amount, currency = _amount(entry, "Amt", number)
    direction = _text(entry, "CdtDbtInd")
    if direction not in ("CRDT", "DBIT"):
        raise PaymentFileError(f"CdtDbtInd {direction!r} is neither CRDT nor DBIT", record=number, unit="entry")
    if _text(entry, "RvslInd").lower() in ("true", "1"):
        # A reversal takes back money the ledger may already have allocated: neither
        # importing it as a payment nor skipping it silently is right, so a person decides.
        raise PaymentFileError(
            f"the entry reverses (RvslInd) an earlier booking of {format_sek(amount)} {currency}; reversals are "
            "not imported automatically, so the file is refused: handle the reversal by hand", record=number,
            unit="entry")
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    if not status:
        raise PaymentFileError("the entry has no status (Sts)", record=number, unit="entry")
    if direction != "CRDT" or status != "BOOK":
        what = "debit" if direction == "DBIT" else "credit"
        notices.append(f"entry {number}: {what} of {format_sek(amount)} {currency} with status {status} "
                       "skipped (only booked credits are payments)")
        return []
    paid_on = _entry_date(entry, number, today)
    entry_reference = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef")
    transactions = entry.findall("NtryDtls/TxDtls")
    for batch in entry.findall("NtryDtls/Btch"):
        _count(batch, "NbOfTxs", number, "entry", "NtryDtls/Btch/")
    if not transactions:
        return [_payment(entry, number, amount, currency, paid_on, entry_reference, account)]
    amounts = [_transaction_amount(tx, entry, len(transactions), number) for tx in transactions]
    total = sum((tx_amount for tx_amount, _ in amounts), Decimal("0.00"))
    if total != amount or any(tx_currency != currency for _, tx_currency in amounts):
        raise PaymentFileError(
            f"entry amount {format_sek(amount)} {currency} does not equal the sum of its {len(transactions)} "
            f"transactions {format_sek(total)} {'/'.join(sorted({c for _, c in amounts}))}", record=number,
            unit="entry")
    return [
        _payment(tx, number, tx_amount, currency, paid_on,
                 _text(tx, "Refs/AcctSvcrRef") or _suffixed(entry_reference, index, len(transactions)), account)
        for index, (tx, (tx_amount, _)) in enumerate(zip(transactions, amounts), start=1)
    ]


def _suffixed(reference: str, index: int, count: int) -> str:
    """An entry's reference made unique per transaction when the bank gave none of its own."""
    return f"{reference}/{index}" if reference and count > 1 else reference


def _transaction_amount(tx: Element, entry: Element, count: int, number: int) -> tuple[Decimal, str]:
    """Signed like the entry: a debit inside a credit batch (a fee, say) counts against it."""
    for path in ("Amt", "AmtDtls/TxAmt/Amt"):
        if tx.find(path) is not None:
            amount, currency = _amount(tx, path, number)
            break
    else:
        if count != 1:
            raise PaymentFileError("a transaction of the entry states no amount (Amt or AmtDtls/TxAmt)",
                                   record=number, unit="entry")
        amount, currency = _amount(entry, "Amt", number)
    direction = _text(tx, "CdtDbtInd") or _text(entry, "CdtDbtInd")
    return (-amount if direction != _text(entry, "CdtDbtInd") else amount), currency


def _payment(source: Element, number: int, amount: Decimal, currency: str, paid_on: datetime.date,
             reference: str, account: str) -> ParsedPayment:
    """One payment from a TxDtls, or from the entry itself when it has no details."""
    if not reference:
        raise PaymentFileError("no bank reference (AcctSvcrRef or NtryRef) to recognise the payment by on a "
                               "second import", record=number, unit="entry")
    structured = [ref.text.strip() for ref in source.findall("RmtInf/Strd/CdtrRefInf/Ref") if ref.text]
    ocr = [ref for ref in structured if ref.isascii() and ref.isdigit()]
    free = [ref for ref in structured if ref not in ocr]
    free += [text.text.strip() for text in source.findall("RmtInf/Ustrd") if text.text and text.text.strip()]
    if source.tag == "Ntry" and _text(source, "AddtlNtryInf"):
        free.append(_text(source, "AddtlNtryInf"))
    debtor = source.find("RltdPties/Dbtr/Pty")
    if debtor is None:
        debtor = source.find("RltdPties/Dbtr")
    return ParsedPayment(
        record=number, amount=amount, currency=currency, paid_on=paid_on,
        ocr_reference=ocr[0] if ocr else "", reference=reference, free_text=" ".join(free),
        payer=_text(debtor, "Nm") if debtor is not None else "",
        payer_address=_address(debtor.find("PstlAdr")) if debtor is not None else "",
        payer_org_number=_text(debtor, "Id/OrgId/Othr/Id") if debtor is not None else "",
        sender_bankgiro=_bankgiro(source.find("RltdPties/DbtrAcct/Id/Othr")),
        receiver_account=account, extra_references=tuple(ocr[1:]),
    )


def _address(postal: Element | None) -> str:
    if postal is None:
        return ""
    lines = [_text(line, ".") for line in postal.findall("AdrLine")]
    street = " ".join(filter(None, [_text(postal, "StrtNm"), _text(postal, "BldgNb")]))
    town = " ".join(filter(None, [_text(postal, "PstCd"), _text(postal, "TwnNm")]))
    return ", ".join(part for part in [*lines, street, town, _text(postal, "Ctry")] if part)


def _bankgiro(other: Element | None) -> str:
    if other is None:
        return ""
    scheme = _text(other, "SchmeNm/Prtry") or _text(other, "SchmeNm/Cd")
    return _text(other, "Id").replace("-", "") if scheme in _BANKGIRO_SCHEMES else ""


def _check_summary(notification: Element, ordinal: int) -> None:
    """TxsSummry restates the notification's entries; where it is given it must agree."""
    entries = [(_amount(e, "Amt", None)[0], _text(e, "CdtDbtInd")) for e in notification.findall("Ntry")]
    groups = {
        "TtlNtries": [amount for amount, _ in entries],
        "TtlCdtNtries": [amount for amount, direction in entries if direction == "CRDT"],
        "TtlDbtNtries": [amount for amount, direction in entries if direction == "DBIT"],
    }
    for name, amounts in groups.items():
        group = notification.find(f"TxsSummry/{name}")
        if group is None:
            continue
        stated_count = _count(group, "NbOfNtries", ordinal, "notification", f"TxsSummry/{name}/")
        if stated_count is not None and stated_count != len(amounts):
            raise PaymentFileError(f"TxsSummry/{name} counts {stated_count} entries but the notification holds "
                                   f"{len(amounts)}", record=ordinal, unit="notification")
        stated_sum = _text(group, "Sum")
        total = sum(amounts, Decimal("0.00"))
        if stated_sum:
            stated = _decimal(stated_sum, ordinal, field=f"TxsSummry/{name}/Sum", unit="notification", bounded=False)
            if stated != total:
                raise PaymentFileError(f"TxsSummry/{name}/Sum {format_sek(stated)} does not equal the sum of the "
                                       f"entries {format_sek(total)}", record=ordinal, unit="notification")
    _check_net(notification, groups["TtlCdtNtries"], groups["TtlDbtNtries"], ordinal)


def _check_net(notification: Element, credits: list[Decimal], debits: list[Decimal], ordinal: int) -> None:
    stated = _text(notification, "TxsSummry/TtlNtries/TtlNetNtryAmt")
    if not stated:
        return
    direction = _text(notification, "TxsSummry/TtlNtries/CdtDbtInd")
    if direction not in ("CRDT", "DBIT"):
        raise PaymentFileError(f"TxsSummry/TtlNtries/CdtDbtInd {direction!r} is neither CRDT nor DBIT",
                               record=ordinal, unit="notification")
    net = sum(credits, Decimal("0.00")) - sum(debits, Decimal("0.00"))
    signed = _decimal(stated, ordinal, field="TxsSummry/TtlNtries/TtlNetNtryAmt", unit="notification",
                      bounded=False) * (-1 if direction == "DBIT" else 1)
    if signed != net:
        raise PaymentFileError(f"TxsSummry/TtlNtries/TtlNetNtryAmt {format_sek(signed)} does not equal credits "
                               f"minus debits {format_sek(net)}", record=ordinal, unit="notification")


def _entry_date(entry: Element, number: int, today: datetime.date | None) -> datetime.date:
    for path in ("BookgDt/Dt", "BookgDt/DtTm", "ValDt/Dt", "ValDt/DtTm"):
        text = _text(entry, path)
        if text:
            try:
                if not _DATE.match(text):
                    raise ValueError(text)
                day = datetime.date.fromisoformat(text[:10])
            except ValueError:
                raise PaymentFileError(f"invalid date {text[:40]!r} in {path}", record=number, unit="entry") from None
            return checked_date(day, today=today, field=path, record=number, unit="entry")
    raise PaymentFileError("the entry has neither a booking date nor a value date", record=number, unit="entry")


def _amount(element: Element, path: str, number: int | None) -> tuple[Decimal, str]:
    found = element.find(path)
    if found is None:
        raise PaymentFileError(f"missing amount {path}", record=number, unit="entry")
    currency = found.get("Ccy", "")
    if not is_currency_code(currency):
        raise PaymentFileError(f"{path}/@Ccy {currency[:40]!r} is not a three-letter currency code", record=number,
                               unit="entry")
    return _decimal(found.text or "", number, field=path), currency


def _decimal(text: str, number: int | None, *, field: str, unit: str = "entry", bounded: bool = True) -> Decimal:
    """An amount in whole öre: more decimals than that would be money we cannot book. A payment's
    amount is within MAX_AMOUNT (core.money); a sum the file states (`bounded=False`) may exceed it."""
    text = text.strip()
    value = Decimal(text) if _AMOUNT.fullmatch(text) else None
    if value is None or value != value.quantize(_CENT):
        raise PaymentFileError(f"amount {text[:40]!r} is not a positive amount with at most two decimals ({field})",
                               record=number, unit=unit)
    if bounded and value > MAX_AMOUNT:
        raise PaymentFileError(f"amount {format_sek(value)} is beyond {format_sek(MAX_AMOUNT)}, the largest amount "
                               f"Fordra holds ({field})", record=number, unit=unit)
    return value.quantize(_CENT)


def _count(element: Element, path: str, number: int, unit: str, prefix: str = "") -> int | None:
    """A count the file states (NbOfNtries, NbOfTxs), or None when it states none."""
    text = _text(element, path)
    if not text:
        return None
    if not _COUNT.fullmatch(text):
        raise PaymentFileError(f"{prefix}{path} {text[:40]!r} is not a whole number", record=number, unit=unit)
    return int(text)


def _datetime(text: str, today: datetime.date | None) -> datetime.datetime:
    try:
        if not (text.isascii() and _DATE.match(text)):
            raise ValueError(text)
        created = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise PaymentFileError(f"invalid creation time GrpHdr/CreDtTm {text[:40]!r}") from None
    # A day's margin: the time zone the bank writes in may be a day ahead of ours.
    checked_date(created.date(), today=today and today + datetime.timedelta(days=1), field="GrpHdr/CreDtTm",
                 record=None)
    return created


def _text(element: Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""
