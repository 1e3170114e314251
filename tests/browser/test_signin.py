"""Signing in, in a real browser: a new admin sets up two-factor by the QR page's key and signs in
again with a code; a member who forgot their password resets it through the e-mailed link, once.
Every page is looked at on a desktop and on a phone (390 px)."""
import re

import pytest
from django.core import mail
from django.core.cache import cache

from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add

from .conftest import PHONE, looked_at, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-demo-password"
NEW_PASSWORD = "a-brand-new-password-4"


def fill_sign_in(page, email, password):
    page.goto("/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()


def narrow_fits(page, name):
    """A page with no "Logga ut" (not signed in yet): nothing wider than a phone."""
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, name
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_new_admin_sets_up_two_factor_and_signs_in_with_a_code(page, creditor):
    cache.clear()
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN, password=PASSWORD)
    fill_sign_in(page, "admin@acme.se", PASSWORD)
    page.wait_for_url("**/2fa/totp/activate/**")  # the overview is not theirs until they have a second factor
    looked_at(page, "totp-activate")
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0  # the QR code is drawn here
    secret = page.locator("code.secret").inner_text()
    page.fill("input[name=code]", totp_code(secret))
    page.get_by_role("button", name="Slå på").click()
    page.wait_for_url("**/recovery-codes/")
    looked_at(page, "recovery-codes")
    assert page.locator("ul.codes li").count() == 10
    page.get_by_role("link", name="Säkerhet").first.click()
    assert "Påslagen" in page.locator("main").inner_text()
    looked_at(page, "security")

    page.get_by_role("button", name="Logga ut").click()
    fill_sign_in(page, "admin@acme.se", PASSWORD)
    page.wait_for_url("**/2fa/authenticate/")
    narrow_fits(page, "mfa-authenticate")
    page.fill("input[name=code]", "000000" if totp_code(secret) != "000000" else "111111")
    page.locator("main form button[type=submit]").first.click()
    assert page.get_by_role("alert").is_visible()
    cache.clear()
    page.fill("input[name=code]", totp_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/")
    assert page.locator("h1").first.is_visible() and "/2fa/" not in page.url
    looked_at(page, "overview-after-code")


def test_a_forgotten_password_is_reset_through_the_mailed_link_once(page, creditor):
    cache.clear()
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD)
    page.goto("/login/")
    page.get_by_role("link", name="Glömt lösenordet?").click()
    narrow_fits(page, "password-reset")
    page.fill("input[name=email]", "staff@acme.se")
    page.locator("main form button[type=submit]").click()
    assert "Kolla din e-post" in page.locator("h1").inner_text()
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    narrow_fits(page, "password-reset-from-key")
    page.fill("input[name=password1]", NEW_PASSWORD)
    page.fill("input[name=password2]", NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    assert "Lösenordet är sparat" in page.locator("h1").inner_text()
    fill_sign_in(page, "staff@acme.se", NEW_PASSWORD)
    page.wait_for_url("**/")
    looked_at(page, "overview-after-reset")
    page.get_by_role("button", name="Logga ut").click()
    page.goto(link)
    assert "Länken har redan använts eller har gått ut." in page.locator("main").inner_text()
