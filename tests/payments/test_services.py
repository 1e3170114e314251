"""Payments: costs → interest → principal as of the payment date; nothing created or lost."""
import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, Component, EntryKind, LedgerEntry, Payment
from cases.services import entry_post
from cases.stages import ClosedReason, Stage
from core.errors import ValidationError
from core.tenancy import creditor_scope
from dunning.balances import case_balance
from dunning.models import QueueItem
from law.allocation import Outstanding, allocate
from payments.services import credit_note_apply, payment_register
from tests.factories import make_case

D = datetime.date


def reload(case):
    return Case.objects.select_related("invoice", "debtor").get(pk=case.pk)


def test_worked_example_interest_across_the_half_year(scoped):
    # 10 000,00 due 2025-06-20, paid in full 2025-07-10: 10 days at 11 % + 10 days at 10 % = 57.53.
    case = make_case(scoped, amount="10000.00", due_date=D(2025, 6, 20))
    assert case_balance(case, as_of=D(2025, 7, 10)).interest == Decimal("57.53")
    payment_register(case=case, amount=Decimal("10057.53"), paid_on=D(2025, 7, 10))
    case = reload(case)
    assert (case.stage, case.closed_reason, case.closed_on) == (Stage.CLOSED, ClosedReason.PAID, D(2025, 7, 10))
    assert LedgerEntry.objects.get(case=case, kind=EntryKind.INTEREST).amount == Decimal("57.53")
    assert case_balance(case, as_of=D(2026, 1, 1)).total == Decimal("0.00")


def test_costs_first_then_interest_then_principal(scoped):
    case = make_case(scoped, amount="1000.00", due_date=D(2026, 3, 2))
    entry_post(case=case, kind=EntryKind.REMINDER_FEE, amount=Decimal("60.00"), booked_on=D(2026, 3, 12))
    entry_post(case=case, kind=EntryKind.COLLECTION_FEE, amount=Decimal("180.00"), booked_on=D(2026, 3, 30))
    # Paid 2026-04-01: 30 days at 10 % on 1 000 = 8.219… → 8.22 interest.
    payment_register(case=case, amount=Decimal("200.00"), paid_on=D(2026, 4, 1))
    paid = {(e.applies_to or e.component): -e.amount for e in LedgerEntry.objects.filter(case=case, kind="payment")}
    assert paid == {"reminder_fee": Decimal("60.00"), "collection_fee": Decimal("140.00")}  # oldest fee first
    payment_register(case=case, amount=Decimal("100.00"), paid_on=D(2026, 4, 1))
    balance = case_balance(case, as_of=D(2026, 4, 1))
    assert (balance.fees, balance.interest, balance.principal) == (Decimal("0.00"), Decimal("0.00"), Decimal("948.22"))


def test_interest_stops_on_what_a_payment_pays_from_the_next_day(scoped):
    case = make_case(scoped, amount="1000.00", due_date=D(2026, 3, 2))
    payment_register(case=case, amount=Decimal("500.00"), paid_on=D(2026, 3, 12))  # 10 days: 2.74 interest
    # Then 497.26 … principal runs on: 1000 − (500 − 2.74) = 502.74 for 19 more days → 2.616… → total 5.36
    balance = case_balance(case, as_of=D(2026, 3, 31))
    assert balance.principal == Decimal("502.74")
    assert balance.interest == Decimal("2.62")


def test_an_overpayment_is_owed_back_and_the_case_closes(scoped):
    case = make_case(scoped, amount="1000.00", due_date=D(2026, 3, 2))
    QueueItem.objects.create(creditor=scoped, case=case, kind="phone_call", created_on=D(2026, 3, 3), due_on=D(2026, 3, 3))
    payment_register(case=case, amount=Decimal("1100.00"), paid_on=D(2026, 3, 2))
    case = reload(case)
    assert case.stage == Stage.CLOSED and case.next_step_on is None
    assert case_balance(case, as_of=D(2026, 3, 2)).overpayment == Decimal("100.00")
    assert not QueueItem.objects.filter(case=case, outcome="").exists()  # pending work cancelled


def test_a_backdated_payment_corrects_interest_already_posted(scoped):
    case = make_case(scoped, amount="1000.00", due_date=D(2026, 3, 2))
    payment_register(case=case, amount=Decimal("10.00"), paid_on=D(2026, 5, 1))  # posts interest to 1 May
    payment_register(case=case, amount=Decimal("900.00"), paid_on=D(2026, 3, 12))  # arrives late, paid earlier
    posted = sum(LedgerEntry.objects.filter(case=case, kind__in=["interest", "interest_adjustment"])
                 .values_list("amount", flat=True))
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.INTEREST_ADJUSTMENT).exists()
    balance = case_balance(case, as_of=D(2026, 5, 1))
    # 900 on 12 March paid 2.74 interest and 897.26 principal; 102.74 then ran 50 days (1.407…):
    # 4.15 interest in all, but 2.74 + 10.00 was paid as interest: 8.59 moves to principal.
    assert posted == Decimal("4.15")
    assert (balance.interest, balance.principal) == (Decimal("0.00"), Decimal("94.15"))
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.REALLOCATION).count() == 2


def test_a_credit_note_in_full_closes_as_credited(scoped):
    case = make_case(scoped, amount="1000.00", due_date=D(2026, 3, 2))
    entry_post(case=case, kind=EntryKind.REMINDER_FEE, amount=Decimal("60.00"), booked_on=D(2026, 3, 12))
    with pytest.raises(ValidationError):
        credit_note_apply(case=case, amount=Decimal("1000.01"), on=D(2026, 3, 20))
    credit_note_apply(case=case, amount=Decimal("1000.00"), on=D(2026, 3, 20))
    case = reload(case)
    assert (case.stage, case.closed_reason) == (Stage.CLOSED, ClosedReason.CREDITED)
    assert case_balance(case, as_of=D(2026, 12, 31)).total == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0", "-5", "1.005"])
def test_a_payment_must_be_positive_whole_ore(scoped, amount):
    case = make_case(scoped)
    with pytest.raises(ValidationError):
        payment_register(case=case, amount=Decimal(amount), paid_on=D(2026, 10, 5))
    assert not Payment.objects.exists()


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2)


@given(amount=money, fees=st.lists(money, max_size=3), interest=st.decimals(0, 1000, places=2),
       principal=st.decimals(0, 100000, places=2))
def test_allocation_creates_and_loses_nothing(amount, fees, interest, principal):
    outstanding = Outstanding(tuple((f"fee{i}", f) for i, f in enumerate(fees)), interest, principal)
    result = allocate(amount, outstanding)
    assert result.total == amount
    for (kind, paid), (_, owed) in zip(result.fees, outstanding.fees):
        assert 0 < paid <= owed
    assert 0 <= result.interest <= interest and 0 <= result.principal <= principal and result.overpayment >= 0
    owed_costs = sum(fees, Decimal(0))
    if amount <= owed_costs:  # costs first: nothing reaches interest or principal
        assert result.interest == result.principal == result.overpayment == 0
    if result.principal > 0:
        assert result.interest == interest and sum(p for _, p in result.fees) == owed_costs
    if result.overpayment > 0:
        assert result.principal == principal


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["pay", "fee", "credit"]), money, st.integers(0, 120)),
                      min_size=1, max_size=6))
def test_any_sequence_of_charges_and_payments_keeps_every_ore(creditor, steps):
    with creditor_scope(creditor):
        case = make_case(creditor, amount="5000.00", due_date=D(2026, 1, 15))
        paid_in = Decimal(0)
        for kind, amount, offset in steps:
            day = D(2026, 1, 15) + datetime.timedelta(days=offset)
            if reload(case).stage == Stage.CLOSED and kind != "pay":
                continue
            if kind == "pay":
                payment_register(case=case, amount=amount, paid_on=day)
                paid_in += amount
            elif kind == "fee":
                entry_post(case=case, kind=EntryKind.REMINDER_FEE, amount=min(amount, Decimal(60)), booked_on=day)
            else:
                principal = case_balance(case, as_of=D(2026, 12, 31)).principal
                if 0 < min(amount, principal):
                    credit_note_apply(case=case, amount=min(amount, principal), on=day)
        payments = LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT)
        assert -sum(p.amount for p in payments) == paid_in  # every öre paid is on the ledger
        end = D(2026, 12, 31)
        balance = case_balance(case, as_of=end)
        assert balance.principal >= 0 and balance.fees >= 0 and balance.interest >= 0 and balance.overpayment >= 0
        by_component = {c: sum(e.amount for e in LedgerEntry.objects.filter(case=case, component=c))
                        for c in (Component.PRINCIPAL, Component.FEES)}
        assert balance.principal == by_component[Component.PRINCIPAL]
        assert balance.fees == by_component[Component.FEES]
        assert reload(case).stage != Stage.CLOSED or balance.total == 0
