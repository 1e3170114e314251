"""Signing in with a password: the lockout per (account, address), and how long a session lasts."""
import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from tests.portal.members import PASSWORD

EMAIL = "staff@acme.se"
HOME, OTHER = "10.0.0.1", "10.0.0.2"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(creditor):
    with creditor_scope(creditor):
        return membership_add(creditor=creditor, email=EMAIL, role=Role.STAFF, password=PASSWORD).user


def attempt(client, password, ip=HOME, email=EMAIL, **headers):
    return client.post("/login/", {"login": email, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


def test_the_right_password_signs_in_with_a_new_session_key(client, staff):
    client.get("/login/")
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in(attempt(client, PASSWORD))
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert client.get("/").status_code == 200


def test_five_wrong_passwords_lock_that_account_from_that_address_only(client, staff):
    for _ in range(4):
        response = attempt(client, "wrong")
        assert response.status_code == 200 and "Fel e-postadress eller lösenord" in response.content.decode()
    locked = attempt(client, "wrong")
    assert locked.status_code == 429 and "För många försök" in locked.content.decode()
    # Even the right password is refused there now, and says so.
    response = attempt(client, PASSWORD)
    assert response.status_code == 429 and "Försök igen om 15 minuter" in response.content.decode()
    assert client.get("/").status_code == 302
    # The attacker's address is locked, not the person: from the office they sign in.
    assert signed_in(attempt(client.__class__(), PASSWORD, ip=OTHER))


def test_the_lockout_ends_after_the_cool_off(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            attempt(client, "wrong")
        assert attempt(client, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=14))
        assert attempt(client, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=16))
        assert signed_in(attempt(client, PASSWORD))


def test_a_successful_sign_in_clears_the_count(client, staff):
    for _ in range(4):
        attempt(client, "wrong")
    assert signed_in(attempt(client, PASSWORD))
    client.post("/logout/")
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    assert signed_in(attempt(client, PASSWORD))


def test_the_account_is_counted_whatever_its_spelling(client, staff):
    for _ in range(5):
        attempt(client, "wrong", email="Staff@ACME.se ")
    assert attempt(client, PASSWORD).status_code == 429


def test_a_forwarded_for_header_is_not_believed_without_a_trusted_proxy(client, staff):
    for n in range(5):
        attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert attempt(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_the_client_is_the_address_it_saw(client, staff, settings):
    settings.FORDRA_TRUSTED_PROXY_COUNT = 1
    proxy = "10.9.9.9"
    for _ in range(5):
        # What the client wrote itself (left of the proxy's entry) changes nothing.
        attempt(client, "wrong", ip=proxy, HTTP_X_FORWARDED_FOR=f"198.51.100.{_}, 203.0.113.7")
    assert attempt(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert signed_in(attempt(client, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.8"))


def test_the_admin_sites_sign_in_is_the_portals(client, db):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fadmin%2F"
    assert client.get("/admin/login/?next=https://evil.example/").headers["Location"] == "/login/?next=%2Fadmin%2F"


def test_a_session_ends_after_the_idle_timeout(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert signed_in(attempt(client, PASSWORD))
        for _ in range(4):  # busy for two hours: each request moves the end on
            traveller.shift(datetime.timedelta(minutes=29))
            assert client.get("/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=settings.FORDRA_SESSION_IDLE_MINUTES + 1))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_session_ends_after_its_lifetime_however_busy(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert signed_in(attempt(client, PASSWORD))
        for _ in range(settings.FORDRA_SESSION_MAX_HOURS * 3 - 1):
            traveller.shift(datetime.timedelta(minutes=20))
            assert client.get("/").status_code == 200
        traveller.shift(datetime.timedelta(minutes=21))
        response = client.get("/cases/")
        assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fcases%2F"
        assert "Du har varit inloggad länge" in client.get(response["Location"]).content.decode()
        assert client.get("/").status_code == 302


def test_a_password_change_signs_out_the_other_sessions(client, staff):
    other = client.__class__()
    assert signed_in(attempt(other, PASSWORD, ip=OTHER))
    assert signed_in(attempt(client, PASSWORD))
    response = client.post("/accounts/password/change/", {
        "oldpassword": PASSWORD, "password1": "another-long-password-9", "password2": "another-long-password-9"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this session stays
    response = other.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
