"""Changes to webhook endpoints and replays are in the audit trail: one event each, with who did
it (a user in the portal, the API key over the API), the endpoint, its URL and events, never its
secret; a refused change records nothing; the log page shows them in the reader's language."""
import datetime
import json

import pytest

from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from creditors.models import AuditAction, AuditEvent, Role
from tests.api.conftest import api_client_for
from tests.factories import make_case
from tests.portal.members import sign_in
from webhooks.models import WebhookEndpoint, WebhookEvent

from .conftest import register

PAGES = "/settings/webhooks/"
API = "/api/v1/webhooks/"


@pytest.fixture
def admin(client, creditor):
    return sign_in(client, creditor, Role.ADMIN, email="admin@acme.se")


@pytest.fixture
def api(creditor):
    return api_client_for(creditor)  # its key is named "ERP"


def audited(creditor, *, since: int = 0) -> list[AuditEvent]:
    with creditor_scope(creditor):
        return list(AuditEvent.objects.filter(id__gt=since, action__startswith="webhook.").order_by("id"))


def registered(creditor) -> tuple[WebhookEndpoint, int]:
    """An endpoint registered by the system (its own record: no actor), and the last record's id."""
    endpoint, _secret = register(creditor)
    (record,) = audited(creditor)
    assert (record.action, record.actor_email, record.actor_id) == (AuditAction.WEBHOOK_CREATED, "", None)
    return endpoint, record.pk


def closed_event(creditor) -> WebhookEvent:
    case = make_case(creditor)
    with creditor_scope(creditor):
        case_transition(case=case, to=Stage.CLOSED, on=datetime.date(2026, 11, 23), closed_reason=ClosedReason.PAID)
        return WebhookEvent.objects.filter(type="case.closed").get()


def test_the_portal_records_create_change_replay_and_delete_by_the_admin(admin, creditor):
    created = admin.post(PAGES, {"url": "https://erp.example/hook", "events": ["case.closed", "letter.sent"]})
    with creditor_scope(creditor):
        endpoint = WebhookEndpoint.objects.get()
    secret = admin.get(created["Location"]).content.decode().split('<code class="secret">')[1].split("</code>")[0]
    admin.post(f"{PAGES}{endpoint.pk}/", {"url": "https://erp.example/new", "events": ["case.closed"],
                                          "active": "yes"})
    admin.post(f"{PAGES}{endpoint.pk}/events/{closed_event(creditor).pk}/replay")
    admin.post(f"{PAGES}{endpoint.pk}/delete")

    events = audited(creditor)
    assert [e.action for e in events] == [AuditAction.WEBHOOK_CREATED, AuditAction.WEBHOOK_CHANGED,
                                          AuditAction.WEBHOOK_REPLAYED, AuditAction.WEBHOOK_DELETED]
    assert {(e.actor_email, e.target, e.ip) for e in events} == {("admin@acme.se", f"webhook:{endpoint.pk}",
                                                                  "127.0.0.1")}
    assert events[0].details == {"url": "https://erp.example/hook", "events": ["case.closed", "letter.sent"]}
    assert events[1].details == {"url": "https://erp.example/new", "events": ["case.closed"],
                                 "old_url": "https://erp.example/hook", "old_events": ["case.closed", "letter.sent"]}
    assert events[2].details["event"].startswith("msg_") and events[2].details["type"] == "case.closed"
    assert events[3].details == {"url": "https://erp.example/new", "events": ["case.closed"]}
    for event in events:
        assert secret not in json.dumps(event.details) and "secret" not in event.details


def test_a_form_saved_unchanged_records_nothing(admin, creditor):
    endpoint, since = registered(creditor)
    admin.post(f"{PAGES}{endpoint.pk}/", {"url": endpoint.url, "events": endpoint.events, "active": "yes"})
    assert audited(creditor, since=since) == []
    admin.post(f"{PAGES}{endpoint.pk}/", {"url": endpoint.url, "events": endpoint.events})  # switched off
    (event,) = audited(creditor, since=since)
    assert event.action == AuditAction.WEBHOOK_CHANGED and event.details["active"] is False


def test_a_refused_change_in_the_portal_records_nothing(admin, creditor, dns):
    dns["intern.example"] = ["10.1.2.3"]
    assert admin.post(PAGES, {"url": "https://intern.example/hook", "events": ["case.closed"]}).status_code == 400
    assert audited(creditor) == []
    endpoint, since = registered(creditor)
    event = closed_event(creditor)
    for form in ({"url": "https://intern.example/hook", "events": ["case.closed"]},
                 {"url": "ftp://erp.example/hook", "events": ["case.closed"]},
                 {"url": "https://erp.example/other", "events": []}):
        assert admin.post(f"{PAGES}{endpoint.pk}/", form).status_code == 400, form
    endpoint_off = admin.post(f"{PAGES}{endpoint.pk}/", {"url": endpoint.url, "events": endpoint.events})
    assert endpoint_off.status_code == 302
    admin.post(f"{PAGES}{endpoint.pk}/events/{event.pk}/replay")  # refused: the endpoint is off
    assert [e.action for e in audited(creditor, since=since)] == [AuditAction.WEBHOOK_CHANGED]


def test_the_api_records_each_change_and_replay_by_its_key(api, creditor):
    created = api.post(API, {"url": "https://erp.example/hook", "events": ["case.closed"]},
                       content_type="application/json").json()
    path = f"{API}{created['id']}/"
    api.patch(path, {"events": ["case.closed", "payment.allocated"]}, content_type="application/json")
    assert api.post(f"{path}events/{closed_event(creditor).pk}/replay").status_code == 202
    assert api.delete(path).status_code == 204

    events = audited(creditor)
    assert [e.action for e in events] == [AuditAction.WEBHOOK_CREATED, AuditAction.WEBHOOK_CHANGED,
                                          AuditAction.WEBHOOK_REPLAYED, AuditAction.WEBHOOK_DELETED]
    assert {(e.actor_email, e.actor_id, e.target) for e in events} == {("API: ERP", None, f"webhook:{created['id']}")}
    assert events[1].details == {"url": "https://erp.example/hook", "events": ["case.closed", "payment.allocated"],
                                 "old_events": ["case.closed"]}
    for event in events:
        assert created["secret"] not in json.dumps(event.details) and "secret" not in event.details


def test_a_refused_change_over_the_api_records_nothing(api, creditor, dns):
    dns["intern.example"] = ["169.254.169.254"]
    refused = api.post(API, {"url": "https://intern.example/hook", "events": ["case.closed"]},
                       content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "url_private"
    assert audited(creditor) == []
    endpoint, since = registered(creditor)
    for body in ({"url": "https://intern.example/hook"}, {"url": "https://erp.example/x", "secret": "mine"},
                 {"events": []}):
        assert api.patch(f"{API}{endpoint.pk}/", body, content_type="application/json").status_code == 400, body
    assert audited(creditor, since=since) == []


def test_the_change_and_its_record_commit_together(api, creditor, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr("webhooks.services.audit_record", broken)
    with pytest.raises(RuntimeError):
        api.post(API, {"url": "https://erp.example/hook", "events": ["case.closed"]}, content_type="application/json")
    with creditor_scope(creditor):
        assert not WebhookEndpoint.objects.exists()


def test_the_log_page_names_the_webhook_actions_in_swedish_and_english(admin, creditor):
    admin.post(PAGES, {"url": "https://erp.example/hook", "events": ["case.closed"]})
    swedish = admin.get("/settings/log/").content.decode()
    assert "Webhook skapad" in swedish and "Ärendet har avslutats" in swedish
    assert "https://erp.example/hook" in swedish
    admin.post("/language", {"language": "en"})
    english = admin.get("/settings/log/").content.decode()
    assert "Webhook created" in english and "A case has been closed" in english
