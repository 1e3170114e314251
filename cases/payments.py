"""Money in: a payment is allocated costs → interest → principal as of its payment date.

Interest is recomputed after every payment: the payment reduces the principal from the
day after it was paid, so the interest posted so far is trued up to the accrual on the
new principal timeline (an adjustment if a back-dated payment made it too high). A case
whose total reaches zero closes as paid and its pending steps are cancelled; what is paid
beyond the total is recorded as owed back to the debtor.
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import transaction

from core.errors import ValidationError
from core.money import ZERO, format_sek, round_ore

from . import interest
from .allocation import Allocation, Outstanding, allocate
from .events import log_event
from .ledger import balance_of, interest_until
from .models import FEE_KINDS, Case, Component, EntryKind, LedgerEntry, Payment, PaymentSource
from .services import case_transition, entry_post
from .stages import ClosedReason, OPEN_STAGES, Stage


def _ledger_of(case: Case) -> tuple[list[LedgerEntry], object, object]:
    """The case's entries (oldest first), the reference rates and its contractual rate, if any."""
    from dunning.selectors import contractual_rates, reference_rates

    entries = list(LedgerEntry.objects.filter(case=case).order_by("booked_on", "id"))
    return entries, reference_rates(), contractual_rates().get(case.debtor.category)


def fees_outstanding(entries, *, as_of: datetime.date) -> tuple[tuple[str, Decimal], ...]:
    """Each fee kind's unpaid amount, oldest charge first, counting charges booked by `as_of`."""
    charged: dict[str, Decimal] = defaultdict(lambda: ZERO)
    first_on: dict[str, datetime.date] = {}
    paid: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        if entry.component != Component.FEES:
            continue
        if entry.kind in FEE_KINDS:
            if entry.booked_on <= as_of:
                charged[entry.kind] += entry.amount
                first_on.setdefault(entry.kind, entry.booked_on)
        else:
            paid[entry.applies_to] -= entry.amount
    return tuple((kind, charged[kind] - paid[kind]) for kind in sorted(charged, key=lambda k: first_on[k])
                 if charged[kind] - paid[kind] > 0)


def _true_up_interest(case: Case, entries: list, *, on: datetime.date, rates, fixed_rate) -> None:
    """Post interest so that what is posted equals the accrual up to `on` (never beyond the close)."""
    movements = interest.principal_movements(entries)
    target = interest.accrued(movements=movements, due_date=case.invoice.due_date,
                              until=interest_until(case, on), rates=rates, fixed_rate=fixed_rate)
    difference = target - interest.interest_posted(entries)
    if difference > 0:
        entries.append(entry_post(case=case, kind=EntryKind.INTEREST, amount=difference, booked_on=on,
                                  text=f"Dröjsmålsränta till och med {on}"))
    elif difference < 0:
        entries.append(entry_post(case=case, kind=EntryKind.INTEREST_ADJUSTMENT, component=Component.INTEREST,
                                  amount=difference, booked_on=on, text="Rättelse av ränta efter betalning"))


def _post_allocation(case: Case, allocation: Allocation, *, on: datetime.date, kind: str, payment=None,
                     reference: str = "") -> list[LedgerEntry]:
    posted = []
    for fee_kind, amount in allocation.fees:
        posted.append(entry_post(case=case, kind=kind, component=Component.FEES, amount=-amount, booked_on=on,
                                 reference=reference, applies_to=fee_kind, payment=payment))
    for component, amount in ((Component.INTEREST, allocation.interest), (Component.PRINCIPAL, allocation.principal),
                              (Component.OVERPAYMENT, allocation.overpayment)):
        if amount > 0:
            posted.append(entry_post(case=case, kind=kind, component=component, amount=-amount, booked_on=on,
                                     reference=reference, payment=payment))
    return posted


@transaction.atomic
def payment_register(*, case: Case, amount: Decimal, paid_on: datetime.date, source: str = PaymentSource.DIRECT,
                     reference: str = "", payer: str = "", actor=None, **details) -> Payment:
    """Record a payment for the case and allocate it (costs, interest, principal, overpayment).

    `details`: where it came from (file, record, account, free_text, ocr_reference). The
    returned payment carries its `allocation` (not stored: the ledger entries are)."""
    amount = Decimal(amount)
    if amount <= 0 or amount != round_ore(amount):
        raise ValidationError(f"a payment must be a positive amount in whole öre, not {amount}")
    if source not in PaymentSource.values:
        raise ValidationError(f"unknown payment source {source!r}")
    case = Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=case.pk)
    details.setdefault("ocr_reference", case.ocr_reference)
    payment = Payment.objects.create(creditor_id=case.creditor_id, case=case, amount=amount, currency=case.currency,
                                     paid_on=paid_on, source=source, reference=reference, payer=payer, **details)
    return payment_allocate(case, payment, actor=actor)


def payment_allocate(case: Case, payment: Payment, *, actor=None) -> Payment:
    """Allocate a stored payment of the (locked) case, log it, and close the case if settled."""
    amount, paid_on = payment.amount, payment.paid_on
    allocation = _reduce(case, amount, on=paid_on, kind=EntryKind.PAYMENT, payment=payment,
                         reference=payment.reference)
    log_event(case=case, code="cases.payment.allocated", actor=actor, on=paid_on,
              text=f"Betalning {format_sek(amount)} kr den {paid_on}: avgifter "
                   f"{format_sek(sum((a for _, a in allocation.fees), ZERO))}, ränta {format_sek(allocation.interest)}, "
                   f"kapital {format_sek(allocation.principal)}"
                   + (f", överbetalt {format_sek(allocation.overpayment)}" if allocation.overpayment else ""),
              data={"payment": payment.pk, "amount": str(amount), "paid_on": paid_on.isoformat(),
                    "source": payment.source, "fees": [[k, str(a)] for k, a in allocation.fees],
                    "interest": str(allocation.interest), "principal": str(allocation.principal),
                    "overpayment": str(allocation.overpayment)})
    _close_if_settled(case, on=paid_on, reason=ClosedReason.PAID, actor=actor)
    payment.allocation = allocation
    return payment


def _reduce(case: Case, amount: Decimal, *, on: datetime.date, kind: str, payment=None, reference="") -> Allocation:
    entries, rates, fixed = _ledger_of(case)
    last_interest = max((e.booked_on for e in entries if e.component == Component.INTEREST), default=on)
    _true_up_interest(case, entries, on=max(on, last_interest), rates=rates, fixed_rate=fixed)
    balance = balance_of(case, entries, as_of=on, rates=rates, fixed_rate=fixed)
    principal_now = sum((e.amount for e in entries if e.component == Component.PRINCIPAL), ZERO)
    outstanding = Outstanding(fees=fees_outstanding(entries, as_of=on), interest=balance.interest,
                              principal=principal_now)
    allocation = allocate(amount, outstanding)
    entries += _post_allocation(case, allocation, on=on, kind=kind, payment=payment, reference=reference)
    # The principal now stops accruing from the day after `on`: true up again.
    latest = max(on, last_interest)
    _true_up_interest(case, entries, on=latest, rates=rates, fixed_rate=fixed)
    _reallocate_overpaid_interest(case, entries, on=latest, rates=rates, fixed_rate=fixed)
    return allocation


def _reallocate_overpaid_interest(case: Case, entries: list, *, on: datetime.date, rates, fixed_rate) -> None:
    """A back-dated payment lowers the interest that later payments already paid: move the
    excess to principal (and past it, to overpayment), so no balance goes negative."""
    excess = -balance_of(case, entries, as_of=on, rates=rates, fixed_rate=fixed_rate).interest
    if excess <= 0:
        return
    principal = sum((e.amount for e in entries if e.component == Component.PRINCIPAL), ZERO)
    to_principal = min(excess, max(principal, ZERO))
    text = "Ränta som en senare registrerad betalning gjort obetald flyttas"
    entries.append(entry_post(case=case, kind=EntryKind.REALLOCATION, component=Component.INTEREST, amount=excess,
                              booked_on=on, text=text))
    if to_principal:
        entries.append(entry_post(case=case, kind=EntryKind.REALLOCATION, component=Component.PRINCIPAL,
                                  amount=-to_principal, booked_on=on, text=text))
    if excess - to_principal:
        entries.append(entry_post(case=case, kind=EntryKind.REALLOCATION, component=Component.OVERPAYMENT,
                                  amount=-(excess - to_principal), booked_on=on, text=text))
    _true_up_interest(case, entries, on=on, rates=rates, fixed_rate=fixed_rate)


def _close_if_settled(case: Case, *, on: datetime.date, reason: str, actor=None) -> None:
    from dunning.planning import case_replan

    from .holds import queue_cancel

    if case.stage == Stage.CLOSED:
        return
    entries, rates, fixed = _ledger_of(case)
    if balance_of(case, entries, as_of=on, rates=rates, fixed_rate=fixed).total <= 0:
        # Settled on `on`: a fee charged after that day (a reminder that crossed the
        # payment in the post) is not owed.
        latest = max(e.booked_on for e in entries)
        late_fees = balance_of(case, entries, as_of=latest, rates=rates, fixed_rate=fixed).fees
        if late_fees > 0:
            _reduce(case, late_fees, on=latest, kind=EntryKind.WRITE_OFF, reference="fee after payment")
        case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=reason)
        queue_cancel(case=case, on=on)
    elif case.stage in OPEN_STAGES:
        case_replan(case)


@transaction.atomic
def credit_note_apply(*, case: Case, amount: Decimal, on: datetime.date, reference: str = "", actor=None) -> Case:
    """The creditor credits (part of) the invoice: it reduces the principal from the next day."""
    amount = Decimal(amount)
    case = Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=case.pk)
    principal = sum(LedgerEntry.objects.filter(case=case, component=Component.PRINCIPAL)
                    .values_list("amount", flat=True), ZERO)
    if amount <= 0 or amount > principal:
        raise ValidationError(f"a credit note reduces the unpaid principal ({format_sek(principal)} kr); "
                              f"{format_sek(amount)} kr is not possible")
    entry_post(case=case, kind=EntryKind.CREDIT, component=Component.PRINCIPAL, amount=-amount, booked_on=on,
               reference=reference, text="Kreditfaktura")
    entries, rates, fixed = _ledger_of(case)
    latest = max(e.booked_on for e in entries)
    _true_up_interest(case, entries, on=latest, rates=rates, fixed_rate=fixed)
    _reallocate_overpaid_interest(case, entries, on=latest, rates=rates, fixed_rate=fixed)
    log_event(case=case, code="cases.credit.applied", actor=actor, on=on, text=f"Kreditering {format_sek(amount)} kr",
              data={"amount": str(amount), "reference": reference})
    if amount == principal:
        _write_off_rest(case, on=on)
        case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=ClosedReason.CREDITED)
        from .holds import queue_cancel

        queue_cancel(case=case, on=on)
    else:
        _close_if_settled(case, on=on, reason=ClosedReason.PAID, actor=actor)
    return case


@transaction.atomic
def case_settle_by_creditor(*, case: Case, on: datetime.date, actor=None) -> Case:
    """The creditor reports the invoice settled with it (a ledger row with open amount 0):
    what is still owed on the case is written off, and it closes as paid."""
    from .holds import queue_cancel

    case = Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=case.pk)
    if case.stage == Stage.CLOSED:
        return case
    entries, rates, fixed = _ledger_of(case)
    latest = max(on, *(e.booked_on for e in entries))
    total = balance_of(case, entries, as_of=latest, rates=rates, fixed_rate=fixed).total
    if total > 0:
        _reduce(case, total, on=latest, kind=EntryKind.WRITE_OFF, reference="settled with the creditor")
    case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=ClosedReason.PAID,
                    text="Betald direkt till borgenären enligt dennes reskontra")
    queue_cancel(case=case, on=on)
    return case


def _write_off_rest(case: Case, *, on: datetime.date) -> None:
    """A claim credited in full owes no fees or interest either."""
    entries, rates, fixed = _ledger_of(case)
    latest = max(on, *(e.booked_on for e in entries))  # fees charged after the credit's date too
    balance = balance_of(case, entries, as_of=latest, rates=rates, fixed_rate=fixed)
    if balance.fees + balance.interest > 0:
        _reduce(case, balance.fees + balance.interest, on=latest, kind=EntryKind.WRITE_OFF,
                reference="credited in full")
