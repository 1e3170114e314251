"""An API key acts within its scopes: read for GET, write for the rest; a revoked key is refused."""
import datetime

import pytest
from django.test import Client
from django.utils import timezone

from core.tenancy import creditor_scope
from creditors.models import ApiClient, ApiScopes
from creditors.services import api_client_create, api_client_revoke
from debtors.models import Debtor

SHAPE = {"code", "message", "detail"}


def key(creditor, scopes, name="ERP") -> tuple[Client, ApiClient]:
    with creditor_scope(creditor):
        client, token = api_client_create(creditor=creditor, name=name, scopes=scopes)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}"), client


@pytest.fixture
def debtor(case):
    return case.debtor


@pytest.mark.parametrize("method", ["patch", "put", "post", "delete"])
def test_a_read_key_may_not_change_anything(creditor, debtor, method):
    api, _ = key(creditor, ApiScopes.READ)
    response = getattr(api, method)(f"/api/v1/debtors/{debtor.pk}/", {"vip": True}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert set(body) == SHAPE and body["code"] == "permission_denied"
    assert body["detail"] == {"required_scope": "write", "key_scopes": ["read"]}
    assert "may not write" in body["message"]
    with creditor_scope(creditor):
        assert Debtor.objects.get(pk=debtor.pk).vip is False


def test_a_read_key_reads(creditor, debtor):
    api, _ = key(creditor, ApiScopes.READ)
    assert api.get(f"/api/v1/debtors/{debtor.pk}/").json()["id"] == debtor.pk
    assert api.get("/api/v1/cases/").status_code == 200


def test_a_write_only_key_writes_but_does_not_read(creditor, debtor):
    api, _ = key(creditor, ApiScopes.WRITE)
    response = api.patch(f"/api/v1/debtors/{debtor.pk}/", {"vip": True}, content_type="application/json")
    assert response.status_code == 200
    refused = api.get("/api/v1/cases/")
    assert refused.status_code == 403 and refused.json()["detail"]["required_scope"] == "read"


def test_a_key_made_before_scopes_reads_and_writes(creditor, debtor):
    api, client = key(creditor, ApiScopes.READ_WRITE)
    assert client.scopes == "read write"
    assert api.patch(f"/api/v1/debtors/{debtor.pk}/", {"vip": True}, content_type="application/json").status_code == 200


def test_a_revoked_key_is_refused_at_once(creditor, debtor):
    api, client = key(creditor, ApiScopes.READ_WRITE)
    assert api.get("/api/v1/cases/").status_code == 200
    with creditor_scope(creditor):
        api_client_revoke(client=client, actor=None)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_last_used_is_noted_at_most_once_a_minute(creditor, time_machine):
    start = timezone.make_aware(datetime.datetime(2026, 11, 23, 10, 0, 0))
    time_machine.move_to(start, tick=False)
    api, client = key(creditor, ApiScopes.READ)
    assert client.last_used_at is None
    api.get("/api/v1/cases/")
    with creditor_scope(creditor):
        assert ApiClient.objects.get(pk=client.pk).last_used_at == start
    time_machine.move_to(start + datetime.timedelta(seconds=59), tick=False)
    api.get("/api/v1/cases/")
    with creditor_scope(creditor):
        assert ApiClient.objects.get(pk=client.pk).last_used_at == start
    time_machine.move_to(start + datetime.timedelta(seconds=61), tick=False)
    api.get("/api/v1/cases/")
    with creditor_scope(creditor):
        assert ApiClient.objects.get(pk=client.pk).last_used_at == start + datetime.timedelta(seconds=61)


def test_the_schema_documents_the_scopes(db):
    schema = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "a request outside them answers 403" in schema
