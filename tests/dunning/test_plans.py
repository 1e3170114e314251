"""Payment plans: the ladder waits while the plan is kept; a missed instalment breaks it."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import PAYMENT_PLAN_BROKEN, Case
from cases.stages import HoldReason, Stage
from cases.timeline import event_text
from core.errors import Conflict
from cycle.run import run_cycle
from debtors.models import Debtor
from dunning.balances import case_balance
from dunning.plans import case_payment_plan, resume_ended_plans
from payments.services import payment_register
from tests.factories import make_case

D = datetime.date
AGREED = D(2026, 3, 20)  # a Friday


def plan(case, parts=3):
    """Instalments on the 20th of the next months, adding up to the debt as of AGREED."""
    total = case_balance(case, as_of=AGREED).total
    first = (total / parts).quantize(Decimal("0.01"))
    amounts = [first] * (parts - 1) + [total - first * (parts - 1)]
    dates = [D(2026, 4 + n, 20) for n in range(parts)]
    case_payment_plan(case=case, instalments=list(zip(dates, amounts)), on=AGREED, actor="user:agent@fordra.demo")
    return list(zip(dates, amounts))


def run_days(creditor, first, last):
    day = first
    while day <= last:
        run_cycle(creditor=creditor, day=day)
        day += datetime.timedelta(days=1)


def reload(case):
    return Case.objects.select_related("invoice", "debtor").get(pk=case.pk)


def test_a_kept_plan_holds_the_ladder_and_then_the_remainder_is_collected(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    instalments = plan(case)
    case = reload(case)
    assert (case.stage, case.hold_reason, case.hold_until) == (Stage.ON_HOLD, HoldReason.PAYMENT_PLAN, D(2026, 6, 20))
    assert case.letters.get().kind == "payment_plan"
    for due_on, amount in instalments:
        payment_register(case=case, amount=amount, paid_on=due_on)
    run_days(scoped, D(2026, 3, 23), D(2026, 6, 22))
    case = reload(case)
    assert case.stage == Stage.ON_HOLD  # 20 June is a Saturday: two bank days' grace run to Tuesday the 23rd
    run_cycle(creditor=scoped, day=D(2026, 6, 23))
    case = reload(case)
    # Interest ran on during the plan: the remainder goes back on the ladder; nothing was broken.
    assert case.stage == Stage.REMINDER and case_balance(case, as_of=D(2026, 6, 23)).total > 0
    assert not case.events.filter(code=PAYMENT_PLAN_BROKEN).exists()
    assert "Avbetalningsplanen fullgjord" in event_text(case.events.filter(code="cases.stage.changed").last())


def test_a_missed_instalment_breaks_the_plan_and_makes_the_debtor_a_risk(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    instalments = plan(case)
    payment_register(case=case, amount=instalments[0][1], paid_on=D(2026, 4, 20))
    run_days(scoped, D(2026, 3, 23), D(2026, 5, 21))
    assert reload(case).stage == Stage.ON_HOLD  # the May instalment has two bank days' grace
    report = run_cycle(creditor=scoped, day=D(2026, 5, 22))
    case = reload(case)
    assert report.plans_resumed == 1
    assert case.stage == Stage.REMINDER
    event = case.events.get(code=PAYMENT_PLAN_BROKEN)
    assert event.data["missed"] == "2026-05-20" and event.data["paid"] == str(instalments[0][1])
    debtor = Debtor.objects.get(pk=case.debtor_id)  # reclassified after the plans are checked: at once
    assert debtor.category == "risk"
    assert debtor.category_reasons == [{"code": "broken_plans", "params": {"count": 1}}]


def test_paying_the_whole_debt_during_a_plan_closes_the_case(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    plan(case)
    payment_register(case=case, amount=case_balance(case, as_of=D(2026, 4, 1)).total, paid_on=D(2026, 4, 1))
    assert reload(case).stage == Stage.CLOSED
    run_days(scoped, D(2026, 5, 18), D(2026, 5, 25))
    assert not reload(case).events.filter(code=PAYMENT_PLAN_BROKEN).exists()


def test_only_an_open_case_gets_a_plan(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    plan(case)
    with pytest.raises(Conflict):
        plan(reload(case))


def test_plans_are_checked_together_each_against_its_own_payments(scoped):
    kept, broken = make_case(scoped, due_date=D(2026, 3, 2)), make_case(scoped, due_date=D(2026, 3, 2))
    kept_parts, broken_parts = plan(kept), plan(broken)
    with CaptureQueriesContext(connection) as two_plans:
        assert resume_ended_plans(on=D(2026, 4, 1)) == 0  # before the first instalment
    plan(make_case(scoped, due_date=D(2026, 3, 2)))
    with CaptureQueriesContext(connection) as three_plans:
        resume_ended_plans(on=D(2026, 4, 1))
    assert len(three_plans) == len(two_plans)  # the plans are read together, not one by one

    for due_on, amount in kept_parts[:2]:
        payment_register(case=kept, amount=amount, paid_on=due_on)
    payment_register(case=broken, amount=broken_parts[0][1], paid_on=broken_parts[0][0])
    resume_ended_plans(on=D(2026, 5, 22))  # May's instalment, with its grace, is due
    assert (reload(kept).stage, reload(broken).stage) == (Stage.ON_HOLD, Stage.REMINDER)
