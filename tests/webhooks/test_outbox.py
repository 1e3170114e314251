"""An event is in the outbox if and only if the change it tells about committed, and only for
a creditor with an endpoint subscribed to its type."""
import datetime

import pytest
from django.db import transaction

from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from payments.services import payment_register
from tests.factories import make_case
from webhooks.models import WebhookDelivery, WebhookEvent
from webhooks.services import endpoint_update

from .conftest import register

ON = datetime.date(2026, 11, 23)


def events(creditor) -> list[tuple[str, dict]]:
    with creditor_scope(creditor):
        return [(e.type, e.payload) for e in WebhookEvent.objects.order_by("id")]


def test_a_committed_change_leaves_its_event_and_a_delivery_per_endpoint(creditor):
    case = make_case(creditor)
    first, _ = register(creditor)
    second, _ = register(creditor, url="https://erp.example/other", events=["case.closed"])
    with creditor_scope(creditor):
        case_transition(case=case, to=Stage.CLOSED, on=ON, closed_reason=ClosedReason.WITHDRAWN)
    assert events(creditor) == [
        ("case.stage_changed", {"case": case.pk, "from": "reminder", "to": "closed", "reason": "withdrawn",
                                "on": "2026-11-23"}),
        ("case.closed", {"case": case.pk, "closed_reason": "withdrawn", "on": "2026-11-23"}),
    ]
    with creditor_scope(creditor):
        sent = sorted((d.event.type, d.endpoint_id) for d in WebhookDelivery.objects.select_related("event"))
        assert all(d.next_attempt_at and d.attempts == 0 for d in WebhookDelivery.objects.all())
    assert sent == [("case.closed", first.pk), ("case.closed", second.pk), ("case.stage_changed", first.pk)]


def test_a_rolled_back_change_leaves_no_event(creditor):
    case = make_case(creditor)
    register(creditor)
    with creditor_scope(creditor), pytest.raises(RuntimeError), transaction.atomic():
        case_transition(case=case, to=Stage.CLOSED, on=ON, closed_reason=ClosedReason.WITHDRAWN)
        assert WebhookEvent.objects.count() == 2  # written with the change…
        raise RuntimeError("the change fails after the transition")
    assert events(creditor) == []  # …and gone with it
    with creditor_scope(creditor):
        assert WebhookDelivery.objects.count() == 0


def test_no_event_without_a_subscribed_active_endpoint(creditor, other_creditor):
    case = make_case(creditor)
    endpoint, _ = register(other_creditor)  # another creditor's endpoint hears nothing of this one
    with creditor_scope(creditor):
        payment_register(case=case, amount="100.00", paid_on=ON)  # payment.allocated: nobody subscribed
    assert events(creditor) == [] and events(other_creditor) == []
    mine, _ = register(creditor, events=["payment.allocated"])
    with creditor_scope(creditor):
        endpoint_update(endpoint=mine, active=False)
        payment_register(case=case, amount="100.00", paid_on=ON)
    assert events(creditor) == []


def test_a_payment_tells_what_it_paid(creditor):
    case = make_case(creditor, amount="1000.00")
    register(creditor, events=["payment.allocated", "case.closed"])
    with creditor_scope(creditor):
        payment = payment_register(case=case, amount="1000.00", paid_on=datetime.date(2026, 10, 1))
    (kind, data), (closed, _) = events(creditor)
    assert (kind, closed) == ("payment.allocated", "case.closed")
    assert data == {"payment": payment.pk, "case": case.pk, "amount": "1000.00", "currency": "SEK",
                    "paid_on": "2026-10-01", "source": "direct",
                    "allocation": {"fees": "0.00", "interest": "0.00", "principal": "1000.00", "overpayment": "0.00"}}
