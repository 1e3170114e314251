"""Policies that break the law are refused with the rule named; category changes keep the place."""
import datetime
from decimal import Decimal

import pytest

from cases.models import Case, LedgerEntry
from cases.timeline import event_text
from classification.services import debtor_override
from config.celery import app as celery_app
from core.errors import ValidationError
from cycle.run import run_cycle
from debtors.models import Category
from dunning import planning
from dunning.defaults import DEFAULT_LADDERS
from dunning.models import Policy
from dunning.services import ladder_violations, policy_replace_steps
from dunning.tasks import replan_category
from tests.factories import make_case

D = datetime.date


def ladder(category, changes=None):
    changes = changes or {}
    steps = []
    for number, (action, anchor, offset, term, fee, approval) in enumerate(DEFAULT_LADDERS[category], start=1):
        step = {"number": number, "action": action, "anchor": anchor, "offset_days": offset, "term_days": term,
                "fee_amount": fee, "requires_approval": approval}
        step.update(changes.get(number, {}))
        steps.append(step)
    return steps


@pytest.mark.parametrize("category", list(DEFAULT_LADDERS))
def test_the_default_ladders_obey_the_law(db, category):
    assert ladder_violations(ladder(category)) == []


@pytest.mark.parametrize("changes, rule", [
    ({1: {"fee_amount": Decimal("60.01")}}, "fee.cap.reminder_fee"),
    ({2: {"fee_amount": Decimal("200")}}, "fee.cap.collection_fee"),
    ({2: {"term_days": 7}}, "term.collection_demand"),
    ({3: {"requires_approval": False}}, "approval.payment_order"),
])
def test_an_unlawful_normal_ladder_is_refused_naming_the_rule(scoped, changes, rule):
    policy = Policy.objects.get(category=Category.NORMAL)
    before = list(policy.steps.values_list("fee_amount", "term_days"))
    with pytest.raises(ValidationError) as error:
        policy_replace_steps(policy=policy, steps=ladder("normal", changes))
    assert rule in error.value.message and rule in [v["rule"] for v in error.value.detail]
    assert list(policy.steps.values_list("fee_amount", "term_days")) == before


def test_a_second_reminder_fee_is_refused(scoped):
    policy = Policy.objects.get(category=Category.VIP)
    with pytest.raises(ValidationError, match="fee.reminder.once"):
        policy_replace_steps(policy=policy, steps=ladder("vip", {2: {"fee_amount": Decimal("60")}}))


def test_a_payment_order_before_any_demand_and_a_fee_on_a_call_are_refused(scoped):
    steps = ladder("vip", {3: {"fee_amount": Decimal("10")}})
    steps[3], steps[4] = {**steps[4], "number": 4}, {**steps[3], "number": 5}
    rules = {v.rule for v in ladder_violations(steps)}
    assert {"fee.phone_call", "order.payment_order"} <= rules


def test_a_lawful_change_replans_open_cases(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    assert case.next_step_on == D(2026, 3, 12)
    policy_replace_steps(policy=Policy.objects.get(category=Category.NORMAL),
                         steps=ladder("normal", {1: {"offset_days": 20}}))
    assert Case.objects.get(pk=case.pk).next_step_on == D(2026, 3, 23)  # 22 March is a Sunday


def test_a_large_category_is_replanned_by_a_worker_after_the_ladder_commits(scoped, monkeypatch,
                                                                         django_capture_on_commit_callbacks):
    """Past REPLAN_INLINE open cases the request only queues the replan; until the worker runs,
    the cases keep their plans, and the daily cycle plans each case it takes from the new ladder."""
    monkeypatch.setattr(planning, "REPLAN_INLINE", 1)
    cases = [make_case(scoped, due_date=D(2026, 3, 2)) for _ in range(3)]
    queued = []
    monkeypatch.setattr(replan_category, "delay", lambda **task: queued.append(task))
    with django_capture_on_commit_callbacks(execute=True):
        policy_replace_steps(policy=Policy.objects.get(category=Category.NORMAL),
                             steps=ladder("normal", {1: {"offset_days": 20}}))
    assert queued == [{"creditor_id": scoped.pk, "category": Category.NORMAL}]
    assert {c.next_step_on for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {D(2026, 3, 12)}
    run_cycle(creditor=scoped, day=D(2026, 3, 12))  # the old plan's day: the new ladder applies nothing yet
    assert not LedgerEntry.objects.filter(case__in=cases).exclude(kind="principal").exists()
    # The cycle planned the cases it took from the new ladder; the worker, later, changes nothing more.
    assert {c.next_step_on for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {D(2026, 3, 23)}
    assert replan_category(**queued[0]) == 3
    assert {c.next_step_on for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {D(2026, 3, 23)}


@pytest.fixture
def eager():
    """The task runs where it is queued, as with no broker (.ci/run's second pass has one)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_the_worker_replans_what_the_cycle_did_not_take(scoped, monkeypatch, django_capture_on_commit_callbacks,
                                                        eager):
    monkeypatch.setattr(planning, "REPLAN_INLINE", 1)
    cases = [make_case(scoped, due_date=D(2026, 3, 2)) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        policy_replace_steps(policy=Policy.objects.get(category=Category.NORMAL),
                             steps=ladder("normal", {1: {"offset_days": 20}}))
    assert {c.next_step_on for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {D(2026, 3, 23)}


def test_category_change_continues_on_the_new_ladder_without_repeating_a_fee(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2), reminder_fee_agreed=True)
    run_cycle(creditor=scoped, day=D(2026, 3, 12))  # the normal reminder, with its fee
    debtor = debtor_override(debtor=case.debtor, category=Category.RISK, until=D(2026, 6, 30),
                             note="Konkursrykten", on=D(2026, 3, 13))
    assert debtor.category == Category.RISK
    case = Case.objects.get(pk=case.pk)
    # Risk ladder: collection demand the first bank day after the reminder's deadline (23 March).
    assert (case.next_action, case.next_step_on) == ("collection_demand", D(2026, 3, 24))
    event = case.events.get(code="classification.category.changed")
    assert (event.data["from"], event.data["to"]) == ("normal", "risk")
    assert "Satt till risk för hand till och med 2026-06-30: Konkursrykten" in event_text(event)
    run_cycle(creditor=scoped, day=D(2026, 3, 24))
    kinds = list(LedgerEntry.objects.filter(case=case, kind__endswith="fee").values_list("kind", flat=True))
    assert sorted(kinds) == ["collection_fee", "reminder_fee"]
    assert case.events.filter(code="classification.category.changed").count() == 1
