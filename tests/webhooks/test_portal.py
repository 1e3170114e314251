"""The portal's webhook pages: an administrator's alone; deliveries, failures and replays shown."""
import datetime

import pytest
import time_machine

from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from creditors.models import Role
from tests.factories import make_case
from tests.portal.members import sign_in
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from webhooks.tasks import deliver_due

from .conftest import register

LIST = "/settings/webhooks/"


@pytest.fixture
def admin(client, creditor):
    return sign_in(client, creditor, Role.ADMIN, email="admin@acme.se")


def closed(creditor):
    case = make_case(creditor)
    with creditor_scope(creditor):
        case_transition(case=case, to=Stage.CLOSED, on=datetime.date(2026, 11, 23), closed_reason=ClosedReason.PAID)
        return WebhookEvent.objects.filter(type="case.closed").get()


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(admin, creditor):
    page = admin.get(LIST)
    assert page.status_code == 200 and 'name="url"' in page.content.decode()
    response = admin.post(LIST, {"url": "https://erp.example/hook", "events": ["case.closed", "letter.sent"],
                                 "description": "Affärssystemet"})
    with creditor_scope(creditor):
        endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{endpoint.pk}/"
    assert endpoint.events == ["case.closed", "letter.sent"] and endpoint.description == "Affärssystemet"
    first = admin.get(response["Location"]).content.decode()
    secret = first.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith("whsec_")
    assert secret not in admin.get(response["Location"]).content.decode()  # once


def test_a_private_address_is_refused_in_words_and_nothing_is_stored(admin, creditor, dns):
    dns["intern.example"] = ["169.254.169.254"]
    response = admin.post(LIST, {"url": "https://intern.example/hook", "events": ["case.closed"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'role="alert"' in page and "Inget sparades: adressen leder till en intern adress (169.254.169.254)" in page
    with creditor_scope(creditor):
        assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("role", [Role.STAFF, Role.READ_ONLY])
def test_staff_and_read_only_members_get_403_and_change_nothing(client, creditor, role):
    endpoint, _ = register(creditor)
    event = closed(creditor)
    member = sign_in(client, creditor, role)
    assert member.get(LIST).status_code == 403
    assert member.get(f"{LIST}{endpoint.pk}/").status_code == 403
    assert member.post(LIST, {"url": "https://erp.example/x", "events": ["case.closed"]}).status_code == 403
    assert member.post(f"{LIST}{endpoint.pk}/", {"url": "https://erp.example/x", "events": ["letter.sent"]}
                       ).status_code == 403
    assert member.post(f"{LIST}{endpoint.pk}/delete").status_code == 403
    assert member.post(f"{LIST}{endpoint.pk}/events/{event.pk}/replay").status_code == 403
    with creditor_scope(creditor):
        assert list(WebhookEndpoint.objects.values_list("url", "events")) == [
            ("https://erp.example/hook", ["case.stage_changed", "case.closed"])]
        assert WebhookDelivery.objects.count() == 2


def test_another_creditors_endpoint_is_not_found(admin, other_creditor):
    theirs, _ = register(other_creditor)
    assert admin.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert theirs.url not in admin.get(LIST).content.decode()


def test_a_failed_delivery_is_shown_and_replayed(admin, creditor, receiver):
    receiver.answers = [(500, {})]
    endpoint, _ = register(creditor, url=receiver.url, events=["case.closed"])
    start = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        event = closed(creditor)
        for _ in range(20):
            deliver_due.delay()
            with creditor_scope(creditor):
                delivery = WebhookDelivery.objects.get()
            if delivery.failed_at:
                break
            traveller.move_to(delivery.next_attempt_at)
        page = admin.get(f"{LIST}{endpoint.pk}/").content.decode()
        failed = page.split("Misslyckade leveranser")[1].split("Senaste leveranser")[0]
        assert event.webhook_id in failed and "HTTP 500" in failed and "Misslyckades" in failed
        receiver.answers = [(200, {})]
        response = admin.post(f"{LIST}{endpoint.pk}/events/{event.pk}/replay")
        assert response.status_code == 302
        deliver_due.delay()
    with creditor_scope(creditor):
        states = sorted(d.state for d in WebhookDelivery.objects.all())
    assert states == ["delivered", "failed"]
    assert receiver.requests[-1]["headers"]["webhook-id"] == event.webhook_id


def test_an_admin_changes_and_removes_an_endpoint(admin, creditor):
    endpoint, _ = register(creditor)
    response = admin.post(f"{LIST}{endpoint.pk}/", {"url": "https://erp.example/new", "events": ["letter.sent"]})
    assert response.status_code == 302
    with creditor_scope(creditor):
        endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.active) == ("https://erp.example/new", ["letter.sent"], False)
    refused = admin.post(f"{LIST}{endpoint.pk}/", {"url": "https://erp.example/new", "events": []})
    assert refused.status_code == 400 and "Inget sparades: välj minst en händelse." in refused.content.decode()
    assert admin.post(f"{LIST}{endpoint.pk}/delete").status_code == 302
    with creditor_scope(creditor):
        assert not WebhookEndpoint.objects.exists()
