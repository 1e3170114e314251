"""A dispute decided in money, and a wrong number: what each does to the book and the ladder."""
import datetime
from decimal import Decimal

import pytest

from cases.models import EntryKind, LedgerEntry
from cases.stages import ClosedReason, Stage
from cases.timeline import event_text
from core.errors import Forbidden, ValidationError
from debtors.models import Category
from dunning.balances import case_balance
from dunning.holds import case_dispute
from dunning.models import Outcome, QueueItem, QueueKind
from dunning.queue import queue_decide
from tests.cycling import reload, run_days
from tests.factories import DebtorFactory, make_case

D = datetime.date
DUE, DISPUTED, DECIDED = D(2026, 3, 2), D(2026, 3, 20), D(2026, 4, 1)
ADDRESS = {"address": "Storgatan 12", "postal_code": "123 45", "city": "Västerås", "phone": "070-123 45 67"}
AGENT = "user:agent@fordra.demo"


@pytest.fixture
def disputed(scoped):
    case = make_case(scoped, amount="1000.00", due_date=DUE, reminder_fee_agreed=True,
                     debtor=DebtorFactory(creditor=scoped, **ADDRESS))
    run_days(scoped, DUE, DISPUTED - datetime.timedelta(days=1))
    case_dispute(case=reload(case), on=DISPUTED, actor=AGENT, text="Halva leveransen kom aldrig")
    assert reload(case).stage == Stage.ON_HOLD
    return reload(case)


def review(case):
    return QueueItem.objects.get(case=case, kind=QueueKind.DISPUTE_REVIEW, outcome="")


def credits(case):
    return [e.amount for e in LedgerEntry.objects.filter(case=case, kind=EntryKind.CREDIT)]


def test_a_supervisor_credits_a_disputed_claim_and_the_case_closes(scoped, disputed, supervisor):
    queue_decide(item=review(disputed), outcome=Outcome.CREDITED, on=DECIDED, actor=supervisor,
                 note="Leveransen saknades")
    case = reload(disputed)
    assert (case.stage, case.closed_reason) == (Stage.CLOSED, ClosedReason.CREDITED)
    assert credits(case) == [Decimal("-1000.00")]
    assert case_balance(case, as_of=DECIDED).total == 0  # no fees or interest are owed on a credited claim
    assert QueueItem.objects.get(case=case, kind=QueueKind.DISPUTE_REVIEW).outcome == Outcome.CREDITED
    assert run_days(scoped, DECIDED, D(2026, 5, 30)) == []


def test_an_agent_may_not_credit_a_claim(scoped, disputed):
    with pytest.raises(Forbidden, match="only a supervisor may credit a disputed claim"):
        queue_decide(item=review(disputed), outcome=Outcome.CREDITED, on=DECIDED, actor=AGENT)
    assert credits(disputed) == [] and reload(disputed).stage == Stage.ON_HOLD


def test_a_write_down_credits_part_and_the_ladder_goes_on_for_the_rest(scoped, disputed, supervisor):
    queue_decide(item=review(disputed), outcome=Outcome.WRITTEN_DOWN, on=DECIDED, actor=supervisor,
                 write_down="400,00")
    case = reload(disputed)
    assert credits(case) == [Decimal("-400.00")]
    assert case.stage == Stage.REMINDER and case_balance(case, as_of=DECIDED).principal == Decimal("600.00")
    resumed = case.events.filter(code="cases.stage.changed", on=DECIDED).get()
    assert "skrevs ned med 400,00 kr" in event_text(resumed).replace("\u00a0", " ")
    assert [action for _, action in run_days(scoped, DECIDED, D(2026, 5, 30))][:1] == ["collection_demand"]


@pytest.mark.parametrize("amount", ["1000,00", "0", "-5", "12,345"])
def test_a_write_down_is_more_than_nothing_and_less_than_the_principal(scoped, disputed, supervisor, amount):
    with pytest.raises(ValidationError, match="write-down"):
        queue_decide(item=review(disputed), outcome=Outcome.WRITTEN_DOWN, on=DECIDED, actor=supervisor,
                     write_down=amount)
    assert credits(disputed) == [] and review(disputed).outcome == ""


def test_only_a_write_down_names_an_amount(scoped, disputed, supervisor):
    with pytest.raises(ValidationError, match="only a write-down"):
        queue_decide(item=review(disputed), outcome=Outcome.DISMISSED, on=DECIDED, actor=supervisor,
                     write_down="100")
    with pytest.raises(ValidationError, match="only a write-down"):
        queue_decide(item=review(disputed), outcome=Outcome.WRITTEN_DOWN, on=DECIDED, actor=supervisor)


def test_a_wrong_number_lets_the_ladder_go_on_and_tells_the_creditor(scoped):
    debtor = DebtorFactory(creditor=scoped, vip=True, category=Category.VIP, **ADDRESS)
    case = make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True)
    call_day = D(2026, 4, 17)  # the VIP ladder's call (test_call_outcomes)
    run_days(scoped, DUE, call_day)
    call = QueueItem.objects.get(case=case, kind=QueueKind.PHONE_CALL, outcome="")
    queue_decide(item=call, outcome=Outcome.WRONG_NUMBER, on=call_day, actor=AGENT)
    decided = case.events.get(code="cases.phone_call.decided")
    assert decided.data["phone"] == "070-123 45 67"
    assert event_text(decided).startswith("Telefonsamtal: Fel nummer")
    assert run_days(scoped, D(2026, 4, 18), D(2026, 4, 30))[:1] == [(D(2026, 4, 20), "collection_demand")]
