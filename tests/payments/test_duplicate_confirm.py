"""A possible duplicate an agent finds to be the earlier payment again: kept, never booked."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cases.models import LedgerEntry, Payment
from core.errors import Conflict
from payments.importing import payment_assign, payment_duplicate_confirm
from payments.services import payment_register
from tests.factories import make_case

D = datetime.date
AGENT = "user:agent@fordra.demo"


@pytest.fixture
def repeat(scoped):
    case = make_case(scoped, amount="1000.00", due_date=D(2026, 10, 1))
    earlier = payment_register(case=case, amount=Decimal("300.00"), paid_on=D(2026, 11, 2), source="csv",
                               payer="Kund AB")
    return Payment.objects.create(creditor=scoped, amount=Decimal("300.00"), paid_on=D(2026, 11, 2), source="csv",
                                  payer="Kund AB", ocr_reference=case.ocr_reference, duplicate_of=earlier,
                                  unmatched_reason=f"possible duplicate of payment #{earlier.pk}")


def test_a_confirmed_duplicate_stays_unbooked_and_the_earlier_case_says_so(scoped, repeat):
    entries = LedgerEntry.objects.count()
    payment_duplicate_confirm(payment=repeat, on=D(2026, 11, 23), actor=AGENT)
    repeat.refresh_from_db()
    assert (repeat.case_id, repeat.duplicate_confirmed_on, repeat.duplicate_confirmed_by) == (
        None, D(2026, 11, 23), AGENT)
    assert LedgerEntry.objects.count() == entries  # nothing booked
    case = repeat.duplicate_of.case
    assert case.events.filter(code="cases.payment.duplicate_confirmed", data__payment=repeat.pk).exists()
    with pytest.raises(Conflict, match="confirmed a duplicate"):
        payment_assign(payment=repeat, case=case, actor=AGENT)
    with pytest.raises(Conflict, match="already confirmed"):
        payment_duplicate_confirm(payment=repeat, on=D(2026, 11, 23), actor=AGENT)


def test_only_a_possible_duplicate_can_be_confirmed(scoped, repeat):
    payment_assign(payment=repeat, case=repeat.duplicate_of.case, actor=AGENT)  # a real second payment: booked
    with pytest.raises(Conflict, match="not a possible duplicate"):
        payment_duplicate_confirm(payment=repeat, on=D(2026, 11, 23), actor=AGENT)


def test_the_database_refuses_a_booked_payment_marked_a_duplicate(scoped, repeat):
    booked = repeat.duplicate_of
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=booked.pk).update(duplicate_confirmed_on=D(2026, 11, 23))
