"""A payment file allocates in batches; the result must be what one payment at a time gives."""
import datetime
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseEvent, LedgerEntry
from core.tenancy import creditor_scope
from cycle.run import run_cycle
from dunning.models import Policy, QueueItem
from payments.importing import payments_import
from payments.services import payment_register
from tests.factories import make_case, make_creditor

SERIAL = itertools.count()
DUE = datetime.date(2026, 9, 1)
CYCLE_DAYS = [datetime.date(2026, 9, 11), datetime.date(2026, 9, 28), datetime.date(2026, 10, 19)]


def portfolio(creditor, amounts, rate=None):
    """Cases with the same invoices for each creditor, taken up the ladder (fees, interest, a review);
    `rate`: the normal policy's contractual interest rate, if it claims one."""
    with creditor_scope(creditor):
        Policy.objects.filter(category="normal").update(contractual_interest_rate=rate)
        cases = [make_case(creditor, amount=amount, due_date=DUE + datetime.timedelta(days=i % 3),
                           reminder_fee_agreed=True) for i, amount in enumerate(amounts)]
    for day in CYCLE_DAYS:
        run_cycle(creditor=creditor, day=day)
    return cases


def state(creditor) -> dict:
    with creditor_scope(creditor):
        numbers = {pk: f"#{rank}" for rank, pk in enumerate(sorted(Case.objects.values_list("pk", flat=True)))}
        return {
            "cases": sorted((numbers[c.pk][1:], c.stage, c.closed_reason, c.closed_on, c.next_action, c.next_step_on)
                            for c in Case.objects.all()),
            "entries": sorted((numbers[e.case_id][1:], e.kind, e.component, e.amount, e.booked_on, e.applies_to,
                               e.reference) for e in LedgerEntry.objects.all()),
            "events": sorted((numbers[case_id][1:], code, on) for case_id, code, on
                             in CaseEvent.objects.values_list("case_id", "code", "on")),
            "queue": sorted((numbers[case_id][1:], kind, outcome) for case_id, kind, outcome
                            in QueueItem.objects.values_list("case_id", "kind", "outcome")),
        }


amounts = st.lists(st.decimals(min_value=Decimal("50.00"), max_value=Decimal("5000.00"), places=2), min_size=1,
                   max_size=4)
payments = st.lists(st.tuples(st.integers(0, 3), st.decimals(min_value=Decimal("1.00"), max_value=Decimal("6000.00"),
                                                              places=2), st.integers(0, 80)), min_size=1, max_size=8)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=amounts, paid=payments, rate=st.sampled_from([None, Decimal("24.00")]))
def test_a_file_allocates_as_payment_register_does(db, amounts, paid, rate):
    slug = f"p{next(SERIAL)}"  # examples share the test's database: each gets its own two creditors
    one = make_creditor(f"{slug}a", "One AB", "556703-7485", "5050-1055")
    many = make_creditor(f"{slug}b", "Many AB", "556036-0793", "5402-9681")
    by_one, by_file = portfolio(one, amounts, rate), portfolio(many, amounts, rate)
    lines = []
    for index, amount, days in paid:
        index %= len(amounts)
        paid_on = datetime.date(2026, 9, 5) + datetime.timedelta(days=days)
        with creditor_scope(one):
            payment_register(case=by_one[index], amount=amount, paid_on=paid_on, source="csv")
        lines.append(f"{by_file[index].ocr_reference};{amount};{paid_on};X")
    payments_import(name="file.csv", creditor=many,
                    data=("ocr_reference;amount;paid_on;payer\n" + "\n".join(lines) + "\n").encode())
    assert state(many) == state(one)


def test_a_batch_refuses_another_creditors_case_and_stores_nothing(db):
    import pytest
    from django.db import transaction

    from cases.models import Payment, PaymentFile
    from core.tenancy import scopes_disabled
    from payments.batch import CasesOfAnotherCreditor, Matched, allocate_matched
    from payments.files import ParsedPayment

    one = make_creditor("own", "Own AB", "556703-7485", "5050-1055")
    other = make_creditor("other", "Other AB", "556036-0793", "5402-9681")
    theirs = make_case(other)
    parsed = ParsedPayment(record=1, amount=Decimal("100.00"), currency="SEK", paid_on=DUE, ocr_reference=theirs.ocr_reference,
                           reference="R1", free_text="", payer="", payer_address="", payer_org_number="",
                           sender_bankgiro="", receiver_account="50501055")
    with scopes_disabled():
        file = PaymentFile.objects.create(format="bgmax", name="f", sha256="0" * 64)
    with pytest.raises(CasesOfAnotherCreditor, match="other creditors' cases"):
        with transaction.atomic():
            allocate_matched(one.pk, [Matched(parsed, theirs.pk)], file=file, source="bgmax")
    with scopes_disabled():
        assert not Payment.objects.exists()
    with creditor_scope(other):
        assert not LedgerEntry.objects.exclude(kind="principal").exists()
