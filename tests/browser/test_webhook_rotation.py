"""Rotating a webhook secret in a real browser, by keyboard: the new secret and the old one's
end are read out and fit a phone's width."""
import pytest

from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from tests.browser.conftest import PHONE
from tests.browser.test_csp import PASSWORD, browser_page
from webhooks.models import WebhookEndpoint
from webhooks.outbox import emit
from webhooks.services import endpoint_create
from webhooks.signing import secret_decrypt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_an_admin_rotates_by_keyboard_and_the_page_fits_a_phone(chromium, live_server, creditor, monkeypatch):
    monkeypatch.setattr("webhooks.services.target_of", lambda url: None)  # no name lookup in this test
    with creditor_scope(creditor):
        user = membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN, password=PASSWORD).user
        endpoint, old = endpoint_create(creditor=creditor, events=["case.closed"], actor=user,
                                        url="https://erp.example.com/fordra/webhooks/incoming-events-of-fordra")
        for case in range(3):  # deliveries: cards with a long event id each
            emit(creditor_id=creditor.pk, type="case.closed", data={"case": case})
    page, refusals = browser_page(chromium, live_server, user)
    page.set_viewport_size(PHONE)
    page.goto(f"/settings/webhooks/{endpoint.pk}/")
    grace = page.get_by_label("Den gamla hemligheten signerar också")
    assert grace.evaluate("select => select.value") == "24"
    grace.focus()
    grace.select_option("168")
    page.keyboard.press("Tab")  # to the form's button, and press it as a keyboard user would
    assert page.evaluate("document.activeElement.textContent") == "Byt hemlighet"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    shown = page.get_by_role("status").filter(has_text="Mottagarens nya hemliga nyckel")
    assert shown.is_visible()
    with creditor_scope(creditor):
        stored = WebhookEndpoint.objects.get()
    new = secret_decrypt(stored.secret_encrypted)
    assert page.locator("code.secret").text_content() == new != old
    assert page.get_by_text("Den gamla hemligheten signerar också till").is_visible()
    # What the rotation adds stays within a phone's width (the secret is 50 characters without a break).
    for part in (page.locator("code.secret"), page.locator("#previous-secret"), grace,
                 page.get_by_role("button", name="Byt hemlighet")):
        box = part.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (part, box)
    # And the whole page: the URL as its heading, the deliveries as cards (ids of 36 characters).
    for path in (f"/settings/webhooks/{endpoint.pk}/", "/settings/webhooks/"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    assert refusals == []
