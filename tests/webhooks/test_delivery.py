"""Delivery: signed per Standard Webhooks, retried with backoff for three days, then failed."""
import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from standardwebhooks import Webhook

from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from tests.factories import make_case
from webhooks.delivery import GIVE_UP_AFTER
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tasks import deliver_due

from .conftest import register

START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)


def close(creditor, case):
    with creditor_scope(creditor):
        case_transition(case=case, to=Stage.CLOSED, on=START.date(), closed_reason=ClosedReason.WITHDRAWN)


def delivery(creditor) -> WebhookDelivery:
    with creditor_scope(creditor):
        return WebhookDelivery.objects.select_related("event").get()


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_delivery_is_signed_per_standard_webhooks(creditor, receiver, traveller):
    case = make_case(creditor)
    endpoint, secret = register(creditor, url=receiver.url, events=["case.closed"])
    assert secret.startswith("whsec_")
    close(creditor, case)
    assert deliver_due.delay().get() == 1
    (request,) = receiver.requests
    headers = request["headers"]
    # The reference library verifies id, timestamp and signature with the secret the creditor was shown.
    assert Webhook(secret).verify(request["body"], headers) == {
        "type": "case.closed", "timestamp": delivery(creditor).event.created_at.isoformat(),
        "data": {"case": case.pk, "closed_reason": "withdrawn", "on": "2026-11-23"}}
    assert headers["webhook-id"] == delivery(creditor).event.webhook_id
    assert headers["webhook-timestamp"] == str(int(START.timestamp()))
    assert headers["Host"] == f"erp.example:{receiver.port}"  # connected to the address checked, named as registered
    assert request["path"] == "/hook"
    with pytest.raises(Exception):  # another secret does not verify it
        Webhook("whsec_" + "QUJD" * 11).verify(request["body"], headers)
    sent = delivery(creditor)
    assert (sent.state, sent.attempts, sent.last_status, sent.next_attempt_at) == ("delivered", 1, 200, None)
    assert deliver_due.delay().get() == 0  # delivered once
    with creditor_scope(creditor):
        assert WebhookEndpoint.objects.get().secret_encrypted.find(secret.removeprefix("whsec_")) == -1


def test_failures_are_retried_with_backoff_for_three_days_then_failed(creditor, receiver, traveller):
    receiver.answers = [(500, {})]
    case = make_case(creditor)
    register(creditor, url=receiver.url, events=["case.closed"])
    close(creditor, case)
    waits = []
    while True:
        assert deliver_due.delay().get() == 1
        sent = delivery(creditor)
        if sent.next_attempt_at is None:
            break
        waits.append(sent.next_attempt_at - timezone.now())
        traveller.move_to(sent.next_attempt_at - datetime.timedelta(seconds=1))
        assert deliver_due.delay().get() == 0  # not before it is due
        traveller.move_to(sent.next_attempt_at)
    hours = datetime.timedelta(hours=1)
    assert waits == [datetime.timedelta(seconds=5), datetime.timedelta(minutes=5), datetime.timedelta(minutes=30),
                     2 * hours, 5 * hours] + [10 * hours] * 6
    assert sent.state == "failed" and sent.attempts == len(waits) + 1 == len(receiver.requests)
    assert sent.failed_at - sent.created_at <= GIVE_UP_AFTER
    assert (sent.last_status, sent.last_error) == (500, "HTTP 500")
    # Every attempt carried the same id and body, each signed at its own time.
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    assert len({r["body"] for r in receiver.requests}) == 1


def test_a_receiver_that_comes_back_gets_the_event(creditor, receiver, traveller):
    receiver.answers = [(503, {}), (503, {}), (204, {})]
    case = make_case(creditor)
    register(creditor, url=receiver.url, events=["case.closed"])
    close(creditor, case)
    for _ in range(3):
        call_command("deliver_webhooks")
        sent = delivery(creditor)
        if sent.next_attempt_at:
            traveller.move_to(sent.next_attempt_at)
    assert (sent.state, sent.attempts, sent.last_status, sent.last_error) == ("delivered", 3, 204, "")
