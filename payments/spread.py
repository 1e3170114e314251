"""A payment that names several cases: spread across them, or kept whole for an agent.

A payer who pays three invoices with one payment names the other two as extra references
(BgMax TK22; camt.054 several structured references). The rule (issue #17):

- the cases are paid in order of due date (then in the order named), each its whole
  total as of the payment date — costs → interest → principal within each, by the rules
  one payment follows (`cases.reductions`) — and what is left goes to the last named:
  a part payment, or beyond its total an overpayment owed back. Every case but the last
  is thus paid in full and closes; nothing the debtor paid keeps escalating.
- the whole payment waits for an agent, unmatched, with the reason, when a reference
  names no case or several creditors' cases, when the payer deducted a credit note
  (TK23: which claim it reduces is a person's call), when the cases are in different
  currencies, when a named case owes nothing (the money may be meant for something else),
  or when the payment does not reach the last case (it is at most what the others owe,
  so a case the payer named would get nothing). Splitting it some other way would be a
  guess about the payer's intent.

`payment_batch` applies the rule to a file's payments in bulk and `payment_spread_register`
to one payment; a property test holds the two to the same ledgers.
"""
import datetime
from decimal import Decimal

from django.db import transaction

from cases.models import Case, EntryKind, Payment
from cases.reductions import Book, reduce
from core.money import MAX_AMOUNT, ZERO, format_sek
from dunning.balances import book_of

from .services import payment_allocate


def named_references(parsed) -> tuple[str, ...]:
    """The OCR references a payment names: its own, then its extra ones (TK22), each once."""
    found = []
    for reference in (parsed.ocr_reference, *parsed.extra_references):
        if reference and reference not in found:
            found.append(reference)
    return tuple(found)


def deducted_references(parsed) -> list[str]:
    """References the payer deducted a credit note for (BgMax TK23: a negative extra reference)."""
    return [extra.reference for extra in getattr(parsed, "extra_reference_details", ()) if extra.amount < 0]


def owed_in_full(book: Book, *, on: datetime.date) -> Decimal:
    """What a payment on `on` must be to pay the case's whole total, as `reduce` allocates it
    (worked out on a copy of the book: nothing is posted)."""
    scratch = Book(book.case, list(book.entries), book.rates, book.fixed_rate, pending=[], at=book.at)
    allocation = reduce(scratch, MAX_AMOUNT, on=on, kind=EntryKind.PAYMENT)
    return allocation.total - allocation.overpayment


def spread(amount: Decimal, books: list[Book], references: list[str], *, on: datetime.date
           ) -> tuple[list[tuple[Book, str, Decimal]], str]:
    """([(book, reference, part)] in the order paid, "") or ([], why the payment waits for an agent).

    `books` and `references`: the named cases' books, in the order the payer named them."""
    if len({book.case.currency for book in books}) > 1:
        return [], "the cases it names are in different currencies"
    named = sorted(zip(books, references), key=lambda pair: pair[0].case.invoice.due_date)  # stable: then as named
    owed = [owed_in_full(book, on=on) for book, _ in named]
    for (_, reference), total in zip(named, owed):
        if total <= 0:
            return [], f"the case with OCR reference {reference} owes nothing (paid or closed)"
    before_last = sum(owed[:-1], ZERO)
    if amount <= before_last:
        return [], (f"{format_sek(amount)} kr does not reach the last case ({named[-1][1]}): the cases due "
                    f"before it owe {format_sek(before_last)} kr")
    parts = [*owed[:-1], amount - before_last]
    return [(book, reference, part) for (book, reference), part in zip(named, parts)], ""


def several_reason(references, why: str) -> str:
    return f"names {len(references)} references ({', '.join(references)}): {why}"


@transaction.atomic
def payment_spread_register(*, cases: list[Case], references: list[str], amount: Decimal, paid_on: datetime.date,
                            source: str, actor=None, **details) -> list[Payment]:
    """One payment naming several cases (one creditor's, in the order named, by `references`),
    one at a time: the parts, each stored and allocated as `payment_register` does, or the
    whole payment stored unmatched with the reason. `details`: the Payment's other fields
    (reference, identity, account, payer, file, record, …)."""
    ids = sorted({case.pk for case in cases})
    locked = {case.pk: case for case in Case.objects.select_related("invoice", "debtor")
              .select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")}
    books = [book_of(locked[case.pk]) for case in cases]
    parts, why = spread(Decimal(amount), books, list(references), on=paid_on)
    fields = dict(paid_on=paid_on, source=source, **details)
    if why:
        reason = several_reason(references, why)[:200]
        return [Payment.objects.create(creditor_id=cases[0].creditor_id, case=None, amount=amount,
                                       currency=cases[0].currency, unmatched_reason=reason, **fields)]
    stored = []
    for number, (book, reference, part) in enumerate(parts, start=1):
        case = book.case
        payment = Payment.objects.create(creditor_id=case.creditor_id, case=case, amount=part, currency=case.currency,
                                         ocr_reference=reference, part=number, **fields)
        stored.append(payment_allocate(case, payment, actor=actor))
    return stored
