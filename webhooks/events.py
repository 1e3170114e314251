"""The event types a creditor can subscribe to, and the shape of each one's `data`.

Every body is `{"type": TYPE, "timestamp": ISO 8601, "data": {...}}` (Standard Webhooks);
`data` names Fordra's ids, which the REST API reads (`/api/v1/cases/{case}/`). The builders
take plain values so that the one-at-a-time services and the bulk paths send the same shape.
"""
import datetime
from decimal import Decimal

CASE_STAGE_CHANGED = "case.stage_changed"
CASE_CLOSED = "case.closed"
LETTER_SENT = "letter.sent"
PAYMENT_ALLOCATED = "payment.allocated"
DEBTOR_CATEGORY_CHANGED = "debtor.category_changed"
QUEUE_ITEM_CREATED = "queue.item_created"

EVENT_TYPES = (CASE_STAGE_CHANGED, CASE_CLOSED, LETTER_SENT, PAYMENT_ALLOCATED, DEBTOR_CATEGORY_CHANGED,
               QUEUE_ITEM_CREATED)


def _day(value) -> str | None:
    return value.isoformat() if isinstance(value, datetime.date) else value


def stage_changed(*, case_id: int, source: str, to: str, reason: str, on) -> dict:
    return {"case": case_id, "from": source, "to": to, "reason": reason, "on": _day(on)}


def case_closed(*, case_id: int, closed_reason: str, on) -> dict:
    return {"case": case_id, "closed_reason": closed_reason, "on": _day(on)}


def letter_sent(*, letter_id: int | None, case_id: int, kind: str, sent_on, deadline, total, currency: str,
                ocr_reference: str) -> dict:
    return {"letter": letter_id, "case": case_id, "kind": kind, "sent_on": _day(sent_on), "deadline": _day(deadline),
            "total": str(total), "currency": currency, "ocr_reference": ocr_reference}


def payment_allocated(*, payment_id: int, case_id: int, amount, currency: str, paid_on, source: str, fees,
                      interest, principal, overpayment) -> dict:
    return {"payment": payment_id, "case": case_id, "amount": str(amount), "currency": currency,
            "paid_on": _day(paid_on), "source": source,
            "allocation": {"fees": str(sum((Decimal(amount) for _, amount in fees), Decimal("0.00"))), "interest": str(interest),
                           "principal": str(principal), "overpayment": str(overpayment)}}


def category_changed(*, debtor_id: int, source: str, to: str, on) -> dict:
    return {"debtor": debtor_id, "from": source, "to": to, "on": _day(on)}


def queue_item_created(*, item_id: int | None, case_id: int, kind: str, due_on) -> dict:
    return {"queue_item": item_id, "case": case_id, "kind": kind, "due_on": _day(due_on)}
