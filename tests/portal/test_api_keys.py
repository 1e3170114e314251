"""A creditor's administrators make and revoke API keys: the token is shown once, on the page
that made it, and stored only as its SHA-256."""
import hashlib
import re

import pytest
from django.test import Client

from core.tenancy import creditor_scope
from creditors.models import ApiClient, AuditAction, AuditEvent, Role
from creditors.services import api_client_create
from tests.portal.members import sign_in

TOKEN = re.compile(r'value="(fd_[A-Za-z0-9_-]{20,})"')


@pytest.fixture
def admin(client, creditor):
    return sign_in(client, creditor, Role.ADMIN, "admin@acme.se")


def keys(creditor) -> list[ApiClient]:
    with creditor_scope(creditor):
        return list(ApiClient.objects.order_by("pk"))


def test_a_new_key_is_shown_once_and_works_within_its_scopes(admin, creditor, client):
    response = admin.post("/settings/api-keys/new", {"name": "Fortnox", "read": "on"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    token = TOKEN.search(page).group(1)
    assert "den visas bara den här gången" in page
    [key] = keys(creditor)
    assert (key.name, key.scopes, key.created_by.email) == ("Fortnox", "read", "admin@acme.se")
    assert key.token_hash == hashlib.sha256(token.encode()).hexdigest() and token.startswith(key.token_prefix)
    assert token not in str(dict(admin.session)) and token not in response.get("Location", "")
    # Never again: the list shows the name and the prefix only.
    listing = admin.get("/settings/api-keys/").content.decode()
    assert token not in listing and f"{key.token_prefix}…" in listing and "Fortnox" in listing
    assert "Läsa" in listing and "aldrig" in listing
    erp = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert erp.get("/api/v1/cases/").status_code == 200
    assert erp.post("/api/v1/invoices/", {}, content_type="application/json").status_code == 403
    assert "aldrig" not in admin.get("/settings/api-keys/").content.decode()  # last used, now
    with creditor_scope(creditor):
        event = AuditEvent.objects.get()
    assert (event.action, event.actor_email, event.details) == (
        AuditAction.API_KEY_CREATED, "admin@acme.se", {"name": "Fortnox", "prefix": key.token_prefix, "scopes": "read"})


@pytest.mark.parametrize("data, says", [
    ({"name": "ERP"}, "Välj vad nyckeln får göra: läsa, skriva eller båda."),
    ({"name": "  ", "read": "on"}, "Ge nyckeln ett namn."),
    ({"name": "x" * 101, "read": "on"}, "Namnet får vara högst 100 tecken."),
    ({"name": "Visma", "write": "on"}, "Det finns redan en giltig nyckel med namnet ”Visma”"),
])
def test_a_bad_key_is_refused_in_the_form_and_nothing_is_made(admin, creditor, data, says):
    with creditor_scope(creditor):
        api_client_create(creditor=creditor, name="Visma")
    response = admin.post("/settings/api-keys/new", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page and 'role="alert"' in page and not TOKEN.search(page)
    assert [key.name for key in keys(creditor)] == ["Visma"]


def test_revoking_asks_first_then_the_key_answers_401(admin, creditor):
    with creditor_scope(creditor):
        key, token = api_client_create(creditor=creditor, name="Visma")
    erp = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    confirm = admin.get(f"/settings/api-keys/{key.pk}/revoke").content.decode()
    assert "Återkalla nyckeln ”Visma”" in confirm and keys(creditor)[0].revoked_at is None
    done = admin.post(f"/settings/api-keys/{key.pk}/revoke", follow=True).content.decode()
    assert "Nyckeln ”Visma” är återkallad" in done and "Återkallad 20" in done
    assert erp.get("/api/v1/cases/").status_code == 401
    with creditor_scope(creditor):
        assert list(AuditEvent.objects.order_by("id").values_list("action", "actor_email")) == [
            (AuditAction.API_KEY_CREATED, ""), (AuditAction.API_KEY_REVOKED, "admin@acme.se")]
    # The name is free again for its successor.
    assert admin.post("/settings/api-keys/new", {"name": "Visma", "read": "on"}).status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, Role.READ_ONLY])
def test_staff_and_readers_get_403_and_no_key(client, creditor, role):
    with creditor_scope(creditor):
        key, _token = api_client_create(creditor=creditor, name="Visma")
    browser = sign_in(client, creditor, role, "someone@acme.se")
    assert browser.get("/settings/api-keys/").status_code == 403
    assert browser.get(f"/settings/api-keys/{key.pk}/revoke").status_code == 403
    assert browser.post("/settings/api-keys/new", {"name": "Mine", "read": "on", "write": "on"}).status_code == 403
    assert browser.post(f"/settings/api-keys/{key.pk}/revoke").status_code == 403
    assert [(k.name, k.revoked_at) for k in keys(creditor)] == [("Visma", None)]


def test_another_creditors_key_is_not_found(admin, other_creditor):
    with creditor_scope(other_creditor):
        theirs, _token = api_client_create(creditor=other_creditor, name="ERP")
    assert admin.get(f"/settings/api-keys/{theirs.pk}/revoke").status_code == 404
    assert admin.post(f"/settings/api-keys/{theirs.pk}/revoke").status_code == 404
    assert keys(other_creditor)[0].revoked_at is None
    assert "ERP" not in admin.get("/settings/api-keys/").content.decode()
