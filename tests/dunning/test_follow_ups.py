"""A broken promise or payment plan: the ladder goes on by itself, and an agent gets a follow-up call."""
import datetime
from decimal import Decimal

import pytest

from cases.models import PAYMENT_PLAN_BROKEN, PROMISE_BROKEN
from cases.stages import HoldReason, Stage
from cases.timeline import event_text
from core.errors import ValidationError
from dunning.balances import case_balance
from dunning.models import Outcome, QueueItem, QueueKind
from dunning.queue import queue_decide
from payments.services import payment_register
from tests.cycling import reload, run_days
from tests.dunning.calls import AGENT, CALL, SUPERVISOR, call

D = datetime.date
PROMISED = D(2026, 5, 8)  # a Friday: two bank days' grace run to Tuesday 12 May
LAPSED = D(2026, 5, 12)


def promise(case, amount):
    queue_decide(item=call(case), outcome=Outcome.PROMISED, on=CALL, actor=AGENT, promise=(PROMISED, amount))


def follow_ups(case):
    return list(QueueItem.objects.filter(case=case, kind__in=(QueueKind.PROMISE_BROKEN, QueueKind.PLAN_BROKEN)))


def test_a_broken_promise_puts_a_follow_up_call_in_the_queue(scoped, vip_case):
    promise(vip_case, "1000.00")
    payment_register(case=reload(vip_case), amount=Decimal("200.00"), paid_on=D(2026, 5, 4), reference="part")
    assert run_days(scoped, CALL, D(2026, 5, 11)) == [] and follow_ups(vip_case) == []
    assert run_days(scoped, LAPSED, LAPSED) == [(LAPSED, "collection_demand")]
    [item] = follow_ups(vip_case)
    assert (item.kind, item.created_on, item.due_on, item.outcome) == (QueueKind.PROMISE_BROKEN, LAPSED, LAPSED, "")
    note = item.note.replace("\u00a0", " ")
    assert "1 000,00 kr till 2026-05-08 hölls inte (200,00 kr betalt" in note
    assert reload(vip_case).events.filter(code=PROMISE_BROKEN).count() == 1


def test_a_promise_of_a_part_paid_in_full_is_kept_and_the_rest_is_pursued(scoped, vip_case):
    promise(vip_case, "300.00")
    payment_register(case=reload(vip_case), amount=Decimal("300.00"), paid_on=D(2026, 5, 7), reference="kept")
    assert run_days(scoped, CALL, LAPSED) == [(LAPSED, "collection_demand")]
    case = reload(vip_case)
    assert case.stage == Stage.COLLECTION and follow_ups(case) == []
    assert not case.events.filter(code=PROMISE_BROKEN).exists()  # a kept promise does not count against the debtor
    resumed = case.events.filter(code="cases.stage.changed", on=LAPSED).first()
    text = event_text(resumed).replace("\u00a0", " ")
    assert text == "Betalningslöftet hölls (300,00 kr betalt); resten drivs vidare"


def test_a_payment_before_the_promise_was_made_does_not_keep_it(scoped, vip_case):
    payment_register(case=reload(vip_case), amount=Decimal("300.00"), paid_on=D(2026, 4, 16), reference="earlier")
    promise(vip_case, "300.00")
    run_days(scoped, CALL, LAPSED)
    assert [item.kind for item in follow_ups(vip_case)] == [QueueKind.PROMISE_BROKEN]


def test_a_new_promise_on_the_follow_up_holds_the_ladder_again(scoped, vip_case):
    promise(vip_case, "1000.00")
    run_days(scoped, CALL, LAPSED)
    owed = case_balance(reload(vip_case), as_of=LAPSED).total
    queue_decide(item=call(vip_case, QueueKind.PROMISE_BROKEN), outcome=Outcome.PROMISED, on=LAPSED, actor=AGENT,
                 promise=(D(2026, 5, 29), owed), note="Lön den 25:e")
    case = reload(vip_case)
    assert (case.stage, case.hold_reason, case.hold_until) == (Stage.ON_HOLD, HoldReason.PROMISE, D(2026, 5, 29))
    assert case.resume_stage == Stage.COLLECTION
    decided = case.events.get(code="cases.promise_broken.decided")
    assert event_text(decided) == "Brutet betalningslöfte: Betalningslöfte (Lön den 25:e)"


def test_an_unanswered_follow_up_is_not_tried_again_and_cannot_be_waived(scoped, vip_case):
    promise(vip_case, "1000.00")
    run_days(scoped, CALL, LAPSED)
    item = call(vip_case, QueueKind.PROMISE_BROKEN)
    with pytest.raises(ValidationError):
        queue_decide(item=item, outcome=Outcome.WAIVED, on=LAPSED, actor=SUPERVISOR)
    queue_decide(item=item, outcome=Outcome.NO_ANSWER, on=LAPSED, actor=AGENT)
    item.refresh_from_db()
    assert item.outcome == Outcome.UNREACHABLE and item.note == "Inget svar: försök 1 av 1, stegen fortsätter"
    assert not QueueItem.objects.filter(case=vip_case, outcome="").exists()
    assert reload(vip_case).stage == Stage.COLLECTION


def test_a_follow_up_is_cancelled_when_the_case_is_paid(scoped, vip_case):
    promise(vip_case, "1000.00")
    run_days(scoped, CALL, LAPSED)
    case = reload(vip_case)
    payment_register(case=case, amount=case_balance(case, as_of=D(2026, 5, 13)).total, paid_on=D(2026, 5, 13),
                     reference="all")
    assert reload(case).stage == Stage.CLOSED
    assert [item.outcome for item in follow_ups(case)] == [Outcome.CANCELLED]


def test_a_broken_plan_puts_a_follow_up_call_in_the_queue(scoped, vip_case):
    total = case_balance(vip_case, as_of=CALL).total
    half = (total / 2).quantize(Decimal("0.01"))
    queue_decide(item=call(vip_case), outcome=Outcome.PAYMENT_PLAN, on=CALL, actor=AGENT,
                 instalments=[(D(2026, 5, 18), half), (D(2026, 6, 17), total - half)])
    run_days(scoped, CALL, D(2026, 5, 19))
    assert follow_ups(vip_case) == []
    run_days(scoped, D(2026, 5, 20), D(2026, 5, 20))  # Monday 18 May + two bank days
    [item] = follow_ups(vip_case)
    assert (item.kind, item.created_on) == (QueueKind.PLAN_BROKEN, D(2026, 5, 20))
    assert "Delbetalningen 2026-05-18 uteblev: 0,00 kr betalt av" in item.note.replace("\u00a0", " ")
    assert reload(vip_case).events.filter(code=PAYMENT_PLAN_BROKEN).count() == 1
