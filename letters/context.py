"""What a letter's template is given: its record, and the details frozen at its first render.

`printed_snapshot` reads the creditor, the agency and the claim once; the snapshot is
stored on the letter, so a later change of the creditor's address or logo never changes
a letter already sent. `template_context` is a pure function of the letter and that
snapshot: the same letter always gives the same text.
"""
import datetime
from decimal import Decimal

from django.conf import settings

from core.money import round_ore

from .sandbox import logo_url
from .texts import FEE_LABELS, LABELS, TITLES

# Used where settings.FORDRA_AGENCY does not say (the demo); production sets them all.
AGENCY_DEFAULTS = {
    "name": "Fordra Inkasso AB", "org_number": "556703-7485", "address": "Box 1234", "postal_code": "111 84",
    "city": "Stockholm", "phone": "08-120 450 00", "email": "kundtjanst@fordra.se", "website": "fordra.se",
    "hours": "08–17",
}


def agency_details() -> dict:
    return {**AGENCY_DEFAULTS, **getattr(settings, "FORDRA_AGENCY", {})}


def printed_snapshot(letter, *, logo_name: str = "") -> dict:
    """The details beyond the record that the letter prints, as they are now."""
    creditor, case = letter.creditor, letter.case
    invoice = case.invoice
    return {
        "creditor": {"name": creditor.name, "org_number": creditor.org_number, "address": creditor.address,
                     "postal_code": creditor.postal_code, "city": creditor.city, "email": creditor.email,
                     "phone": creditor.phone},
        "agency": agency_details(),
        "claim": {"invoice_number": invoice.invoice_number, "invoice_date": invoice.invoice_date.isoformat(),
                  "due_date": invoice.due_date.isoformat(), "amount": str(invoice.amount),
                  "currency": invoice.currency},
        "consumer": case.debtor.is_consumer,
        "logo": logo_name,
    }


def template_context(letter, printed: dict) -> dict:
    language = letter.language if letter.language in LABELS else "sv"
    amounts = letter.amounts
    interest = amounts.get("interest") or {"amount": "0.00", "periods": []}
    periods = interest.get("periods") or []
    fees = [{**fee, "label": FEE_LABELS[language].get(fee["kind"], fee.get("label", fee["kind"]))}
            for fee in amounts.get("fees", [])]
    return {
        "letter": letter, "lang": language, "t": LABELS[language], "title": TITLES[language][letter.kind],
        "recipient": letter.recipient, "creditor": printed["creditor"], "agency": printed["agency"],
        "claim": printed["claim"], "consumer": printed.get("consumer", True),
        "logo_url": logo_url(letter.creditor_id) if printed.get("logo") else "",
        "principal": amounts.get("principal"), "fees": fees, "fees_outstanding": amounts.get("fees_outstanding"),
        "interest": interest["amount"], "periods": periods, "rate": periods[-1]["rate"] if periods else None,
        "interest_per_day": _per_day(periods[-1]) if periods else None,
        "interest_until": periods[-1]["end"] if periods else None,
        "total": amounts.get("total", str(letter.total)), "instalments": amounts.get("instalments", []),
        "sent_on": letter.sent_on, "deadline": letter.deadline, "ocr": letter.ocr_reference,
        "bankgiro": letter.bankgiro,
    }


def _per_day(period: dict) -> Decimal:
    """The interest one more day adds, as the letter says it (rounded to öre)."""
    return round_ore(Decimal(period["principal"]) * Decimal(period["rate"]) / Decimal(100) / Decimal(365))


def as_date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value
