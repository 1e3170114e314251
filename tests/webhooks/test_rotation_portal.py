"""The portal's "Byt hemlighet": an administrator's alone; the new secret shown once, the old
one's end on the page while it still signs, the rotation in the audit trail without a secret."""
import datetime
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model

from core.tenancy import creditor_scope
from creditors.models import AuditAction, AuditEvent, Role
from tests.portal.members import sign_in, sign_in_user
from webhooks.models import WebhookEndpoint
from webhooks.signing import secret_decrypt

from .conftest import register

LIST = "/settings/webhooks/"
START = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC)
OLD_SIGNS = "Den gamla hemligheten signerar också till"


@pytest.fixture
def admin(client, creditor):
    return sign_in(client, creditor, Role.ADMIN, email="admin@acme.se")


@pytest.fixture(autouse=True)
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def stored(creditor) -> WebhookEndpoint:
    with creditor_scope(creditor):
        return WebhookEndpoint.objects.get()


def rotations(creditor) -> list[AuditEvent]:
    with creditor_scope(creditor):
        return list(AuditEvent.objects.filter(action=AuditAction.WEBHOOK_SECRET_ROTATED))


def shown_secret(page: str) -> str | None:
    return page.split('<code class="secret">')[1].split("</code>")[0] if '<code class="secret">' in page else None


def test_an_admin_rotates_sees_the_new_secret_once_and_when_the_old_one_stops(admin, creditor, traveller):
    endpoint, old = register(creditor)
    page = admin.get(f"{LIST}{endpoint.pk}/").content.decode()
    assert "Byt hemlighet" in page and '<option value="24" selected>' in page and OLD_SIGNS not in page
    response = admin.post(f"{LIST}{endpoint.pk}/rotate-secret", {"grace": "24"})
    assert response.status_code == 302 and response["Location"] == f"{LIST}{endpoint.pk}/"
    first = admin.get(response["Location"]).content.decode()
    new = shown_secret(first)
    assert new.startswith("whsec_") and new != old and "Mottagarens nya hemliga nyckel" in first
    assert secret_decrypt(stored(creditor).secret_encrypted) == new
    assert secret_decrypt(stored(creditor).previous_secret_encrypted) == old
    assert f"{OLD_SIGNS} 2026-11-24 10:00" in first  # a day on, in Stockholm time
    again = admin.get(response["Location"]).content.decode()
    assert new not in again and f"{OLD_SIGNS} 2026-11-24 10:00" in again  # the secret once; the end while it runs
    traveller.move_to(START + datetime.timedelta(days=1))
    sign_in_user(admin, get_user_model().objects.get(email="admin@acme.se"))  # the session has run out meanwhile
    over = admin.get(response["Location"])
    assert over.status_code == 200 and OLD_SIGNS not in over.content.decode()


def test_direct_stops_the_old_secret_at_once(admin, creditor):
    endpoint, old = register(creditor)
    admin.post(f"{LIST}{endpoint.pk}/rotate-secret", {"grace": "0"})
    page = admin.get(f"{LIST}{endpoint.pk}/").content.decode()
    assert shown_secret(page) == secret_decrypt(stored(creditor).secret_encrypted) != old
    assert OLD_SIGNS not in page and stored(creditor).previous_secret_encrypted == ""


@pytest.mark.parametrize("form", [{"grace": "5"}, {"grace": "-1"}, {"grace": "x"}, {}])
def test_a_grace_not_offered_is_refused_in_words_and_rotates_nothing(admin, creditor, form):
    endpoint, secret = register(creditor)
    response = admin.post(f"{LIST}{endpoint.pk}/rotate-secret", form, follow=True)
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "Inget sparades: välj hur länge den gamla hemligheten ska signera: inte alls, 1 timme" in page
    assert shown_secret(page) is None
    assert secret_decrypt(stored(creditor).secret_encrypted) == secret and rotations(creditor) == []


@pytest.mark.parametrize("role", [Role.STAFF, Role.READ_ONLY])
def test_a_member_who_is_not_an_admin_gets_403_and_nothing_rotates(client, creditor, role):
    endpoint, secret = register(creditor)
    member = sign_in(client, creditor, role)
    assert member.post(f"{LIST}{endpoint.pk}/rotate-secret", {"grace": "0"}).status_code == 403
    assert secret_decrypt(stored(creditor).secret_encrypted) == secret and rotations(creditor) == []


def test_another_creditors_endpoint_is_not_found(admin, other_creditor):
    theirs, secret = register(other_creditor)
    assert admin.post(f"{LIST}{theirs.pk}/rotate-secret", {"grace": "0"}).status_code == 404
    assert admin.get(f"{LIST}{theirs.pk}/rotate-secret").status_code in {404, 405}
    assert secret_decrypt(stored(other_creditor).secret_encrypted) == secret and rotations(other_creditor) == []


def test_the_rotation_is_audited_with_the_admin_and_grace_never_a_secret(admin, creditor):
    endpoint, old = register(creditor)
    admin.post(f"{LIST}{endpoint.pk}/rotate-secret", {"grace": "168"})
    new = secret_decrypt(stored(creditor).secret_encrypted)
    (event,) = rotations(creditor)
    assert (event.actor_email, event.target, event.ip) == ("admin@acme.se", f"webhook:{endpoint.pk}", "127.0.0.1")
    assert event.details == {"url": endpoint.url, "events": endpoint.events, "grace_hours": 168}
    for secret in (old, new):
        assert secret.removeprefix("whsec_") not in json.dumps(event.details)
    swedish = admin.get("/settings/log/").content.decode()
    assert "Webhookhemlighet bytt" in swedish
    assert '<span class="muted">den gamla hemligheten signerar också, timmar:</span> 168' in swedish
    admin.post("/language", {"language": "en"})
    english = admin.get("/settings/log/").content.decode()
    assert "Webhook secret rotated" in english
    assert '<span class="muted">old secret also signs, hours:</span> 168' in english
