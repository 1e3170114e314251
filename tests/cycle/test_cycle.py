"""The daily cycle through the database: ladders, fees, letters, holds, agents' decisions."""
import datetime
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import EntryKind, LedgerEntry
from cases.stages import ClosedReason, Stage
from cases.timeline import event_text
from core.errors import Conflict
from cycle.run import run_cycle
from debtors.models import Category, CustomerType
from dunning.balances import case_balance
from dunning.holds import case_dispute, case_pause, case_promise, case_resume, case_withdraw
from dunning.queue import queue_decide
from dunning.models import AppliedStep, Outcome, Policy, QueueItem, QueueKind
from letters.models import Letter
from tests.cycling import fees, reload, run_days
from tests.factories import DebtorFactory, make_case

D = datetime.date
DUE = D(2026, 3, 2)  # a Monday


@pytest.fixture
def case(scoped):
    return make_case(scoped, amount="1000.00", due_date=DUE, reminder_fee_agreed=True)


def test_a_new_case_is_planned_at_once(case):
    assert (case.next_action, case.next_step_on) == ("reminder", D(2026, 3, 12))


def test_normal_ladder_from_reminder_to_payment_order(scoped, case, supervisor):
    assert run_days(scoped, DUE, D(2026, 4, 30)) == [(D(2026, 3, 12), "reminder"), (D(2026, 3, 30), "collection_demand")]
    case = reload(case)
    assert case.stage == Stage.COLLECTION
    assert fees(case) == [("collection_fee", Decimal("180.00")), ("reminder_fee", Decimal("60.00"))]
    reminder, demand = Letter.objects.filter(case=case).order_by("sent_on")
    assert (reminder.kind, reminder.deadline, reminder.ocr_reference) == ("reminder", D(2026, 3, 23), case.ocr_reference)
    # 10 days of interest at 10 % on 1 000,00 = 2.739… → 2.74
    assert reminder.amounts["interest"]["amount"] == "2.74" and reminder.total == Decimal("1062.74")
    assert demand.deadline == D(2026, 4, 9)
    assert [p["rate"] for p in demand.amounts["interest"]["periods"]] == ["10.00"]
    review = QueueItem.objects.get(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    assert review.created_on == D(2026, 4, 23) and case.next_step_on is None  # waits for the agent
    queue_decide(item=review, outcome=Outcome.APPROVED, on=D(2026, 4, 28), actor=supervisor)
    assert run_days(scoped, D(2026, 4, 28), D(2026, 4, 28)) == [(D(2026, 4, 28), "payment_order")]
    case = reload(case)
    assert case.stage == Stage.LEGAL
    assert ("payment_order_fee", Decimal("300.00")) in fees(case)
    assert LedgerEntry.objects.filter(case=case, kind=EntryKind.PAYMENT_ORDER_WORK, amount=Decimal("380.00")).exists()
    assert Letter.objects.filter(case=case, kind="payment_order_notice").exists()
    codes = list(case.events.values_list("code", flat=True))
    assert codes.count("dunning.reminder.sent") == 1 and "dunning.payment_order.filed" in codes


def test_a_policys_contractual_rate_replaces_the_reference_rate(scoped, case):
    Policy.objects.filter(category=Category.NORMAL).update(contractual_interest_rate=Decimal("24.00"))
    run_days(scoped, DUE, D(2026, 3, 12))
    reminder = Letter.objects.get(case=case)
    # 10 days at 24 % on 1 000,00 = 6.575… → 6.58
    assert reminder.amounts["interest"]["amount"] == "6.58"
    assert [p["rate"] for p in reminder.amounts["interest"]["periods"]] == ["24.00"]


def test_a_cycle_reads_as_much_for_six_due_cases_as_for_three(scoped):
    """No query per case: nothing is loaded lazily from a case, its invoice or its debtor."""
    def reads(n, due):
        for _ in range(n):
            make_case(scoped, amount="500.00", due_date=due, reminder_fee_agreed=True)
        with CaptureQueriesContext(connection) as queries:
            assert run_cycle(creditor=scoped, day=due + datetime.timedelta(days=10)).steps == n
        return [re.sub(r"\d+", "N", q["sql"].split(" WHERE ")[0]) for q in queries if q["sql"].startswith("SELECT")]

    assert reads(6, DUE + datetime.timedelta(days=7)) == reads(3, DUE)


def test_running_a_day_twice_changes_nothing(scoped, case):
    run_days(scoped, DUE, D(2026, 3, 12))
    counts = (AppliedStep.objects.count(), LedgerEntry.objects.count(), Letter.objects.count())
    assert run_cycle(creditor=scoped, day=D(2026, 3, 12)).steps == 0
    out = StringIO()
    call_command("run_dunning", "--date", "2026-03-12", "--creditor", "acme", stdout=out)
    assert "nothing due" in out.getvalue()
    assert (AppliedStep.objects.count(), LedgerEntry.objects.count(), Letter.objects.count()) == counts


def test_nothing_fires_on_a_weekend_and_the_next_bank_day_catches_up(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 4))  # reminder planned for Saturday 14 March → Monday 16
    assert reload(case).next_step_on == D(2026, 3, 16)
    assert run_cycle(creditor=scoped, day=D(2026, 3, 14)).steps == 0
    assert run_cycle(creditor=scoped, day=D(2026, 3, 16)).steps == 1


def test_run_dunning_until_walks_every_day(scoped, case):
    out = StringIO()
    call_command("run_dunning", "--date", "2026-03-01", "--until", "2026-04-30", stdout=out)
    assert "2026-03-12 acme: reminder 1" in out.getvalue()
    assert "2026-03-30 acme: collection_demand 1" in out.getvalue()


def test_business_debtor_is_charged_late_payment_compensation_only(scoped):
    debtor = DebtorFactory(creditor=scoped, customer_type=CustomerType.COMPANY)
    case = make_case(scoped, due_date=DUE, debtor=debtor, reminder_fee_agreed=True)
    run_days(scoped, DUE, D(2026, 4, 10))
    assert fees(case) == []
    assert list(LedgerEntry.objects.filter(case=case, kind=EntryKind.LATE_PAYMENT_COMPENSATION)
                .values_list("amount", flat=True)) == [Decimal("450.00")]


def test_vip_gets_a_call_before_any_collection_demand(scoped):
    debtor = DebtorFactory(creditor=scoped, vip=True, category=Category.VIP)
    case = make_case(scoped, due_date=DUE, debtor=debtor, reminder_fee_agreed=True)
    applied = run_days(scoped, DUE, D(2026, 6, 30))
    assert [a for _, a in applied] == ["reminder", "reminder", "phone_call"]
    assert fees(case) == [("reminder_fee", Decimal("60.00"))]  # the second reminder carries no fee
    call = QueueItem.objects.get(case=case, kind=QueueKind.PHONE_CALL)
    queue_decide(item=call, outcome=Outcome.NO_AGREEMENT, on=D(2026, 7, 1), actor="user:agent@fordra.demo")
    assert run_days(scoped, D(2026, 7, 1), D(2026, 7, 1)) == [(D(2026, 7, 1), "collection_demand")]


def test_a_disputed_case_never_escalates_without_an_agent(scoped, case):
    run_days(scoped, DUE, D(2026, 3, 12))
    case_dispute(case=case, on=D(2026, 3, 13), actor="user:debtor-call", text="Varan var trasig")
    assert run_days(scoped, D(2026, 3, 13), D(2026, 6, 30)) == []
    with pytest.raises(Conflict):
        case_resume(case=reload(case), on=D(2026, 7, 1), actor="user:staff@acme.se")
    review = QueueItem.objects.get(case=case, kind=QueueKind.DISPUTE_REVIEW)
    queue_decide(item=review, outcome=Outcome.DISMISSED, on=D(2026, 7, 1), actor="user:agent@fordra.demo")
    assert reload(case).stage == Stage.REMINDER
    assert run_days(scoped, D(2026, 7, 1), D(2026, 7, 1)) == [(D(2026, 7, 1), "collection_demand")]


def test_an_upheld_dispute_withdraws_the_claim(scoped, case):
    case_dispute(case=case, on=D(2026, 3, 5))
    review = QueueItem.objects.get(case=case, kind=QueueKind.DISPUTE_REVIEW)
    queue_decide(item=review, outcome=Outcome.UPHELD, on=D(2026, 3, 9), actor="user:agent@fordra.demo")
    case = reload(case)
    assert (case.stage, case.closed_reason) == (Stage.CLOSED, ClosedReason.WITHDRAWN)


def test_a_promise_pauses_until_the_promised_day_plus_two_bank_days(scoped, case):
    case_promise(case=case, until=D(2026, 3, 20), on=D(2026, 3, 9))  # Friday
    assert run_days(scoped, D(2026, 3, 9), D(2026, 3, 23)) == []
    assert reload(case).stage == Stage.ON_HOLD
    # Two bank days after Friday 20 March is Tuesday 24 March: resumed, and the overdue reminder goes out.
    assert run_days(scoped, D(2026, 3, 24), D(2026, 3, 24)) == [(D(2026, 3, 24), "reminder")]
    assert any("hölls inte" in event_text(event) for event in reload(case).events.all())


def test_a_paused_case_does_nothing_and_a_withdrawn_one_closes(scoped, case):
    case_pause(case=case, on=D(2026, 3, 5))
    assert run_days(scoped, D(2026, 3, 5), D(2026, 5, 1)) == []
    case_withdraw(case=reload(case), on=D(2026, 5, 4))
    case = reload(case)
    assert (case.stage, case.closed_reason, case.next_step_on) == (Stage.CLOSED, ClosedReason.WITHDRAWN, None)
    # Interest stops when the claim is withdrawn.
    assert case_balance(case, as_of=D(2026, 5, 4)) == case_balance(case, as_of=D(2026, 12, 31))


def test_no_collection_demand_below_the_minimum(scoped):
    case = make_case(scoped, amount="80.00", due_date=DUE)
    assert [a for _, a in run_days(scoped, DUE, D(2026, 5, 1))] == ["reminder"]
    assert reload(case).next_step_on is None and reload(case).next_action == "collection_demand"


def test_a_missing_reference_rate_stops_the_command_with_the_half_year(scoped):
    make_case(scoped, due_date=D(2026, 12, 1))
    with pytest.raises(Exception, match="2027 H1"):
        call_command("run_dunning", "--date", "2027-01-15", stdout=StringIO())
    call_command("set_reference_rate", "2027-01-01", "2.25", stdout=StringIO())
    call_command("run_dunning", "--date", "2027-01-15", stdout=StringIO())


@pytest.mark.parametrize("args, message", [
    (["2027-03-01", "2.25"], "does not start a half-year"),
    (["2027-01-01", "abc"], "not a number"),
    (["2027-01-01", "2.255"], "two decimals"),
])
def test_set_reference_rate_refuses_bad_input(db, args, message):
    from django.core.management import CommandError

    from law.models import ReferenceRate

    before = ReferenceRate.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("set_reference_rate", *args, stdout=StringIO())
    assert ReferenceRate.objects.count() == before


def test_run_dunning_refuses_an_until_before_the_date(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="before"):
        call_command("run_dunning", "--date", "2026-03-10", "--until", "2026-03-01", stdout=StringIO())


def test_a_case_on_hold_cannot_be_held_again(scoped, case):
    case_pause(case=case, on=D(2026, 3, 5))
    with pytest.raises(Conflict, match="already on hold \\(Pausat av borgenären\\)"):
        case_promise(case=reload(case), until=D(2026, 3, 20), on=D(2026, 3, 6))
