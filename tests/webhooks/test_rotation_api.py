"""POST /api/v1/webhooks/{id}/rotate-secret: the new secret once, the old one's end, a safe retry."""
import datetime
import json

import pytest
import time_machine
from django.test import Client

from api.models import IdempotentRequest
from core.tenancy import creditor_scope
from creditors.models import ApiScopes, AuditAction, AuditEvent
from creditors.services import api_client_create
from tests.api.conftest import api_client_for
from webhooks.models import WebhookEndpoint
from webhooks.signing import secret_decrypt

from .conftest import register

START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
SHAPE = {"code", "message", "detail"}


@pytest.fixture
def api(creditor):
    return api_client_for(creditor)


@pytest.fixture(autouse=True)
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def rotate(api, endpoint_id, body=None, **headers):
    return api.post(f"/api/v1/webhooks/{endpoint_id}/rotate-secret", json.dumps(body) if body is not None else "",
                    content_type="application/json", **headers)


def stored(creditor) -> WebhookEndpoint:
    with creditor_scope(creditor):
        return WebhookEndpoint.objects.get()


def rotations(creditor) -> int:
    with creditor_scope(creditor):
        return AuditEvent.objects.filter(action=AuditAction.WEBHOOK_SECRET_ROTATED).count()


def test_rotate_answers_the_new_secret_once_and_when_the_old_one_stops(api, creditor):
    endpoint, old = register(creditor)
    response = rotate(api, endpoint.pk, {"grace_hours": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != old
    assert secret_decrypt(stored(creditor).secret_encrypted) == body["secret"]
    assert secret_decrypt(stored(creditor).previous_secret_encrypted) == old
    assert body["previous_secret_expires_at"] == "2026-11-23T12:00:00+01:00"  # two hours on, in Stockholm time
    assert (body["id"], body["url"], body["events"]) == (endpoint.pk, endpoint.url, endpoint.events)
    shown = api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()
    assert "secret" not in shown and shown["previous_secret_expires_at"] == "2026-11-23T12:00:00+01:00"


def test_an_empty_body_gives_a_day_of_grace_and_zero_none(api, creditor, traveller):
    endpoint, _ = register(creditor)
    assert rotate(api, endpoint.pk).json()["previous_secret_expires_at"] == "2026-11-24T10:00:00+01:00"
    traveller.move_to(START + datetime.timedelta(days=1))
    assert api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()["previous_secret_expires_at"] is None  # over
    traveller.move_to(START)
    answer = rotate(api, endpoint.pk, {"grace_hours": 0}).json()
    assert answer["previous_secret_expires_at"] is None
    assert stored(creditor).previous_secret_encrypted == ""


@pytest.mark.parametrize("body, field", [
    ({"grace_hours": -1}, "grace_hours"),
    ({"grace_hours": 169}, "grace_hours"),
    ({"grace_hours": "24"}, "grace_hours"),
    ({"grace_hours": 24.5}, "grace_hours"),
    ({"grace_hours": True}, "grace_hours"),
    ({"grace_hours": None}, "grace_hours"),
    ({"grace": 24}, "grace"),
])
def test_a_bad_grace_is_a_400_naming_the_field_and_rotates_nothing(api, creditor, body, field):
    endpoint, secret = register(creditor)
    response = rotate(api, endpoint.pk, body)
    assert response.status_code == 400 and set(response.json()) == SHAPE
    assert response.json()["code"] == "invalid" and list(response.json()["detail"]) == [field]
    if field == "grace_hours":
        assert "from 0" in response.json()["detail"][field][0] and "168" in response.json()["detail"][field][0]
    assert secret_decrypt(stored(creditor).secret_encrypted) == secret and rotations(creditor) == 0


def test_a_retry_with_the_same_idempotency_key_gets_the_same_secret_and_rotates_once(api, creditor):
    endpoint, _ = register(creditor)
    first = rotate(api, endpoint.pk, {"grace_hours": 24}, HTTP_IDEMPOTENCY_KEY="rotate-1")
    again = rotate(api, endpoint.pk, {"grace_hours": 24}, HTTP_IDEMPOTENCY_KEY="rotate-1")
    assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert secret_decrypt(stored(creditor).secret_encrypted) == first.json()["secret"]
    assert rotations(creditor) == 1
    other = rotate(api, endpoint.pk, {"grace_hours": 24}, HTTP_IDEMPOTENCY_KEY="rotate-2")
    assert other.json()["secret"] != first.json()["secret"] and rotations(creditor) == 2


def test_the_answer_kept_for_a_retry_does_not_hold_the_secret_in_the_clear(api, creditor):
    endpoint, _ = register(creditor)
    created = api.post("/api/v1/webhooks/", json.dumps({"url": "https://93.184.216.34/b", "events": ["case.closed"]}),
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY="create-1")
    rotated = rotate(api, endpoint.pk, {"grace_hours": 24}, HTTP_IDEMPOTENCY_KEY="rotate-1")
    secrets = {created.json()["secret"].encode(), rotated.json()["secret"].encode()}
    with creditor_scope(creditor):
        kept = [bytes(body) for body in IdempotentRequest.objects.values_list("body", flat=True)]
    assert len(kept) == 2 and not any(secret in body for secret in secrets for body in kept)
    again = api.post("/api/v1/webhooks/", json.dumps({"url": "https://93.184.216.34/b", "events": ["case.closed"]}),
                     content_type="application/json", HTTP_IDEMPOTENCY_KEY="create-1")
    assert again.content == created.content and again["Idempotent-Replayed"] == "true"


def test_a_read_key_cannot_rotate(creditor):
    endpoint, secret = register(creditor)
    with creditor_scope(creditor):
        _, token = api_client_create(creditor=creditor, name="Reader", scopes=ApiScopes.READ)
    response = rotate(Client(HTTP_AUTHORIZATION=f"Bearer {token}"), endpoint.pk, {"grace_hours": 0})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert secret_decrypt(stored(creditor).secret_encrypted) == secret and rotations(creditor) == 0


def test_another_creditors_endpoint_is_not_found_like_a_missing_one(api, creditor, other_creditor):
    theirs, secret = register(other_creditor)
    response, missing = rotate(api, theirs.pk, {"grace_hours": 0}), rotate(api, 999_999, {"grace_hours": 0})
    assert response.status_code == 404 and response.json() == missing.json()
    assert secret_decrypt(stored(other_creditor).secret_encrypted) == secret and rotations(other_creditor) == 0


def test_the_audit_event_names_the_key_and_grace_never_a_secret(api, creditor):
    endpoint, old = register(creditor)
    new = rotate(api, endpoint.pk, {"grace_hours": 24}, REMOTE_ADDR="203.0.113.9").json()["secret"]
    with creditor_scope(creditor):
        (event,) = AuditEvent.objects.filter(action=AuditAction.WEBHOOK_SECRET_ROTATED)
    assert (event.actor_email, event.target, event.ip) == ("API: ERP", f"webhook:{endpoint.pk}", "203.0.113.9")
    assert event.details == {"url": endpoint.url, "events": endpoint.events, "grace_hours": 24}
    for secret in (old, new):
        assert secret.removeprefix("whsec_") not in json.dumps(event.details)
