"""The daily cycle applies its steps in batches; the result must be what one case at a time gives."""
import datetime
import itertools
from decimal import Decimal
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseEvent, LedgerEntry
from cases.stages import OPEN_STAGES
from core.tenancy import creditor_scope
from cycle.run import run_cycle
from debtors.models import CustomerType
from dunning.models import AppliedStep, Outcome, QueueItem, QueueKind
from dunning.queue import queue_decide
from dunning.services import case_step_apply
from letters.models import Letter
from tests.factories import DebtorFactory, make_case, make_creditor

SERIAL = itertools.count()
DUE = datetime.date(2026, 9, 1)
OUTCOMES = {QueueKind.PHONE_CALL: [Outcome.NO_AGREEMENT, Outcome.NO_ANSWER, Outcome.WAIVED],
            QueueKind.PAYMENT_ORDER_REVIEW: [Outcome.APPROVED, Outcome.REJECTED]}


def steps_one_case_at_a_time(*, creditor, day, report, pack=None):
    """`dunning.steps.steps_apply_due`, by the one-case service."""
    for case in Case.objects.filter(stage__in=OPEN_STAGES, next_step_on__lte=day).order_by("pk"):
        case_step_apply(case=case, day=day, report=report, pack=pack)
    return report


def portfolio(creditor, cases) -> None:
    with creditor_scope(creditor):
        for number, (amount, due_in, fee_agreed, kind, category, reachable) in enumerate(cases):
            address = {"address": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm"} if reachable else {
                "address": "", "postal_code": "", "city": ""}
            debtor = DebtorFactory(creditor=creditor, customer_number=f"{number:03d}", name=f"Kund {number}",
                                   customer_type=kind, vip=category == "vip",
                                   **({"override_category": "risk", "override_until": DUE + datetime.timedelta(days=365)}
                                      if category == "risk" else {}), **address)
            make_case(creditor, amount=amount, due_date=DUE + datetime.timedelta(days=due_in), debtor=debtor,
                      reminder_fee_agreed=fee_agreed, invoice_number=f"F{number:03d}")


def run(creditor, days, outcomes, supervisor) -> None:
    """The cycle on each day; after it, every open call and review decided (the n-th item
    of the run with the n-th outcome drawn)."""
    drawn = itertools.cycle(outcomes)
    for day in days:
        report = run_cycle(creditor=creditor, day=day)
        with creditor_scope(creditor):
            for item in QueueItem.objects.filter(kind__in=OUTCOMES, outcome="").order_by("case_id", "pk"):
                choices = OUTCOMES[item.kind]
                queue_decide(item=item, outcome=choices[next(drawn) % len(choices)], on=day, actor=supervisor)
    return report


def state(creditor) -> dict:
    """Everything the cycle writes, with ids replaced by each case's rank."""
    with creditor_scope(creditor):
        rank = {pk: n for n, pk in enumerate(sorted(Case.objects.values_list("pk", flat=True)))}
        steps = {pk: (rank[case_id], sequence) for pk, case_id, sequence
                 in AppliedStep.objects.values_list("pk", "case_id", "sequence")}

        def data(values: dict) -> dict:  # a queue item's id differs between the copies
            return {key: value for key, value in values.items() if key != "item"}

        return {
            "cases": sorted((rank[c.pk], c.stage, c.closed_reason, c.closed_on, c.hold_reason, c.next_action,
                             c.next_step_on) for c in Case.objects.all()),
            "entries": sorted((rank[e.case_id], e.kind, e.component, e.amount, e.currency, e.booked_on, e.text,
                               e.reference, e.applies_to) for e in LedgerEntry.objects.all()),
            "events": sorted((rank[e.case_id], e.on, e.actor, e.code, e.text, repr(sorted(data(e.data).items())))
                             for e in CaseEvent.objects.all()),
            "steps": sorted((rank[s.case_id], s.sequence, s.category, s.ladder_step, s.action, s.applied_on,
                             s.deadline) for s in AppliedStep.objects.all()),
            "queue": sorted((rank[q.case_id], q.kind, q.created_on, q.due_on, q.outcome, q.decided_on, q.note)
                            for q in QueueItem.objects.all()),
            "letters": sorted((rank[x.case_id], steps.get(x.step_id), x.kind, x.language, x.sent_on, x.deadline,
                               x.bankgiro, repr(x.recipient), repr(x.amounts), x.total, x.status)
                              for x in Letter.objects.all()),
        }


cases = st.lists(st.tuples(
    st.decimals(min_value=Decimal("50.00"), max_value=Decimal("20000.00"), places=2),  # amount
    st.integers(0, 20),  # due this many days after DUE
    st.booleans(),  # reminder fee agreed
    st.sampled_from([CustomerType.CONSUMER, CustomerType.COMPANY]),
    st.sampled_from(["normal", "risk", "vip"]),
    st.booleans() | st.just(True),  # a letter can reach the debtor
), min_size=1, max_size=5)
# Every day within 2026, whose reference rates are shipped.
days = st.lists(st.integers(1, 120), min_size=4, max_size=8, unique=True).map(
    lambda offsets: [DUE + datetime.timedelta(days=d) for d in sorted(offsets)])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cases=cases, days=days, outcomes=st.lists(st.integers(0, 5), min_size=1, max_size=6))
def test_the_cycle_in_batches_writes_what_one_case_at_a_time_writes(db, supervisor, cases, days, outcomes):
    slug = f"c{next(SERIAL)}"  # examples share the test's database: each gets its own two creditors
    one = make_creditor(f"{slug}a", "One AB", "556703-7485", "5050-1055")
    bulk = make_creditor(f"{slug}b", "Bulk AB", "556036-0793", "5050-1055")
    portfolio(one, cases)
    portfolio(bulk, cases)
    with mock.patch("cycle.run.steps_apply_due", steps_one_case_at_a_time):
        run(one, days, outcomes, supervisor)
    run(bulk, days, outcomes, supervisor)
    assert state(bulk) == state(one)
