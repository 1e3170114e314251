"""Build a letter's record: the recipient and every amount exactly as the letter will print them."""
import datetime
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone, translation

from cases.interest import entries_of
from cases.interest import periods as interest_periods_of
from cases.ledger import Balance, balance_of, interest_until
from cases.models import FEE_KINDS, Component, EntryKind
from law.actions import Action
from law.interest import ReferenceRates

from .models import LetterKind, LetterStatus

KIND_OF_ACTION = {
    Action.REMINDER: LetterKind.REMINDER,
    Action.COLLECTION_DEMAND: LetterKind.COLLECTION_DEMAND,
    Action.PAYMENT_ORDER: LetterKind.PAYMENT_ORDER_NOTICE,
}


def recipient_of(debtor) -> dict:
    return {"name": debtor.name, "address": debtor.address, "postal_code": debtor.postal_code,
            "city": debtor.city, "country": debtor.country, "customer_number": debtor.customer_number}


def fee_lines(entries) -> list[dict]:
    """Each fee charged on the case, oldest first, with its label: in Swedish, as the record
    stores it, whatever the language of the page whose action wrote the letter."""
    charged = sorted((e for e in entries if e.kind in FEE_KINDS), key=lambda e: e.booked_on)
    with translation.override("sv"):
        return [{"kind": e.kind, "label": str(EntryKind(e.kind).label), "amount": str(e.amount),
                 "charged_on": e.booked_on.isoformat()} for e in charged]


class LetterRow(NamedTuple):
    """A Letter to insert, pending rendering, as `letter_row` builds it for a step."""

    creditor_id: int
    case_id: int
    step_id: int | None
    kind: str
    language: str
    sent_on: datetime.date
    deadline: datetime.date | None
    ocr_reference: str
    bankgiro: str
    recipient: dict
    amounts: dict
    total: Decimal
    status: str
    created_at: datetime.datetime


def letter_row(*, case, action: str, sent_on: datetime.date, deadline, balance: Balance, fees: list[dict], periods,
               step_id: int | None = None, at: datetime.datetime | None = None) -> LetterRow:
    """The letter a step sends (`step_id`), as a row: the daily cycle inserts many at once."""
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
    return LetterRow(
        creditor_id=case.creditor_id, case_id=case.pk, step_id=step_id, kind=KIND_OF_ACTION[action],
        language=case.debtor.language, sent_on=sent_on, deadline=deadline, ocr_reference=case.ocr_reference,
        bankgiro=case.creditor.bankgiro, recipient=recipient_of(case.debtor), amounts=amounts, total=balance.total,
        status=LetterStatus.PENDING, created_at=at or timezone.now(),
    )


def letter_values(*, case, action: str, sent_on: datetime.date, deadline, balance: Balance, fees: list[dict],
                  periods) -> dict:
    """A letter record's fields (`letter_row`'s), step, status and time aside."""
    values = letter_row(case=case, action=action, sent_on=sent_on, deadline=deadline, balance=balance, fees=fees,
                        periods=periods)._asdict()
    for name in ("step_id", "status", "created_at"):
        del values[name]
    return values


def case_letter_values(*, case, kind: str, sent_on: datetime.date, deadline, rates: ReferenceRates,
                       fixed_rate: Decimal | None) -> dict:
    """A letter record's fields for a case as it stands on `sent_on`, outside the daily cycle
    (a payment plan; tests). Reads the case's ledger; the interest rates are the caller's
    (`dunning.balances`: the law's reference rates, the policy's contractual rate)."""
    entries = [e for e in entries_of(case) if e.booked_on <= sent_on]
    balance = balance_of(case, entries, as_of=sent_on, rates=rates, fixed_rate=fixed_rate)
    movements = [(e.booked_on, e.amount) for e in entries if e.component == Component.PRINCIPAL]
    periods = interest_periods_of(movements=movements, due_date=case.invoice.due_date,
                                  until=interest_until(case, sent_on), rates=rates, fixed_rate=fixed_rate)
    action = {value: key for key, value in KIND_OF_ACTION.items()}.get(kind, Action.REMINDER)
    values = letter_values(case=case, action=action, sent_on=sent_on, deadline=deadline, balance=balance,
                           fees=fee_lines(entries), periods=periods)
    values["kind"] = kind
    return values
