"""Build a letter's record: the recipient and every amount exactly as the letter will print them."""
import datetime

from cases.ledger import Balance
from cases.models import FEE_KINDS, EntryKind

from .models import LetterKind

KIND_OF_ACTION = {
    "reminder": LetterKind.REMINDER,
    "collection_demand": LetterKind.COLLECTION_DEMAND,
    "payment_order": LetterKind.PAYMENT_ORDER_NOTICE,
}


def recipient_of(debtor) -> dict:
    return {"name": debtor.name, "address": debtor.address, "postal_code": debtor.postal_code,
            "city": debtor.city, "country": debtor.country, "customer_number": debtor.customer_number}


def fee_lines(entries) -> list[dict]:
    """Each fee charged on the case, oldest first, with its label."""
    charged = sorted((e for e in entries if e.kind in FEE_KINDS), key=lambda e: e.booked_on)
    return [{"kind": e.kind, "label": EntryKind(e.kind).label, "amount": str(e.amount),
             "charged_on": e.booked_on.isoformat()} for e in charged]


def letter_values(*, case, action: str, sent_on: datetime.date, deadline, balance: Balance, fees: list[dict],
                  periods) -> dict:
    """A letter record's fields for a step (the cycle inserts many at once), step and status aside."""
    amounts = {
        "principal": str(balance.principal),
        "fees": fees,
        "fees_outstanding": str(balance.fees),
        "interest": {
            "amount": str(balance.interest),
            "periods": [{"start": p.start.isoformat(), "end": p.end.isoformat(), "days": p.days,
                         "principal": str(p.principal), "rate": str(p.rate)} for p in periods],
        },
        "total": str(balance.total),
    }
    return dict(
        creditor_id=case.creditor_id, case_id=case.pk, kind=KIND_OF_ACTION[action],
        language=case.debtor.language, sent_on=sent_on, deadline=deadline, ocr_reference=case.ocr_reference,
        bankgiro=case.creditor.bankgiro, recipient=recipient_of(case.debtor), amounts=amounts, total=balance.total,
    )
