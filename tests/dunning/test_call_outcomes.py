"""A VIP's phone call: what its outcome does to the ladder, and who may decide what."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cases.models import CaseEvent
from cases.stages import HoldReason, Stage
from cases.timeline import event_text
from core.errors import Forbidden, ValidationError
from debtors.models import Category
from dunning.balances import case_balance
from dunning.models import MAX_CALL_RETRIES, Outcome, PolicyStep, QueueItem, QueueKind
from dunning.queue import queue_decide
from letters.models import Letter
from payments.services import payment_register
from tests.cycling import reload, run_days
from tests.dunning.calls import ADDRESS, AGENT, CALL, DUE, SUPERVISOR, call
from tests.factories import DebtorFactory, make_case

D = datetime.date


def demands(case):
    return list(Letter.objects.filter(case=case, kind="collection_demand").values_list("sent_on", flat=True))


def test_an_agreed_promise_holds_the_collection_demand_until_it_lapses(scoped, vip_case):
    # Friday 8 May + two bank days is Tuesday 12 May.
    queue_decide(item=call(vip_case), outcome=Outcome.AGREEMENT, on=CALL, actor=AGENT,
                 promise=(D(2026, 5, 8), Decimal("1000.00")))
    decided = QueueItem.objects.get(case=vip_case, kind=QueueKind.PHONE_CALL)
    assert decided.outcome == Outcome.PROMISED
    case = reload(vip_case)
    assert (case.stage, case.hold_reason, case.hold_until) == (Stage.ON_HOLD, HoldReason.PROMISE, D(2026, 5, 8))
    assert "1 000,00 kr till 2026-05-08" in event_text(case.events.get(code="cases.stage.changed", on=CALL)).replace(
        "\u00a0", " ")
    assert run_days(scoped, CALL, D(2026, 5, 11)) == []
    assert demands(case) == []
    assert run_days(scoped, D(2026, 5, 12), D(2026, 5, 12)) == [(D(2026, 5, 12), "collection_demand")]
    assert reload(case).stage == Stage.COLLECTION


def test_a_kept_promise_closes_the_case_without_a_collection_demand(scoped, vip_case):
    queue_decide(item=call(vip_case), outcome=Outcome.PROMISED, on=CALL, actor=AGENT,
                 promise=(D(2026, 5, 8), "1000.00"))
    payment_register(case=reload(vip_case), amount=case_balance(vip_case, as_of=D(2026, 5, 7)).total,
                     paid_on=D(2026, 5, 7), reference="kept")
    assert run_days(scoped, CALL, D(2026, 6, 30)) == []
    assert reload(vip_case).stage == Stage.CLOSED and demands(vip_case) == []


def test_an_agreed_payment_plan_holds_the_ladder(scoped, vip_case):
    total = case_balance(vip_case, as_of=CALL).total
    half = (total / 2).quantize(Decimal("0.01"))
    instalments = [(D(2026, 5, 18), half), (D(2026, 6, 17), total - half)]
    queue_decide(item=call(vip_case), outcome=Outcome.AGREEMENT, on=CALL, actor=AGENT, instalments=instalments)
    assert QueueItem.objects.get(case=vip_case, kind=QueueKind.PHONE_CALL).outcome == Outcome.PAYMENT_PLAN
    case = reload(vip_case)
    assert (case.stage, case.hold_reason) == (Stage.ON_HOLD, HoldReason.PAYMENT_PLAN)
    assert case.letters.filter(kind="payment_plan", sent_on=CALL).count() == 1
    payment_register(case=case, amount=half, paid_on=D(2026, 5, 18), reference="first")
    assert run_days(scoped, CALL, D(2026, 6, 16)) == []  # the plan is kept: nothing escalates
    # The second instalment never comes: two bank days after Wednesday 17 June (Midsummer Eve
    # is not one) the ladder goes on.
    assert run_days(scoped, D(2026, 6, 17), D(2026, 6, 30)) == [(D(2026, 6, 22), "collection_demand")]


def test_no_agreement_lets_the_collection_demand_follow_on_the_next_cycle(scoped, vip_case):
    queue_decide(item=call(vip_case), outcome=Outcome.NO_AGREEMENT, on=CALL, actor=AGENT)
    assert run_days(scoped, D(2026, 4, 18), D(2026, 4, 30)) == [(D(2026, 4, 20), "collection_demand")]


def test_an_agent_may_not_waive_the_call(scoped, vip_case, people):
    agent, _ = people
    events = CaseEvent.objects.filter(case=vip_case).count()
    for actor in (AGENT, agent, "system", None):
        with pytest.raises(Forbidden) as refused:
            queue_decide(item=call(vip_case), outcome=Outcome.WAIVED, on=CALL, actor=actor)
        assert refused.value.http_status == 403 and "only a supervisor may waive a phone call" in refused.value.message
    assert call(vip_case).outcome == "" and CaseEvent.objects.filter(case=vip_case).count() == events
    assert run_days(scoped, D(2026, 4, 18), D(2026, 5, 29)) == []


@pytest.mark.parametrize("as_user", [False, True])
def test_a_supervisor_may_waive_the_call_and_the_ladder_goes_on(scoped, vip_case, people, as_user):
    actor = people[1] if as_user else SUPERVISOR
    queue_decide(item=call(vip_case), outcome=Outcome.WAIVED, on=CALL, actor=actor)
    decided = QueueItem.objects.get(case=vip_case, kind=QueueKind.PHONE_CALL)
    assert (decided.outcome, decided.decided_by) == (Outcome.WAIVED, SUPERVISOR)
    assert run_days(scoped, D(2026, 4, 18), D(2026, 4, 30)) == [(D(2026, 4, 20), "collection_demand")]


def test_an_inactive_supervisor_may_not_waive(scoped, vip_case, people):
    people[1].is_active = False
    people[1].save()
    with pytest.raises(Forbidden):
        queue_decide(item=call(vip_case), outcome=Outcome.WAIVED, on=CALL, actor=SUPERVISOR)


PROMISE = (D(2026, 5, 8), Decimal("500.00"))
REFUSED = [
    ("a bare agreement", Outcome.AGREEMENT, {}, "must say what was agreed"),
    ("a promise without its terms", Outcome.PROMISED, {}, "the date and the amount promised"),
    ("a plan without instalments", Outcome.PAYMENT_PLAN, {"instalments": []}, "instalments"),
    ("a promise and a plan", Outcome.AGREEMENT, {"promise": PROMISE, "instalments": [(D(2026, 5, 8), "1")]},
     "not both"),
    ("a promise of a past day", Outcome.PROMISED, {"promise": (D(2026, 4, 16), Decimal("500"))}, "has not passed"),
    ("a promise of nothing", Outcome.PROMISED, {"promise": (D(2026, 5, 8), Decimal("0"))}, "more than 0"),
    ("a promise of more than is owed", Outcome.PROMISED, {"promise": (D(2026, 5, 8), Decimal("99999.00"))},
     "at most what is owed"),
    ("a promise of a float", Outcome.PROMISED, {"promise": (D(2026, 5, 8), 500.0)}, "not a float"),
    ("a promise in tenths of an öre", Outcome.PROMISED, {"promise": (D(2026, 5, 8), "500.001")}, "two decimals"),
    ("a promise without a date", Outcome.PROMISED, {"promise": ("2026-05-08", "500")}, "must be a date"),
    ("no agreement, with a promise", Outcome.NO_AGREEMENT, {"promise": PROMISE}, "go with an agreement"),
    ("a plan that does not add up", Outcome.PAYMENT_PLAN, {"instalments": [(D(2026, 5, 8), "10.00")]}, "add up"),
]


@pytest.mark.parametrize("label, outcome, terms, reason", REFUSED, ids=[r[0] for r in REFUSED])
def test_an_agreement_must_say_what_was_agreed_and_nothing_changes_otherwise(scoped, vip_case, label, outcome,
                                                                             terms, reason):
    events = CaseEvent.objects.filter(case=vip_case).count()
    with pytest.raises(ValidationError) as refused:
        queue_decide(item=call(vip_case), outcome=outcome, on=CALL, actor=AGENT, **terms)
    assert reason in refused.value.message
    case = reload(vip_case)
    assert (case.stage, case.hold_reason, call(case).outcome) == (Stage.REMINDER, "", "")
    assert CaseEvent.objects.filter(case=case).count() == events and not case.letters.filter(kind="payment_plan")


def test_an_unanswered_call_is_tried_again_until_the_policys_retries_run_out(scoped, vip_case):
    assert PolicyStep.objects.get(policy__category=Category.VIP, action="phone_call").call_retries == 2
    # Friday 17 April, then Monday 20 and Tuesday 21: three tries in all.
    for day, next_try in ((CALL, D(2026, 4, 20)), (D(2026, 4, 20), D(2026, 4, 21))):
        queue_decide(item=call(vip_case), outcome=Outcome.NO_ANSWER, on=day, actor=AGENT)
        assert call(vip_case).due_on == next_try
        assert run_days(scoped, day, day) == []
    queue_decide(item=call(vip_case), outcome=Outcome.NO_ANSWER, on=D(2026, 4, 21), actor=AGENT)
    outcomes = list(QueueItem.objects.filter(case=vip_case, kind=QueueKind.PHONE_CALL).order_by("pk")
                    .values_list("outcome", flat=True))
    assert outcomes == [Outcome.NO_ANSWER, Outcome.NO_ANSWER, Outcome.UNREACHABLE]
    assert run_days(scoped, D(2026, 4, 22), D(2026, 4, 30)) == [(D(2026, 4, 22), "collection_demand")]


def test_a_policy_without_retries_goes_on_after_one_unanswered_call(scoped, vip_case):
    PolicyStep.objects.filter(policy__category=Category.VIP, action="phone_call").update(call_retries=0)
    queue_decide(item=call(vip_case), outcome=Outcome.NO_ANSWER, on=CALL, actor=AGENT)
    assert not QueueItem.objects.filter(case=vip_case, kind=QueueKind.PHONE_CALL, outcome="").exists()
    assert run_days(scoped, D(2026, 4, 18), D(2026, 4, 30)) == [(D(2026, 4, 20), "collection_demand")]


def test_only_a_supervisor_approves_a_payment_order(scoped, people):
    case = make_case(scoped, amount="1000.00", due_date=DUE, reminder_fee_agreed=True,
                     debtor=DebtorFactory(creditor=scoped, **ADDRESS))
    run_days(scoped, DUE, D(2026, 4, 27))
    review = QueueItem.objects.get(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    with pytest.raises(Forbidden, match="only a supervisor may approve a payment order"):
        queue_decide(item=review, outcome=Outcome.APPROVED, on=D(2026, 4, 28), actor=AGENT)
    assert run_days(scoped, D(2026, 4, 28), D(2026, 4, 28)) == []
    queue_decide(item=review, outcome=Outcome.APPROVED, on=D(2026, 4, 28), actor=SUPERVISOR)
    assert run_days(scoped, D(2026, 4, 29), D(2026, 4, 29)) == [(D(2026, 4, 29), "payment_order")]


def test_the_database_refuses_more_retries_than_the_maximum(scoped):
    steps = PolicyStep.objects.filter(action="phone_call")
    steps.update(call_retries=MAX_CALL_RETRIES)
    with pytest.raises(IntegrityError), transaction.atomic():
        steps.update(call_retries=MAX_CALL_RETRIES + 1)
