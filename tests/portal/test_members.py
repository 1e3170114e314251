"""A creditor's administrators manage its users: invite, change a role, remove; the last admin
stays; every change is in the audit log; nobody else may, and another creditor's members are 404."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from core.tenancy import creditor_scope
from creditors.models import AuditAction, AuditEvent, Membership, Role
from creditors.services import membership_add
from tests.portal.members import PASSWORD, sign_in

LINK = re.compile(r"https?://\S+")


@pytest.fixture
def admin(client, creditor):
    return sign_in(client, creditor, Role.ADMIN, "admin@acme.se")


def members(creditor) -> dict[str, str]:
    with creditor_scope(creditor):
        return dict(Membership.objects.values_list("user__email", "role"))


def events(creditor) -> list[tuple[str, dict]]:
    with creditor_scope(creditor):
        return [(event.action, event.details) for event in AuditEvent.objects.order_by("id")]


def test_the_page_lists_each_member_with_role_two_factor_and_last_sign_in(admin, creditor):
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email="reader@acme.se", role=Role.READ_ONLY)
    page = admin.get("/settings/users/").content.decode()
    assert "admin@acme.se" in page and "reader@acme.se" in page
    assert page.count("aldrig") == 1  # the reader never signed in; the admin just did
    assert '<option value="read_only" selected>Läsbehörighet</option>' in page
    assert "Skicka inbjudan igen" in page and "aria-current=\"page\">Användare</a>" in page


def test_inviting_someone_new_mails_a_one_time_link_that_sets_their_password(admin, creditor, client):
    response = admin.post("/settings/users/invite", {"email": " Nya@Acme.se ", "role": Role.STAFF}, follow=True)
    assert "nya@acme.se har fått ett e-postmeddelande" in response.content.decode()
    assert members(creditor)["nya@acme.se"] == Role.STAFF
    user = get_user_model().objects.get(email="nya@acme.se")
    assert not user.has_usable_password()
    assert events(creditor) == [(AuditAction.MEMBER_INVITED, {"email": "nya@acme.se", "role": "staff",
                                                              "new_user": True})]
    [message] = mail.outbox
    assert message.to == ["nya@acme.se"] and "Acme Bygg AB" in message.subject
    link = LINK.search(message.body).group(0)
    assert "admin@acme.se" in message.body and "7 dagar" in message.body
    # The link is for the invited person: it lets them choose a password, once.
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200
    chosen = {"password1": "ett-nytt-bra-lösenord-42", "password2": "ett-nytt-bra-lösenord-42"}
    assert client.post(form.request["PATH_INFO"], chosen).status_code == 302
    user.refresh_from_db()
    assert user.check_password("ett-nytt-bra-lösenord-42")
    again = client.get(link, follow=True)
    assert 'name="password1"' not in again.content.decode()


def test_someone_with_an_account_is_told_they_have_access(admin, creditor, other_creditor):
    with creditor_scope(other_creditor):
        membership_add(creditor=other_creditor, email="bo@example.se", role=Role.STAFF, password=PASSWORD)
    admin.post("/settings/users/invite", {"email": "bo@example.se", "role": Role.READ_ONLY})
    assert members(creditor)["bo@example.se"] == Role.READ_ONLY
    [message] = mail.outbox
    assert "Du har fått tillgång till Acme Bygg AB" in message.subject
    assert "password" not in message.body and "/accounts/" not in message.body
    assert get_user_model().objects.get(email="bo@example.se").check_password(PASSWORD)


@pytest.mark.parametrize("email, role, says", [
    ("inte-en-adress", Role.STAFF, "Ange en giltig e-postadress."),
    ("", Role.STAFF, "Ange personens e-postadress."),
    ("ny@acme.se", "owner", "Välj en av rollerna."),
    ("admin@acme.se", Role.STAFF, "admin@acme.se är redan användare hos Acme Bygg AB."),
])
def test_a_bad_invitation_is_refused_in_the_form_and_stores_nothing(admin, creditor, email, role, says):
    response = admin.post("/settings/users/invite", {"email": email, "role": role})
    assert response.status_code == 400
    page = response.content.decode()
    assert says in page and 'role="alert"' in page
    assert members(creditor) == {"admin@acme.se": Role.ADMIN}
    assert not mail.outbox and events(creditor) == []


def test_a_role_change_is_audited_with_old_and_new(admin, creditor):
    with creditor_scope(creditor):
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF)
    response = admin.post(f"/settings/users/{staff.pk}/role", {"role": Role.ADMIN}, follow=True)
    assert "staff@acme.se är nu Administratör." in response.content.decode()
    assert members(creditor)["staff@acme.se"] == Role.ADMIN
    assert events(creditor) == [(AuditAction.MEMBER_ROLE_CHANGED,
                                 {"email": "staff@acme.se", "old_role": "staff", "new_role": "admin"})]
    log = admin.get("/settings/log/").content.decode()
    assert "Roll ändrad" in log and "från:</span> Personal" in log and "till:</span> Administratör" in log


def test_the_last_admin_can_neither_be_demoted_nor_removed(admin, creditor):
    with creditor_scope(creditor):
        me = Membership.objects.get(user__email="admin@acme.se")
    demoted = admin.post(f"/settings/users/{me.pk}/role", {"role": Role.STAFF}, follow=True).content.decode()
    assert "Inget ändrades: Acme Bygg AB måste ha minst en administratör." in demoted
    removed = admin.post(f"/settings/users/{me.pk}/remove", follow=True).content.decode()
    assert "Ingen togs bort: Acme Bygg AB måste ha minst en administratör." in removed
    assert members(creditor) == {"admin@acme.se": Role.ADMIN} and events(creditor) == []


def test_removing_asks_first_then_removes_and_audits(admin, creditor):
    with creditor_scope(creditor):
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF)
    confirm = admin.get(f"/settings/users/{staff.pk}/remove").content.decode()
    assert "Ta bort staff@acme.se (Personal) från Acme Bygg AB?" in confirm
    assert "staff@acme.se" in members(creditor)
    done = admin.post(f"/settings/users/{staff.pk}/remove", follow=True).content.decode()
    assert "staff@acme.se har inte längre tillgång till Acme Bygg AB." in done
    assert "staff@acme.se" not in members(creditor)
    assert events(creditor) == [(AuditAction.MEMBER_REMOVED, {"email": "staff@acme.se", "old_role": "staff"})]
    assert get_user_model().objects.filter(email="staff@acme.se").exists()  # they may work for others


@pytest.mark.parametrize("role", [Role.STAFF, Role.READ_ONLY])
def test_staff_and_readers_get_403_and_change_nothing(client, creditor, role):
    with creditor_scope(creditor):
        boss = membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN)
    browser = sign_in(client, creditor, role, "someone@acme.se")
    for url in ("/settings/users/", "/settings/log/", f"/settings/users/{boss.pk}/remove"):
        assert browser.get(url).status_code == 403, url
    forged = [("/settings/users/invite", {"email": "x@acme.se", "role": Role.ADMIN}),
              (f"/settings/users/{boss.pk}/role", {"role": Role.READ_ONLY}),
              (f"/settings/users/{boss.pk}/remove", {}), (f"/settings/users/{boss.pk}/resend", {})]
    for url, data in forged:
        assert browser.post(url, data).status_code == 403, url
    assert members(creditor) == {"admin@acme.se": Role.ADMIN, "someone@acme.se": role}
    assert not mail.outbox and events(creditor) == []
    assert "/settings/users/" not in browser.get("/").content.decode()  # no link in the header either


def test_a_demoted_admin_loses_the_pages_at_their_next_request(admin, client, creditor):
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email="other@acme.se", role=Role.ADMIN)
        Membership.objects.filter(user__email="admin@acme.se").update(role=Role.STAFF)
    assert admin.get("/settings/users/").status_code == 403


def test_another_creditors_member_is_not_found(admin, other_creditor):
    with creditor_scope(other_creditor):
        theirs = membership_add(creditor=other_creditor, email="boss@other.se", role=Role.ADMIN)
    assert admin.post(f"/settings/users/{theirs.pk}/role", {"role": Role.STAFF}).status_code == 404
    assert admin.post(f"/settings/users/{theirs.pk}/remove").status_code == 404
    assert admin.post(f"/settings/users/{theirs.pk}/resend").status_code == 404
    assert members(other_creditor) == {"boss@other.se": Role.ADMIN}
    assert "boss@other.se" not in admin.get("/settings/users/").content.decode()
