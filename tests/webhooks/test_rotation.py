"""Rotating an endpoint's secret: during the grace period each delivery carries both signatures
and the reference library verifies it with either secret; after it, only the new one signs."""
import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.errors import ValidationError
from core.tenancy import creditor_scope
from creditors.models import AuditAction, AuditEvent
from tests.factories import make_case
from webhooks.models import WebhookEndpoint
from webhooks.services import endpoint_secret_rotate, previous_secrets_forget
from webhooks.signing import secret_decrypt
from webhooks.tasks import deliver_due, forget_previous_secrets

from .conftest import register

START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def rotate(creditor, endpoint, grace):
    with creditor_scope(creditor):
        return endpoint_secret_rotate(endpoint=endpoint, grace=grace)


def sent(creditor, receiver) -> dict:
    """Close a new case, send what is due, and return the request the receiver got."""
    with creditor_scope(creditor):
        case_transition(case=make_case(creditor), to=Stage.CLOSED, on=START.date(),
                        closed_reason=ClosedReason.WITHDRAWN)
    assert deliver_due.delay().get() == 1
    return receiver.requests[-1]


def verifies(secret, request) -> bool:
    try:
        Webhook(secret).verify(request["body"], request["headers"])
    except WebhookVerificationError:
        return False
    return True


def test_both_secrets_sign_during_the_grace_period_then_only_the_new_one(creditor, receiver, traveller):
    endpoint, old = register(creditor, url=receiver.url, events=["case.closed"])
    endpoint, new = rotate(creditor, endpoint, 24 * HOUR)
    assert new.startswith("whsec_") and new != old
    assert endpoint.previous_secret_expires_at == START + 24 * HOUR

    during = sent(creditor, receiver)
    signatures = during["headers"]["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    assert verifies(new, during) and verifies(old, during)  # a receiver on either secret accepts it
    assert not verifies("whsec_" + "QUJD" * 11, during)

    traveller.move_to(START + 24 * HOUR - datetime.timedelta(seconds=1))
    assert verifies(old, sent(creditor, receiver))  # the last second of grace
    traveller.move_to(START + 24 * HOUR)
    after = sent(creditor, receiver)
    assert len(after["headers"]["webhook-signature"].split(" ")) == 1
    assert verifies(new, after) and not verifies(old, after)


def test_a_grace_of_zero_stops_the_old_secret_at_once(creditor, receiver, traveller):
    endpoint, old = register(creditor, url=receiver.url, events=["case.closed"])
    endpoint, new = rotate(creditor, endpoint, datetime.timedelta(0))
    assert (endpoint.previous_secret_encrypted, endpoint.previous_secret_expires_at) == ("", None)
    request = sent(creditor, receiver)
    assert verifies(new, request) and not verifies(old, request)


def test_a_second_rotation_in_the_grace_period_drops_the_oldest_secret(creditor, receiver, traveller):
    endpoint, first = register(creditor, url=receiver.url, events=["case.closed"])
    endpoint, second = rotate(creditor, endpoint, 24 * HOUR)
    traveller.move_to(START + HOUR)
    endpoint, third = rotate(creditor, endpoint, 2 * HOUR)
    assert endpoint.previous_secret_expires_at == START + 3 * HOUR  # the new grace, from now
    request = sent(creditor, receiver)
    assert verifies(third, request) and verifies(second, request) and not verifies(first, request)
    traveller.move_to(START + 3 * HOUR)
    request = sent(creditor, receiver)
    assert verifies(third, request) and not verifies(second, request)


@pytest.mark.parametrize("grace", [-HOUR, 7 * 24 * HOUR + datetime.timedelta(seconds=1), 24])
def test_a_grace_out_of_range_is_refused_and_changes_nothing(creditor, grace):
    endpoint, secret = register(creditor)
    with pytest.raises(ValidationError) as refused:
        rotate(creditor, endpoint, grace)
    assert refused.value.code == "grace_invalid" and "0" in refused.value.message and "168" in refused.value.message
    with creditor_scope(creditor):
        endpoint = WebhookEndpoint.objects.get()
        assert secret_decrypt(endpoint.secret_encrypted) == secret and endpoint.previous_secret_encrypted == ""
        assert not AuditEvent.objects.filter(action=AuditAction.WEBHOOK_SECRET_ROTATED).exists()


def test_seven_days_is_the_longest_grace(creditor, traveller):
    endpoint, _ = register(creditor)
    endpoint, _ = rotate(creditor, endpoint, 7 * 24 * HOUR)
    assert endpoint.previous_secret_expires_at == START + 7 * 24 * HOUR


def test_the_sweep_blanks_old_secrets_whose_grace_is_over(creditor, other_creditor, traveller):
    mine, _ = register(creditor)
    theirs, _ = register(other_creditor)
    rotate(creditor, mine, HOUR)
    rotate(other_creditor, theirs, 24 * HOUR)
    assert forget_previous_secrets.delay().get() == 0
    traveller.move_to(START + HOUR)
    assert previous_secrets_forget() == 1  # across creditors, only what is over
    with creditor_scope(creditor):
        mine.refresh_from_db()
    with creditor_scope(other_creditor):
        theirs.refresh_from_db()
    assert (mine.previous_secret_encrypted, mine.previous_secret_expires_at) == ("", None)
    assert theirs.previous_secret_encrypted and theirs.previous_secret_until == START + 24 * HOUR


def test_the_database_refuses_an_old_secret_without_its_end(creditor):
    endpoint, _ = register(creditor)
    with creditor_scope(creditor), pytest.raises(IntegrityError), transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_encrypted=endpoint.secret_encrypted)
