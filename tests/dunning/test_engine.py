"""The engine, day by day: table-driven cases and hypothesis properties. Pure: no database."""
import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dunning.defaults import DEFAULT_LADDERS
from dunning.engine import (
    ACTION_RANK,
    CaseFacts,
    Decided,
    Ladder,
    LadderStep,
    Taken,
    deadline_for,
    next_ladder_index,
    plan_next,
)
from law.bankdays import is_bank_day
from law.fees import FeeCaps

D = datetime.date
CAPS = FeeCaps((("reminder_fee", D(2000, 1, 1), Decimal("60")), ("collection_fee", D(2000, 1, 1), Decimal("180")),
                ("payment_order_fee", D(2000, 1, 1), Decimal("300")),
                ("payment_order_work", D(2000, 1, 1), Decimal("380")),
                ("late_payment_comp", D(2013, 3, 16), Decimal("450")),
                ("payment_plan_fee", D(2000, 1, 1), Decimal("170"))))
FEE_CAP_OF = {kind: amount for kind, _, amount in CAPS.caps}


def ladder(category: str) -> Ladder:
    steps = tuple(LadderStep(n, *spec) for n, spec in enumerate(DEFAULT_LADDERS[category], start=1))
    return Ladder(category, steps)


def facts(**overrides) -> CaseFacts:
    base = dict(due_date=D(2026, 3, 2), is_consumer=True, reminder_fee_agreed=True, principal=Decimal("1000.00"))
    return CaseFacts(**{**base, **overrides})


def take(f: CaseFacts, plan, day) -> CaseFacts:
    return dataclasses.replace(f, taken=f.taken + (Taken(plan.step.action, day, deadline_for(plan.step, day)),),
                               fees_charged=f.fees_charged | {fee.kind for fee in plan.fees})


def test_normal_reminder_ten_days_after_due_with_the_agreed_fee():
    plan = plan_next(facts(), ladder("normal"), CAPS)
    assert (plan.step.action, plan.on) == ("reminder", D(2026, 3, 12))
    assert [(f.kind, f.amount) for f in plan.fees] == [("reminder_fee", Decimal("60.00"))]
    assert deadline_for(plan.step, plan.on) == D(2026, 3, 23)  # 22 March is a Sunday


def test_no_reminder_fee_without_agreement():
    assert plan_next(facts(reminder_fee_agreed=False), ladder("normal"), CAPS).fees == ()


def test_normal_collection_demand_five_days_after_the_reminders_deadline():
    f = facts()
    f = take(f, plan_next(f, ladder("normal"), CAPS), D(2026, 3, 12))
    plan = plan_next(f, ladder("normal"), CAPS)
    assert (plan.step.action, plan.on) == ("collection_demand", D(2026, 3, 30))  # 23 March + 5 = 28 (Sat) → 30
    assert [(x.kind, x.amount) for x in plan.fees] == [("collection_fee", Decimal("180.00"))]


def test_risk_demand_the_first_bank_day_after_the_reminder_lapses():
    f = facts()
    first = plan_next(f, ladder("risk"), CAPS)
    assert first.on == D(2026, 3, 5)
    f = take(f, first, first.on)
    assert f.taken[-1].deadline == D(2026, 3, 13)  # a Friday
    assert plan_next(f, ladder("risk"), CAPS).on == D(2026, 3, 16)  # the next bank day is Monday


def test_business_debtor_pays_late_payment_compensation_instead_of_fees():
    f = facts(is_consumer=False)
    first = plan_next(f, ladder("normal"), CAPS)
    assert [(x.kind, x.amount) for x in first.fees] == [("late_payment_comp", Decimal("450"))]
    f = take(f, first, first.on)
    assert plan_next(f, ladder("normal"), CAPS).fees == ()  # never collection fee in addition


def test_business_debtor_already_charged_a_reminder_fee_never_gets_compensation():
    f = facts(is_consumer=False, fees_charged=frozenset({"reminder_fee"}),
              taken=(Taken("reminder", D(2026, 3, 12), D(2026, 3, 23)),))
    assert plan_next(f, ladder("normal"), CAPS).fees == ()


def test_vip_second_reminder_has_no_fee_then_waits_for_the_call():
    vip = ladder("vip")
    f = facts()
    for expected in ("reminder", "reminder", "phone_call"):
        plan = plan_next(f, vip, CAPS)
        assert plan.step.action == expected
        f = take(f, plan, plan.on)
    waiting = plan_next(f, vip, CAPS)
    assert (waiting.step.action, waiting.on, waiting.waiting_for) == ("collection_demand", None, "the phone call's outcome")
    called = dataclasses.replace(f, call=Decided("no_agreement", D(2026, 4, 20)))
    assert plan_next(called, vip, CAPS).on == D(2026, 4, 20)
    waived = dataclasses.replace(f, call=Decided("waived", D(2026, 4, 21)))
    assert plan_next(waived, vip, CAPS).on == D(2026, 4, 21)


def test_payment_order_needs_an_agents_approval():
    taken = (Taken("reminder", D(2026, 3, 12), D(2026, 3, 23)), Taken("collection_demand", D(2026, 3, 30), D(2026, 4, 9)))
    f = facts(taken=taken, fees_charged=frozenset({"reminder_fee", "collection_fee"}))
    plan = plan_next(f, ladder("normal"), CAPS)
    assert (plan.step.action, plan.on, plan.needs_review) == ("payment_order", D(2026, 4, 23), True)
    assert plan.waiting_for
    approved = plan_next(dataclasses.replace(f, approval=Decided("approved", D(2026, 4, 28))), ladder("normal"), CAPS)
    assert (approved.on, approved.waiting_for) == (D(2026, 4, 28), "")
    assert [(x.kind, x.amount) for x in approved.fees] == [("payment_order_fee", Decimal("300.00")),
                                                          ("payment_order_work", Decimal("380"))]
    rejected = plan_next(dataclasses.replace(f, approval=Decided("rejected", D(2026, 4, 28))), ladder("normal"), CAPS)
    assert rejected.on is None and "rejected" in rejected.waiting_for


def test_no_collection_demand_below_the_minimum_claim():
    f = facts(principal=Decimal("99.99"), taken=(Taken("reminder", D(2026, 3, 12), D(2026, 3, 23)),))
    plan = plan_next(f, ladder("normal"), CAPS)
    assert plan.on is None and "100" in plan.waiting_for


@pytest.mark.parametrize("taken, category, expected", [
    (("reminder",), "risk", "collection_demand"),  # normal → risk after one reminder
    (("reminder",), "vip", "reminder"),  # normal → VIP: the soft second reminder
    (("reminder", "reminder", "phone_call"), "normal", "collection_demand"),  # VIP → normal after the call
    (("reminder", "collection_demand"), "vip", "payment_order"),  # never back to a reminder or a call
    (("reminder", "collection_demand", "payment_order"), "risk", None),  # the end of every ladder
])
def test_category_change_continues_where_the_case_stands(taken, category, expected):
    history = tuple(Taken(action, D(2026, 3, 12), D(2026, 3, 23)) for action in taken)
    index = next_ladder_index(history, ladder(category))
    assert (ladder(category).steps[index].action if index is not None else None) == expected


def test_collection_demand_term_is_never_under_eight_days():
    short = LadderStep(1, "collection_demand", "due_date", 0, 3, Decimal("180"))
    assert deadline_for(short, D(2026, 3, 2)) == D(2026, 3, 10)


# Properties: simulate a case day by day while its category changes at random.

categories = st.sampled_from(["risk", "normal", "vip"])


@settings(max_examples=150, deadline=None)
@given(
    due=st.dates(min_value=D(2025, 1, 1), max_value=D(2026, 6, 30)),
    consumer=st.booleans(),
    agreed=st.booleans(),
    switches=st.lists(st.tuples(st.integers(0, 200), categories), max_size=4),
    start=categories,
)
def test_a_case_never_skips_repeats_or_goes_back(due, consumer, agreed, switches, start):
    f = facts(due_date=due, is_consumer=consumer, reminder_fee_agreed=agreed)
    category = start
    charged = []
    for offset in range(0, 260):
        day = due + datetime.timedelta(days=offset)
        for at, new in switches:
            if at == offset:
                category = new
        plan = plan_next(f, ladder(category), CAPS)
        if plan is None:
            break
        if plan.waiting_for:  # an agent acts the same day
            if plan.step.action == "collection_demand" and f.taken and f.taken[-1].action == "phone_call":
                f = dataclasses.replace(f, call=Decided("no_agreement", day))
            elif plan.needs_review and plan.on <= day:
                f = dataclasses.replace(f, approval=Decided("approved", day))
            continue
        assert plan.on >= due and is_bank_day(plan.on)
        if plan.on <= day and is_bank_day(day):  # as the daily cycle: steps fire on bank days only
            ranks = [ACTION_RANK[t.action] for t in f.taken]
            assert not ranks or ACTION_RANK[plan.step.action] >= max(ranks), "went back to an earlier stage"
            charged += [fee.kind for fee in plan.fees]
            for fee in plan.fees:
                assert 0 < fee.amount <= FEE_CAP_OF[fee.kind]
            f = take(f, plan, day)
            if f.taken[-1].deadline:
                assert is_bank_day(f.taken[-1].deadline)
    assert len(charged) == len(set(charged)), f"a fee charged twice: {charged}"
    assert sum(1 for t in f.taken if t.action == "collection_demand") <= 1
    assert sum(1 for t in f.taken if t.action == "payment_order") <= 1
    if consumer:
        assert "late_payment_comp" not in charged
    else:
        assert not ("late_payment_comp" in charged and {"reminder_fee", "collection_fee"} & set(charged))
    if not agreed:
        assert "reminder_fee" not in charged
