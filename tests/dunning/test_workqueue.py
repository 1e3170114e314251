"""The agents' queue across creditors: its order, its counts, and leases that no two agents share."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from core.errors import Conflict, Forbidden
from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, Role
from creditors.services import membership_add
from debtors.models import Category
from dunning.models import Outcome, QueueItem, QueueKind
from dunning.plans import plan_split
from dunning.queue import queue_decide
from dunning.workqueue import (
    ASSIGNED,
    LEASE,
    QueueFilter,
    queue_assign,
    queue_claim,
    queue_claim_next,
    queue_counts,
    queue_open,
    queue_release,
)
from law.bankdays import is_bank_day
from tests.factories import DebtorFactory, make_case

D = datetime.date
NOW = timezone.make_aware(datetime.datetime(2026, 11, 23, 9, 0))


def person(email, role=None):
    user = get_user_model().objects.create(username=email, email=email)
    if role:
        AgencyStaff.objects.create(user=user, role=role)
    return user


@pytest.fixture
def agents(db):
    return person("a1@fordra.demo", AgencyRole.AGENT), person("a2@fordra.demo", AgencyRole.AGENT)


def item(creditor, *, kind=QueueKind.PHONE_CALL, due_on=D(2026, 11, 20), amount="1000.00", vip=False):
    with creditor_scope(creditor):
        debtor = DebtorFactory(creditor=creditor, vip=vip, category=Category.VIP if vip else Category.NORMAL)
        case = make_case(creditor, amount=amount, debtor=debtor)
        return QueueItem.objects.create(creditor=creditor, case=case, kind=kind, created_on=due_on, due_on=due_on)


def test_the_queue_holds_every_creditors_items_most_urgent_first(creditor, other_creditor):
    later = item(creditor, due_on=D(2026, 11, 22), amount="90000.00")
    small = item(other_creditor, amount="500.00")
    large = item(creditor, amount="5000.00")
    vip = item(other_creditor, amount="100.00", vip=True)
    decided = item(creditor)
    QueueItem.objects.with_scopes_disabled().filter(pk=decided.pk).update(outcome=Outcome.NO_AGREEMENT,
                                                                          decided_on=D(2026, 11, 21))
    order = [i.pk for i in queue_open(now=NOW)]
    # the deadline first; at the same deadline the VIP, then the larger expected recovery
    assert order == [vip.pk, large.pk, small.pk, later.pk]
    first = queue_open(now=NOW).get(pk=large.pk)
    assert first.booked == Decimal("5000.00") and first.expected == Decimal("2500.00")  # nothing closed yet: 50 %


def test_filters_and_counts(creditor, other_creditor, agents):
    call = item(creditor)
    item(creditor, kind=QueueKind.DISPUTE_REVIEW)
    item(other_creditor)
    assert queue_counts(now=NOW) == {QueueKind.PHONE_CALL: 2, QueueKind.PAYMENT_ORDER_REVIEW: 0,
                                     QueueKind.DISPUTE_REVIEW: 1, QueueKind.ADDRESS_MISSING: 0,
                                     QueueKind.PROMISE_BROKEN: 0, QueueKind.PLAN_BROKEN: 0}
    assert queue_counts(QueueFilter(creditor_id=other_creditor.pk), now=NOW)[QueueKind.PHONE_CALL] == 1
    assert queue_open(QueueFilter(creditor_id=creditor.pk, kind=QueueKind.PHONE_CALL), now=NOW).get() == call
    queue_claim(item=call, user=agents[0], now=NOW)
    assert list(queue_open(QueueFilter(claimed_by_id=agents[0].pk), now=NOW)) == [call]
    assert call not in queue_open(QueueFilter(free=True), now=NOW)
    assert queue_counts(QueueFilter(free=True), now=NOW)[QueueKind.PHONE_CALL] == 1


def test_next_hands_each_agent_a_different_item_until_the_lease_ends(creditor, agents):
    first, second = item(creditor, due_on=D(2026, 11, 19)), item(creditor)
    a1, a2 = agents
    assert queue_claim_next(user=a1, now=NOW) == first
    taken = QueueItem.objects.with_scopes_disabled().get(pk=first.pk)
    assert taken.claimed_by == a1 and taken.claimed_until == NOW + LEASE
    assert queue_claim_next(user=a2, now=NOW) == second
    assert queue_claim_next(user=a2, now=NOW) is None  # nothing free
    # a lease that ends returns the item by itself
    assert queue_claim_next(user=a2, now=NOW + LEASE + datetime.timedelta(seconds=1)) == first


def test_an_agent_is_not_handed_payment_order_reviews_a_supervisor_is(creditor, agents):
    review = item(creditor, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    assert queue_claim_next(user=agents[0], now=NOW) is None
    assert queue_claim_next(user=person("boss@fordra.demo", AgencyRole.SUPERVISOR), now=NOW) == review


def test_auditors_and_creditor_staff_claim_nothing(creditor):
    waiting = item(creditor)
    auditor = person("audit@fordra.demo", AgencyRole.AUDITOR)
    with creditor_scope(creditor):
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.ADMIN, password="x" * 20).user
    for user in (auditor, staff):
        with pytest.raises(Forbidden):
            queue_claim_next(user=user, now=NOW)
        with pytest.raises(Forbidden):
            queue_claim(item=waiting, user=user, now=NOW)
    assert QueueItem.objects.with_scopes_disabled().get(pk=waiting.pk).claimed_by is None


def test_a_held_item_is_refused_to_another_and_renewed_for_its_holder(creditor, agents):
    waiting = item(creditor)
    a1, a2 = agents
    queue_claim(item=waiting, user=a1, now=NOW)
    with pytest.raises(Conflict, match="a1@fordra.demo is working this item until 09:20"):  # Stockholm time
        queue_claim(item=waiting, user=a2, now=NOW + datetime.timedelta(minutes=5))
    later = NOW + datetime.timedelta(minutes=10)
    assert queue_claim(item=waiting, user=a1, now=later).claimed_until == later + LEASE
    queue_release(item=waiting, user=a2)  # not theirs: nothing happens
    assert QueueItem.objects.with_scopes_disabled().get(pk=waiting.pk).claimed_by == a1
    queue_release(item=waiting, user=a1)
    assert queue_claim_next(user=a2, now=later) == waiting


def test_only_the_holder_decides_a_held_item_and_deciding_ends_the_lease(creditor, agents):
    waiting = item(creditor)
    a1, a2 = agents
    queue_claim(item=waiting, user=a1, now=timezone.now())
    with creditor_scope(creditor), pytest.raises(Conflict, match="nothing was recorded"):
        queue_decide(item=waiting, outcome=Outcome.NO_AGREEMENT, on=D(2026, 11, 23), actor=a2)
    assert QueueItem.objects.with_scopes_disabled().get(pk=waiting.pk).outcome == ""
    with creditor_scope(creditor):
        decided = queue_decide(item=waiting, outcome=Outcome.NO_AGREEMENT, on=D(2026, 11, 23), actor=a1,
                               note="Ringer tillbaka efter lön")
        assert decided.case.events.filter(code="cases.phone_call.decided", actor="user:a1@fordra.demo").exists()
    assert (decided.outcome, decided.claimed_by, decided.claimed_until) == (Outcome.NO_AGREEMENT, None, None)


def test_an_auditor_decides_nothing(creditor):
    waiting = item(creditor)
    with creditor_scope(creditor), pytest.raises(Forbidden):
        queue_decide(item=waiting, outcome=Outcome.NO_AGREEMENT, on=D(2026, 11, 23),
                     actor=person("audit@fordra.demo", AgencyRole.AUDITOR))
    assert QueueItem.objects.with_scopes_disabled().get(pk=waiting.pk).outcome == ""


@given(total=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999.99"), places=2),
       first=st.dates(min_value=D(2026, 1, 1), max_value=D(2030, 12, 31)), count=st.integers(1, 36))
def test_a_proposed_plan_adds_up_to_the_debt_on_bank_days(total, first, count):
    plan = plan_split(total, first_on=first, count=count)
    assert sum(amount for _, amount in plan) == total
    assert all(amount > 0 for _, amount in plan)
    assert all(is_bank_day(day) for day, _ in plan)
    dates = [day for day, _ in plan]
    assert dates == sorted(set(dates)) and dates[0] >= first
    assert len(plan) == (count if total >= count else 1)


def test_a_supervisor_hands_an_item_to_an_agent_for_a_working_day(creditor, agents):
    waiting = item(creditor)
    a1, a2 = agents
    boss = person("boss@fordra.demo", AgencyRole.SUPERVISOR)
    queue_claim(item=waiting, user=a1, now=NOW)
    handed = queue_assign(item=waiting, to=a2, by=boss, now=NOW)  # whoever held it
    assert (handed.claimed_by, handed.claimed_until) == (a2, NOW + ASSIGNED)
    assert queue_claim_next(user=a1, now=NOW + datetime.timedelta(hours=7)) is None
    with pytest.raises(Forbidden, match="only a supervisor"):
        queue_assign(item=waiting, to=a1, by=a2, now=NOW)
    with pytest.raises(Forbidden, match="auditor"):
        queue_assign(item=waiting, to=person("audit@fordra.demo", AgencyRole.AUDITOR), by=boss, now=NOW)
    assert QueueItem.objects.with_scopes_disabled().get(pk=waiting.pk).claimed_by == a2
