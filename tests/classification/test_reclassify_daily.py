"""The daily pass reclassifies only the debtors whose facts changed or whose dates the day
moved past: on random histories it must leave every debtor as a full reclassification would."""
import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import classification.daily
from cases.models import PAYMENT_PLAN_BROKEN, PROMISE_BROKEN, Case, CaseEvent
from cases.stages import Stage
from classification.features import features_for
from classification.models import ClassificationRules, CreditReport
from classification.rules import Features, Override, classify
from classification.selectors import rule_set
from classification.services import debtor_override, reclassify_daily
from core.tenancy import creditor_scope
from debtors.models import Category, Debtor
from payments.services import payment_register
from tests.factories import DebtorFactory, InvoiceFactory, make_case, make_creditor

SERIAL = itertools.count()
START = datetime.date(2026, 6, 1)
D = datetime.timedelta


def computed(creditor, day) -> dict:
    """debtor id → (category, reasons) as a full reclassification on `day` gives them, for
    every debtor with an unclosed case (those the daily pass looks after)."""
    rules = rule_set(creditor)
    debtors = Debtor.objects.filter(pk__in=Case.objects.exclude(stage=Stage.CLOSED).values("debtor_id"))
    features = features_for(creditor, list(debtors.values_list("pk", flat=True)), day, shown=False)
    result = {}
    for debtor in debtors:
        override = (Override(debtor.override_category, debtor.override_until, debtor.override_note)
                    if debtor.override_category else None)
        got = classify(features.get(debtor.pk, Features()), rules, today=day, vip=debtor.vip, override=override)
        result[debtor.pk] = (got.category, got.reasons)
    return result


def stored(creditor, ids) -> dict:
    return {pk: (category, reasons) for pk, category, reasons
            in Debtor.objects.filter(pk__in=ids).values_list("pk", "category", "category_reasons")}


def act(creditor, debtors, day, action) -> None:
    """One fact written on `day`, through the service that writes it where there is one."""
    kind, which, offset, extra = action
    debtor = debtors[which % len(debtors)]
    open_cases = list(Case.objects.filter(debtor=debtor).exclude(stage=Stage.CLOSED).order_by("pk"))
    if kind == "paid invoice":  # a ledger row: paid `extra` days after its due date, perhaps after today
        due = day - D(days=offset)
        InvoiceFactory(creditor=creditor, debtor=debtor, due_date=due, paid_on=due + D(days=extra))
    elif kind == "case":  # an unpaid invoice, due `offset` days ago (or ahead), with its case
        make_case(creditor, debtor=debtor, due_date=day - D(days=offset - 20))
    elif kind == "payment" and open_cases:
        case = open_cases[offset % len(open_cases)]
        payment_register(case=case, amount=Decimal("5000.00"), paid_on=day)
    elif kind == "report":
        CreditReport.objects.create(creditor=creditor, identity_number=debtor.identity_number, score=50,
                                    risk_class=1 + extra % 5, payment_remarks=0,
                                    reported_on=day - D(days=offset * 3), source=f"UC{next(SERIAL)}")
    elif kind == "broken" and open_cases:  # as dunning.holds and dunning.plans record a broken promise or plan
        CaseEvent.objects.create(creditor=creditor, case=open_cases[0], at=timezone.now(),
                                 on=day - D(days=offset % 3), actor="system",
                                 code=PROMISE_BROKEN if extra % 2 else PAYMENT_PLAN_BROKEN)
    elif kind == "override" and open_cases:
        debtor_override(debtor=debtor, category=Category.RISK, until=day + D(days=offset % 6),
                        note="Konkursansökan", on=day)


actions = st.lists(st.tuples(st.sampled_from(["paid invoice", "case", "payment", "report", "broken", "override"]),
                             st.integers(0, 5), st.integers(0, 40), st.integers(0, 40)), max_size=4)


@pytest.fixture
def no_sweep(monkeypatch):
    # The rolling sweep would hide a missing trigger: with it off, only the triggers find debtors.
    monkeypatch.setattr(classification.daily, "SWEEP_DAYS", 10**9)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=st.lists(st.tuples(st.integers(0, 3), st.integers(300, 400), st.integers(0, 40)), max_size=10),
       reports=st.lists(st.tuples(st.integers(0, 3), st.integers(70, 110), st.integers(1, 5)), max_size=3),
       days=st.lists(st.tuples(st.integers(1, 6), actions), min_size=1, max_size=5))
def test_the_daily_pass_leaves_every_debtor_as_a_full_pass_would(db, no_sweep, history, reports, days):
    creditor = make_creditor(f"d{next(SERIAL)}", "Daily AB", "556703-7485", "5050-1055")
    with creditor_scope(creditor):
        ClassificationRules.objects.update_or_create(creditor=creditor, defaults={"late_count": 2, "late_of_last": 3})
        debtors = [DebtorFactory(creditor=creditor, identity_number=f"19811218-98{n:02d}") for n in range(4)]
        for debtor in debtors:
            make_case(creditor, debtor=debtor, due_date=START - D(days=5))
        for which, ago, late in history:  # a year of paid invoices, some about to leave the window
            due = START - D(days=ago)
            InvoiceFactory(creditor=creditor, debtor=debtors[which], due_date=due, paid_on=due + D(days=late))
        for which, ago, risk_class in reports:  # some about to go stale
            CreditReport.objects.create(creditor=creditor, identity_number=debtors[which].identity_number, score=50,
                                        risk_class=risk_class, payment_remarks=0, reported_on=START - D(days=ago),
                                        source=f"UC{next(SERIAL)}")
        day = START
        reclassify_daily(creditor=creditor, on=day)  # the first pass is a full one
        for gap, today in days:
            day += D(days=gap)
            for action in today:
                act(creditor, debtors, day, action)
            reclassify_daily(creditor=creditor, on=day)
            expected = computed(creditor, day)
            assert stored(creditor, expected) == expected, f"on {day}"


def test_a_late_invoice_leaving_the_window_frees_its_debtor_on_that_day(db, no_sweep):
    """No fact is written: only the day moves, and an old late payment falls out of the
    12-month window. The daily pass must find the debtor on that very day."""
    creditor = make_creditor(f"d{next(SERIAL)}", "Window AB", "556703-7485", "5050-1055")
    with creditor_scope(creditor):
        ClassificationRules.objects.update_or_create(creditor=creditor, defaults={"late_count": 2, "late_of_last": 3})
        debtor = DebtorFactory(creditor=creditor, identity_number="19811218-9876")
        make_case(creditor, debtor=debtor, due_date=START - D(days=5))
        for ago in (358, 200):  # two of the last three paid a month late: a risk, until the older one ages out
            due = START - D(days=ago)
            InvoiceFactory(creditor=creditor, debtor=debtor, due_date=due, paid_on=due + D(days=30))
        InvoiceFactory(creditor=creditor, debtor=debtor, due_date=START - D(days=100),
                       paid_on=START - D(days=100))
        reclassify_daily(creditor=creditor, on=START)
        assert Debtor.objects.get(pk=debtor.pk).category == Category.RISK
        seen = set()
        for offset in range(1, 21):
            day = START + D(days=offset)
            reclassify_daily(creditor=creditor, on=day)
            expected = computed(creditor, day)
            assert stored(creditor, expected) == expected, f"on {day}"
            seen.add(expected[debtor.pk][0])
        assert Category.NORMAL in seen  # the window did move past the late payment in these 20 days
