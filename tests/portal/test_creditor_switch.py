"""A person who works for two creditors switches between them in the header: only to one they
are a member of, with a new session key, recorded at the creditor they switched to."""
from django.conf import settings

from core.tenancy import creditor_scope
from creditors.models import AuditAction, AuditEvent, Membership, Role
from creditors.services import member_role_set, membership_add
from tests.factories import make_creditor
from tests.portal.members import sign_in


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_switcher_shows_only_for_two_or_more_creditors(client, creditor, other_creditor):
    browser = sign_in(client, creditor, Role.STAFF, "bo@example.se")
    assert 'name="creditor"' not in browser.get("/").content.decode()
    with creditor_scope(other_creditor):
        membership_add(creditor=other_creditor, email="bo@example.se", role=Role.READ_ONLY)
    page = browser.get("/").content.decode()
    assert '<label for="creditor-switch"' in page
    assert f'<option value="{creditor.pk}" selected>Acme Bygg AB</option>' in page
    assert f'<option value="{other_creditor.pk}">Other Handel AB</option>' in page


def test_switching_works_in_the_other_creditor_with_a_new_session_key(client, creditor, other_creditor):
    browser = sign_in(client, creditor, Role.ADMIN, "bo@example.se")
    with creditor_scope(other_creditor):
        membership_add(creditor=other_creditor, email="bo@example.se", role=Role.READ_ONLY)
    browser.get("/")
    before = session_key(browser)
    response = browser.post("/creditor", {"creditor": other_creditor.pk})
    assert response.status_code == 302 and response["Location"] == "/"
    assert session_key(browser) != before
    page = browser.get("/").content.decode()
    assert f'<option value="{other_creditor.pk}" selected>' in page
    assert browser.get("/settings/users/").status_code == 403  # a reader there, whatever they are at Acme
    assert browser.post("/debtors/1/vip", {"vip": "yes"}).status_code == 403
    with creditor_scope(other_creditor):
        event = AuditEvent.objects.get()
    assert (event.action, event.actor_email, event.target) == (AuditAction.CREDITOR_SWITCHED, "bo@example.se",
                                                               f"creditor:{other_creditor.pk}")
    with creditor_scope(creditor):
        assert not AuditEvent.objects.exists()


def test_a_creditor_one_is_not_a_member_of_is_not_found(client, creditor, other_creditor):
    browser = sign_in(client, creditor, Role.ADMIN, "bo@example.se")
    stranger = make_creditor("third", "Tredje AB", "556677-8899")
    with creditor_scope(other_creditor):
        membership_add(creditor=other_creditor, email="someone@other.se", role=Role.ADMIN)  # not bo
    for value in (other_creditor.pk, stranger.pk, 999_999, "x", ""):
        assert browser.post("/creditor", {"creditor": value}).status_code == 404, value
    assert browser.get("/creditor").status_code == 405
    assert f'{creditor.name}' in browser.get("/").content.decode()
    with creditor_scope(other_creditor):
        assert not AuditEvent.objects.exists()


def test_a_role_changed_by_another_admin_rotates_the_session_key_at_the_next_request(client, creditor):
    browser = sign_in(client, creditor, Role.STAFF, "bo@example.se")
    browser.get("/")
    before = session_key(browser)
    browser.get("/")
    assert session_key(browser) == before  # nothing changed: the same key
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email="boss@acme.se", role=Role.ADMIN)
        member_role_set(membership=Membership.objects.get(user__email="bo@example.se"), role=Role.READ_ONLY,
                        actor=None)
    assert browser.get("/").status_code == 200
    assert session_key(browser) != before
    assert browser.post("/debtors/1/vip", {"vip": "yes"}).status_code == 403
