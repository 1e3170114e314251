"""The audit trail records who did what, stays inside its creditor, and cannot be rewritten."""
import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction

from core.tenancy import creditor_scope
from creditors.audit import audit_record
from creditors.models import ApiClient, AuditAction, AuditEvent


def test_an_event_names_the_actor_and_stays_in_its_creditor(creditor, other_creditor):
    user = get_user_model().objects.create_user("anna", email="anna@example.se")
    with creditor_scope(creditor):
        audit_record(creditor=creditor, actor=user, action=AuditAction.MEMBER_INVITED, target="membership:7",
                     details={"email": "bo@example.se"}, ip="192.0.2.1")
        event = AuditEvent.objects.get()
    assert (event.actor_id, event.actor_email, event.target, event.ip) == (user.pk, "anna@example.se",
                                                                         "membership:7", "192.0.2.1")
    with creditor_scope(other_creditor):
        assert not AuditEvent.objects.exists()


def test_an_api_client_is_named_as_such(creditor):
    client = ApiClient.objects.create(creditor=creditor, name="Fortnox", token_prefix="ab", token_hash="x" * 64)
    with creditor_scope(creditor):
        event = audit_record(creditor=creditor, actor=client, action=AuditAction.API_KEY_REVOKED)
    assert (event.actor_id, event.actor_email) == (None, "API: Fortnox")


def test_an_event_cannot_be_changed(creditor):
    with creditor_scope(creditor):
        event = audit_record(creditor=creditor, actor=None, action=AuditAction.API_KEY_CREATED)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(target="debtor:1")


@pytest.mark.postgres
def test_postgresql_refuses_deleting_an_event(creditor):
    with creditor_scope(creditor):
        event = audit_record(creditor=creditor, actor=None, action=AuditAction.API_KEY_CREATED)
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
