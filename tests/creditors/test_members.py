"""Who may act for a creditor changes through services that keep one admin, audit each change in
its transaction, and refuse what is not theirs to do."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction

from core.errors import Conflict, ValidationError
from core.tenancy import creditor_scope
from creditors.models import ApiClient, AuditAction, AuditEvent, Membership, Role
from creditors.services import (
    api_client_create,
    api_client_revoke,
    member_invite,
    member_remove,
    member_role_set,
    membership_add,
)


@pytest.fixture
def boss(scoped):
    return membership_add(creditor=scoped, email="boss@acme.se", role=Role.ADMIN)


def test_an_invitation_makes_a_user_without_a_password_and_audits(scoped, boss):
    membership, created = member_invite(creditor=scoped, email="New@Acme.se", role=Role.STAFF, actor=boss.user,
                                        ip="192.0.2.1")
    assert created and (membership.user.email, membership.role) == ("new@acme.se", Role.STAFF)
    assert not membership.user.has_usable_password()
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_email, event.target, event.ip) == (
        AuditAction.MEMBER_INVITED, "boss@acme.se", f"membership:{membership.pk}", "192.0.2.1")


def test_a_failed_audit_leaves_no_member_behind(scoped, boss, monkeypatch):
    def broken(**kwargs):
        raise IntegrityError("audit refused")

    monkeypatch.setattr("creditors.services.audit_record", broken)
    with pytest.raises(IntegrityError):
        member_invite(creditor=scoped, email="new@acme.se", role=Role.STAFF, actor=boss.user)
    assert not Membership.objects.filter(user__email="new@acme.se").exists()
    assert not get_user_model().objects.filter(email="new@acme.se").exists()
    staff = membership_add(creditor=scoped, email="staff@acme.se", role=Role.STAFF)
    with pytest.raises(IntegrityError):
        member_role_set(membership=staff, role=Role.ADMIN, actor=boss.user)
    with pytest.raises(IntegrityError):
        member_remove(membership=staff, actor=boss.user)
    assert Membership.objects.get(pk=staff.pk).role == Role.STAFF


@pytest.mark.parametrize("email, role, code", [("nope", Role.STAFF, "invalid_email"),
                                               ("a@acme.se", "owner", "invalid_role")])
def test_a_bad_invitation_is_refused(scoped, boss, email, role, code):
    with pytest.raises(ValidationError) as refused:
        member_invite(creditor=scoped, email=email, role=role, actor=boss.user)
    assert refused.value.code == code
    assert Membership.objects.count() == 1 and not AuditEvent.objects.exists()


def test_the_last_admin_stays_and_another_admin_lets_them_go(scoped, boss):
    for change in (lambda: member_role_set(membership=boss, role=Role.STAFF, actor=None),
                   lambda: member_remove(membership=boss, actor=None)):
        with pytest.raises(Conflict) as refused:
            change()
        assert refused.value.code == "last_admin"
    assert Membership.objects.get(pk=boss.pk).role == Role.ADMIN and not AuditEvent.objects.exists()
    second = membership_add(creditor=scoped, email="second@acme.se", role=Role.ADMIN)
    member_role_set(membership=boss, role=Role.READ_ONLY, actor=second.user)
    with pytest.raises(Conflict):
        member_remove(membership=second, actor=second.user)  # now the last admin
    member_remove(membership=boss, actor=second.user)
    assert list(Membership.objects.values_list("user__email", "role")) == [("second@acme.se", Role.ADMIN)]
    assert list(AuditEvent.objects.order_by("id").values_list("action", "details")) == [
        (AuditAction.MEMBER_ROLE_CHANGED, {"email": "boss@acme.se", "old_role": "admin", "new_role": "read_only"}),
        (AuditAction.MEMBER_REMOVED, {"email": "boss@acme.se", "old_role": "read_only"}),
    ]


def test_the_same_role_again_changes_and_records_nothing(scoped, boss):
    member_role_set(membership=boss, role=Role.ADMIN, actor=None)
    assert not AuditEvent.objects.exists()


def test_a_keys_scopes_are_checked_by_the_database_too(scoped):
    client, _token = api_client_create(creditor=scoped, name="ERP")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(scopes="admin")
    with pytest.raises(ValidationError):
        api_client_create(creditor=scoped, name="Other", scopes="admin")


def test_a_live_keys_name_is_taken_a_revoked_ones_is_free(scoped):
    client, _token = api_client_create(creditor=scoped, name="ERP")
    with pytest.raises(Conflict):
        api_client_create(creditor=scoped, name="ERP")
    api_client_revoke(client=client, actor=None)
    api_client_revoke(client=client, actor=None)  # twice: one event
    api_client_create(creditor=scoped, name="ERP")
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True)) == [
        AuditAction.API_KEY_CREATED, AuditAction.API_KEY_REVOKED, AuditAction.API_KEY_CREATED]


@pytest.mark.parametrize("args, scopes", [([], "read write"), (["--scope", "read"], "read"),
                                          (["--scope", "write", "--scope", "read"], "read write")])
def test_create_api_client_takes_scopes_and_keeps_read_write_by_default(creditor, capsys, args, scopes):
    call_command("create_api_client", "--creditor", "acme", "--name", "ERP", *args)
    token = capsys.readouterr().out.strip()
    assert token.startswith("fd_")
    with creditor_scope(creditor):
        assert ApiClient.objects.get(name="ERP").scopes == scopes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the shipped rule pack
def test_two_admins_demoting_each_other_at_once_leave_one(creditor, monkeypatch):
    """The first has checked that another admin remains and not yet saved when the second starts:
    the lock on the creditor makes the second wait, then see the first's change and refuse."""
    import threading

    from django.db import connection, connections

    from creditors import services

    with creditor_scope(creditor):
        first = membership_add(creditor=creditor, email="a@acme.se", role=Role.ADMIN)
        second = membership_add(creditor=creditor, email="b@acme.se", role=Role.ADMIN)
    checked, go, outcomes = threading.Event(), threading.Event(), {}
    refuse = services._refuse_last_admin

    def refuse_then_pause(membership):
        refuse(membership)
        if threading.current_thread().name == "first":
            checked.set()
            go.wait()

    monkeypatch.setattr(services, "_refuse_last_admin", refuse_then_pause)

    def demote(membership, name):
        try:
            with creditor_scope(creditor):
                services.member_role_set(membership=membership, role=Role.STAFF, actor=None)
            outcomes[name] = "demoted"
        except Conflict as refused:
            outcomes[name] = refused.code
        finally:
            connections.close_all()

    one = threading.Thread(target=demote, args=(first, "first"), name="first")
    one.start()
    checked.wait()
    two = threading.Thread(target=demote, args=(second, "second"), name="second")
    two.start()
    # Let the first go on once the second has finished or waits for a lock.
    with connection.cursor() as cursor:
        while two.is_alive():
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            two.join(0.01)
    go.set()
    one.join()
    two.join()
    assert outcomes == {"first": "demoted", "second": "last_admin"}
    with creditor_scope(creditor):
        assert list(Membership.objects.filter(role=Role.ADMIN).values_list("user__email", flat=True)) == ["b@acme.se"]
