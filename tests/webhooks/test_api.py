"""/api/v1/webhooks/: a creditor's endpoints over the API, its deliveries, and replays."""
import datetime

import pytest
from django.test import Client

from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from creditors.models import ApiScopes
from creditors.services import api_client_create
from tests.api.conftest import api_client_for
from tests.factories import make_case
from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

from .conftest import register

SHAPE = {"code", "message", "detail"}
URL = "/api/v1/webhooks/"


@pytest.fixture
def api(creditor):
    return api_client_for(creditor)


def post(api, path, data):
    return api.post(path, data, content_type="application/json")


def test_create_shows_the_secret_once_then_list_get_patch_delete(api, creditor):
    created = post(api, URL, {"url": "https://erp.example/hook", "events": ["payment.allocated", "case.closed"],
                              "description": "ERP"})
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["case.closed", "payment.allocated"] and body["active"] is True
    path = f"{URL}{body['id']}/"
    shown = api.get(path).json()
    assert "secret" not in shown and shown["url"] == "https://erp.example/hook"
    assert [e["id"] for e in api.get(URL).json()] == [body["id"]]
    changed = api.patch(path, {"active": False, "events": ["letter.sent"]}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["active"] is False and changed.json()["events"] == ["letter.sent"]
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("data, code", [
    ({"url": "https://10.0.0.1/hook", "events": ["case.closed"]}, "url_private"),
    ({"url": "https://erp.example/hook", "events": ["case.opened"]}, "invalid"),
    ({"url": "https://erp.example/hook", "events": []}, "invalid"),
    ({"url": "http://erp.example/hook", "events": ["case.closed"]}, "url_scheme"),
    ({"url": "https://erp.example/hook", "events": ["case.closed"], "secret": "mine"}, "invalid"),
])
def test_bad_input_is_a_400_in_the_error_shape_and_stores_nothing(api, creditor, data, code):
    response = post(api, URL, data)
    assert response.status_code == 400
    assert set(response.json()) == SHAPE and response.json()["code"] == code
    with creditor_scope(creditor):
        assert not WebhookEndpoint.objects.exists()


def test_a_read_key_cannot_register(creditor):
    with creditor_scope(creditor):
        _, token = api_client_create(creditor=creditor, name="Reader", scopes=ApiScopes.READ)
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = post(reader, URL, {"url": "https://erp.example/hook", "events": ["case.closed"]})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert reader.get(URL).status_code == 200


def test_replay_sends_the_same_event_again(api, creditor):
    endpoint, _ = register(creditor, events=["case.closed"])
    case = make_case(creditor)
    with creditor_scope(creditor):
        case_transition(case=case, to=Stage.CLOSED, on=datetime.date(2026, 11, 23), closed_reason=ClosedReason.PAID)
        event = WebhookEvent.objects.get()
    replayed = post(api, f"{URL}{endpoint.pk}/events/{event.pk}/replay", {})
    assert replayed.status_code == 202
    assert replayed.json()["webhook_id"] == event.webhook_id and replayed.json()["state"] == "pending"
    deliveries = api.get(f"{URL}{endpoint.pk}/deliveries/").json()
    assert [d["webhook_id"] for d in deliveries] == [event.webhook_id] * 2
    with creditor_scope(creditor):
        assert WebhookDelivery.objects.filter(event=event, endpoint=endpoint).count() == 2


def test_another_creditors_endpoint_or_event_is_not_found(api, creditor, other_creditor):
    theirs, _ = register(other_creditor, events=["case.closed"])
    mine, _ = register(creditor, events=["case.closed"])
    case = make_case(other_creditor)
    with creditor_scope(other_creditor):
        case_transition(case=case, to=Stage.CLOSED, on=datetime.date(2026, 11, 23), closed_reason=ClosedReason.PAID)
        their_event = WebhookEvent.objects.get()
    missing = api.get(f"{URL}999999/").json()
    for response in (api.get(f"{URL}{theirs.pk}/"), api.patch(f"{URL}{theirs.pk}/", {"active": False},
                                                              content_type="application/json"),
                     api.delete(f"{URL}{theirs.pk}/"), api.get(f"{URL}{theirs.pk}/deliveries/"),
                     post(api, f"{URL}{theirs.pk}/events/{their_event.pk}/replay", {}),
                     post(api, f"{URL}{mine.pk}/events/{their_event.pk}/replay", {})):
        assert response.status_code == 404 and set(response.json()) == SHAPE
    assert missing["code"] == "not_found"
    assert [e["id"] for e in api.get(URL).json()] == [mine.pk]
    with creditor_scope(other_creditor):
        assert WebhookEndpoint.objects.get().active and WebhookDelivery.objects.count() == 1
