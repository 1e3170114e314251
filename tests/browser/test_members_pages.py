"""A creditor's admin in a real browser: the users, API keys and audit log pages at a desktop's
and a phone's width with nothing refused by the Content-Security-Policy; a key made and shown
once; the header's switch to the other creditor, by keyboard."""
import pytest

from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from tests.browser.conftest import looked_at
from tests.browser.test_csp import PASSWORD, browser_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_admin_manages_users_and_keys_and_switches_creditor(chromium, live_server, creditor, other_creditor):
    with creditor_scope(creditor):
        user = membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN, password=PASSWORD).user
        membership_add(creditor=creditor, email="en-mycket-lang-adress.for-en-person@byggforetaget-i-norr.se",
                       role=Role.READ_ONLY)
    with creditor_scope(other_creditor):
        membership_add(creditor=other_creditor, email="admin@acme.se", role=Role.STAFF)
    page, refusals = browser_page(chromium, live_server, user)
    page.goto("/settings/users/")
    looked_at(page, "members")
    page.get_by_label("E-post").fill("ny@acme.se")
    page.get_by_role("button", name="Bjud in").click()
    assert page.get_by_role("status").filter(has_text="ny@acme.se har fått ett e-postmeddelande").is_visible()

    page.get_by_role("link", name="API-nycklar").first.click()
    page.get_by_label("Namn").fill("Fortnox")
    page.get_by_role("button", name="Skapa nyckel").click()
    token = page.get_by_label("Nyckel", exact=True).input_value()
    assert token.startswith("fd_")
    looked_at(page, "api-keys")
    page.goto("/settings/api-keys/")
    assert token not in page.content()

    page.goto("/settings/log/")
    looked_at(page, "audit-log")
    assert page.get_by_role("cell", name="API-nyckel skapad").is_visible()

    # The switch: a select and a button (nothing submits on change), the button pressed from the keyboard.
    page.get_by_label("Borgenär").focus()
    page.get_by_label("Borgenär").select_option(str(other_creditor.pk))
    page.get_by_role("button", name="Byt").press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_label("Borgenär").input_value() == str(other_creditor.pk)
    assert page.get_by_role("link", name="Användare").count() == 0  # staff there
    assert refusals == []
