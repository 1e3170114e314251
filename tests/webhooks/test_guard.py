"""The SSRF guard: no endpoint on a loopback, private, link-local or otherwise non-public
address, at registration and at every delivery; redirects are not followed."""
import datetime
import socket

import pytest

from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.errors import ValidationError
from core.tenancy import creditor_scope
from tests.factories import make_case
from webhooks.guard import address_refused
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tasks import deliver_due

from .conftest import PUBLIC, register

REFUSED = ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
           "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1",
           "::ffff:169.254.169.254", "2002:7f00:1::", "64:ff9b::a9fe:a9fe"]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address):
    assert address_refused(address)


@pytest.mark.parametrize("address", [PUBLIC, "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert address_refused(address) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "169.254.169.254", "::1", "::ffff:127.0.0.1"])
def test_registration_refuses_a_private_address_literal_or_by_name(creditor, dns, address):
    host = f"[{address}]" if ":" in address else address
    dns["internal.example"] = [address]
    for url in (f"https://{host}/hook", "https://internal.example/hook"):
        with pytest.raises(ValidationError) as refused:
            register(creditor, url=url)
        assert refused.value.code == "url_private" and refused.value.detail["address"] == address
    with creditor_scope(creditor):
        assert not WebhookEndpoint.objects.exists()


def test_a_name_with_one_private_address_among_public_ones_is_refused(creditor, dns):
    dns["mixed.example"] = [PUBLIC, "10.0.0.1"]
    with pytest.raises(ValidationError) as refused:
        register(creditor, url="https://mixed.example/hook")
    assert refused.value.detail["address"] == "10.0.0.1"


@pytest.mark.parametrize("url, code", [("http://erp.example/hook", "url_scheme"), ("ftp://erp.example/", "url_scheme"),
                                       ("https://user:pw@erp.example/", "url_credentials"),
                                       ("https://nowhere.example/", "url_unresolvable"), ("https://", "url_invalid")])
def test_other_bad_urls_are_refused_with_their_reason(creditor, url, code):
    with pytest.raises(ValidationError) as refused:
        register(creditor, url=url)
    assert refused.value.code == code


@pytest.fixture
def connections(monkeypatch):
    """Every connection a delivery opens, refused after it is recorded: nothing leaves the machine."""
    opened = []

    def create_connection(address, *args, **kwargs):
        opened.append(address)
        raise ConnectionRefusedError("refused by the test")

    monkeypatch.setattr(socket, "create_connection", create_connection)
    return opened


def closed_case(creditor):
    case = make_case(creditor)
    with creditor_scope(creditor):
        case_transition(case=case, to=Stage.CLOSED, on=datetime.date(2026, 11, 23),
                        closed_reason=ClosedReason.WITHDRAWN)


def only_delivery(creditor) -> WebhookDelivery:
    with creditor_scope(creditor):
        return WebhookDelivery.objects.get()


def test_a_delivery_connects_to_the_address_it_checked(creditor, connections):
    register(creditor, events=["case.closed"])
    closed_case(creditor)
    deliver_due.delay()
    assert connections == [(PUBLIC, 443)]
    sent = only_delivery(creditor)
    assert sent.state == "pending" and sent.attempts == 1 and "refused by the test" in sent.last_error


@pytest.mark.parametrize("address", ["169.254.169.254", "127.0.0.1", "::ffff:10.0.0.1"])
def test_a_name_that_later_resolves_to_a_private_address_is_refused_at_delivery(creditor, dns, connections, address):
    register(creditor, events=["case.closed"])  # erp.example was public then
    dns["erp.example"] = [address]  # DNS changed (or rebinds) since
    closed_case(creditor)
    deliver_due.delay()
    assert connections == []
    sent = only_delivery(creditor)
    assert sent.attempts == 1 and sent.last_status is None
    assert sent.last_error.startswith("refused: a webhook goes to a public address") and address in sent.last_error


def test_a_redirect_is_not_followed(creditor, receiver, monkeypatch):
    opened = []
    real = socket.create_connection
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: opened.append(address) or real(address, *a, **k))
    receiver.answers = [(302, {"Location": "http://169.254.169.254/latest/meta-data/"})]
    register(creditor, url=receiver.url, events=["case.closed"])
    closed_case(creditor)
    deliver_due.delay()
    assert opened == [("127.0.0.1", receiver.port)] and len(receiver.requests) == 1
    sent = only_delivery(creditor)
    assert sent.state == "pending" and sent.last_status == 302
    assert "redirect (to http://169.254.169.254/latest/meta-data/) is not followed" in sent.last_error
