"""Two-factor (required of admins, agency staff and superusers), password reset links, invitations."""
import datetime
import re
import time

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, Role
from creditors.services import membership_add
from portal.signin import invitation_link
from tests.portal.members import PASSWORD, TOTP_SECRET, add_totp, sign_in_user

NEW_PASSWORD = "a-new-long-password-7"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # allauth marks a used TOTP code, and counts reset mails, in the cache
    yield
    cache.clear()


def member(creditor, email, role):
    with creditor_scope(creditor):
        return membership_add(creditor=creditor, email=email, role=role, password=PASSWORD).user


def code(secret=TOTP_SECRET, at=None) -> str:
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def password_step(client, email):
    return client.post("/login/", {"login": email, "password": PASSWORD})


@pytest.mark.parametrize("who", ["admin", "agent", "superuser"])
def test_those_who_can_do_most_are_sent_to_set_up_two_factor(client, creditor, who):
    if who == "admin":
        user = member(creditor, "admin@acme.se", Role.ADMIN)
    else:
        user = get_user_model().objects.create_user(f"{who}@fordra.se", f"{who}@fordra.se", PASSWORD,
                                                    is_superuser=who == "superuser", is_staff=who == "superuser")
        if who == "agent":
            AgencyStaff.objects.create(user=user, role=AgencyRole.AGENT)
    assert password_step(client, user.email).status_code == 302
    for path in ("/", "/cases/", "/agent/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/totp/activate/"), path
    # What gets them there, out, or speaking their language, still answers.
    assert client.post("/language", {"language": "en", "next": "/"}).status_code == 302
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200 and "otpauth" not in page.content.decode()  # the QR code is an image
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.content.decode()).group(1)
    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000" if code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()
    response = client.post("/accounts/2fa/totp/activate/", {"code": code(secret)})
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/recovery-codes/"
    codes = re.findall(r"<li><code>(\d{8})</code></li>", client.get(response["Location"]).content.decode())
    assert len(codes) == 10
    assert client.get("/agent/" if who == "agent" else "/").status_code in (200, 404)  # in: no more redirect
    assert not client.get("/").get("Location", "").startswith("/accounts/2fa/")


def test_staff_and_read_only_members_are_not_asked(client, creditor):
    member(creditor, "staff@acme.se", Role.STAFF)
    assert password_step(client, "staff@acme.se").status_code == 302
    assert client.get("/").status_code == 200
    assert "Säkerhet" in client.get("/").content.decode()


def test_sign_in_with_password_then_the_apps_code_or_a_recovery_code(client, creditor):
    user = member(creditor, "admin@acme.se", Role.ADMIN)
    add_totp(user)
    response = password_step(client, "admin@acme.se")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not in yet
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "12345"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    response = client.post("/accounts/2fa/authenticate/", {"code": code()})
    assert response.status_code == 302 and client.get("/").status_code == 200
    # The same code, a second time, is refused (a code seen over someone's shoulder).
    other = client.__class__()
    password_step(other, "admin@acme.se")
    assert other.post("/accounts/2fa/authenticate/", {"code": code()}).status_code == 200


def test_a_session_signed_in_before_two_factor_was_required_is_asked_for_a_code(client, creditor):
    user = member(creditor, "staff@acme.se", Role.STAFF)
    assert password_step(client, "staff@acme.se").status_code == 302  # the password only: staff need no code
    assert client.get("/").status_code == 200
    add_totp(user)  # on another device, then made an admin
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email="staff@acme.se", role=Role.ADMIN)
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fcases%2F"
    response = client.post(response["Location"], {"code": code()})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200


def test_the_security_page_shows_two_factor_and_recovery_codes(client, creditor):
    user = member(creditor, "admin@acme.se", Role.ADMIN)
    sign_in_user(client, user)
    page = client.get("/accounts/2fa/").content.decode()
    assert "Påslagen" in page and "Byt lösenord" in page


def test_those_who_must_cannot_turn_two_factor_off_and_others_can(client, creditor):
    admin = member(creditor, "admin@acme.se", Role.ADMIN)
    sign_in_user(client, admin)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.post("/accounts/2fa/totp/deactivate/")
    assert page.status_code == 200 and "den kan inte stängas av" in page.content.decode()
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.TOTP).exists()
    staff = member(creditor, "staff@acme.se", Role.STAFF)
    add_totp(staff)
    other = sign_in_user(client.__class__(), staff)
    other.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert other.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_a_reset_link_works_once(client, creditor):
    member(creditor, "staff@acme.se", Role.STAFF)
    response = client.post("/accounts/password/reset/", {"email": "staff@acme.se"})
    assert response.status_code == 302
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True)
    action = form.redirect_chain[-1][0]
    response = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.post("/login/", {"login": "staff@acme.se", "password": NEW_PASSWORD}).status_code == 302
    client.post("/logout/")
    again = client.get(link, follow=True)
    assert "Länken har redan använts eller har gått ut." in again.content.decode()
    assert EmailAddress.objects.get(user__username="staff@acme.se").verified


def test_a_reset_link_expires(client, creditor):
    member(creditor, "staff@acme.se", Role.STAFF)
    client.post("/accounts/password/reset/", {"email": "staff@acme.se"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    # FORDRA_PASSWORD_RESET_MINUTES is 60. (Wide margins: Django's token reads naive local time.)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        assert "Länken har redan använts eller har gått ut." in client.get(link, follow=True).content.decode()
    assert "Välj lösenord" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@acme.se"})
    assert response.status_code == 302 and mail.outbox == []


def test_an_invitation_sets_a_password_and_proves_the_address(client, creditor):
    with creditor_scope(creditor):
        user = membership_add(creditor=creditor, email="new@acme.se", role=Role.STAFF).user
    assert not user.has_usable_password()
    request = RequestFactory().get("/")
    link = invitation_link(request, user).removeprefix("http://testserver")
    form = client.get(link, follow=True)
    assert "Välj lösenord" in form.content.decode()
    client.post(form.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert EmailAddress.objects.get(user=user, email="new@acme.se").verified
    assert client.post("/login/", {"login": "new@acme.se", "password": NEW_PASSWORD}).status_code == 302
    assert "Länken har redan använts" in client.__class__().get(link, follow=True).content.decode()


def test_an_invitation_expires(client, creditor, settings):
    with creditor_scope(creditor):
        user = membership_add(creditor=creditor, email="new@acme.se", role=Role.STAFF).user
    link = invitation_link(RequestFactory().get("/"), user).removeprefix("http://testserver")
    # Days after a reset link of its age would have expired: the two are told apart.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.FORDRA_INVITATION_DAYS - 1)):
        assert "Välj lösenord" in client.__class__().get(link, follow=True).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=settings.FORDRA_INVITATION_DAYS + 1)):
        assert "Länken har redan använts eller har gått ut." in client.get(link, follow=True).content.decode()
