"""The audit log in a real browser after webhook changes: a long endpoint URL and its events
fit a phone's width, and the new actions read as the portal names them."""
import pytest

from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from tests.browser.conftest import PHONE, looked_at
from tests.browser.test_csp import PASSWORD, browser_page
from webhooks.services import endpoint_create, endpoint_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG_URL = "https://" + "a" * 40 + ".example.com/fordra/webhooks/" + "b" * 120 + "?tenant=acme-bygg-ab"


def test_the_log_shows_webhook_changes_at_a_phones_width(chromium, live_server, creditor, monkeypatch):
    monkeypatch.setattr("webhooks.services.target_of", lambda url: None)  # no name lookup in this test
    with creditor_scope(creditor):
        user = membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN, password=PASSWORD).user
        endpoint, _secret = endpoint_create(creditor=creditor, url=LONG_URL, actor=user,
                                            events=["case.stage_changed", "case.closed", "letter.sent",
                                                    "payment.allocated", "debtor.category_changed"])
        endpoint_update(endpoint=endpoint, url=LONG_URL.replace("acme", "acme-2"), actor=user)
    page, refusals = browser_page(chromium, live_server, user)
    page.goto("/settings/log/")
    looked_at(page, "audit-log-webhooks")
    assert page.get_by_role("cell", name="Webhook skapad").is_visible()
    assert page.get_by_role("cell", name="Webhook ändrad").is_visible()
    page.set_viewport_size(PHONE)  # each cell within the screen: the table's own scrolling hides nothing
    widest = page.evaluate("Math.max(...[...document.querySelectorAll('td')].map(td => td.getBoundingClientRect().right))")
    assert widest <= PHONE["width"], f"a cell of the log reaches {widest} px on a {PHONE['width']} px screen"
    assert refusals == []
