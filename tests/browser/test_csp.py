"""The Content-Security-Policy in a real browser: the portal's pages, the agents', the admin and the
API docs load with nothing refused. A refusal is what a user would see as a page that half works
(a script not run, a style not applied), and Chromium says it in the console: "Refused to …"."""
import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, Role
from creditors.services import membership_add
from tests.factories import DebtorFactory, make_case
from tests.portal.members import sign_in_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-demo-password"


def browser_page(chromium, live_server, user):
    """A page whose browser holds a signed-in session of `user` (made as the portal tests make one)."""
    client = sign_in_user(Client(), user)
    context = chromium.new_context(locale="sv-SE", base_url=live_server.url)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    refusals = []
    page.on("console", lambda message: refusals.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or message.text.startswith("Refused to") else None)
    # Also what the console may not say (a refused inline style attribute is reported as an event).
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error("
                         "'Refused to load (Content Security Policy): ' + e.violatedDirective + ' ' + e.blockedURI))")
    return page, refusals


def visit(page, paths) -> None:
    for path in paths:
        response = page.goto(path)
        assert response.status < 400, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")


def test_the_portal_pages_load_with_nothing_refused(chromium, live_server, creditor, tmp_path):
    today = timezone.localdate()
    with creditor_scope(creditor):
        debtor = DebtorFactory(creditor=creditor, name="Anna Andersson", identity_number="19811218-9876")
    case = make_case(creditor, amount="4200.00", due_date=today - datetime.timedelta(days=30), debtor=debtor)
    with creditor_scope(creditor):
        user = membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN, password=PASSWORD).user
    page, refusals = browser_page(chromium, live_server, user)
    visit(page, ["/", "/cases/", f"/cases/{case.pk}/", "/debtors/", f"/debtors/{case.debtor_id}/", "/payments/",
                 "/policies/", "/policies/normal/", "/letters/", "/ledger/"])
    # An htmx request under the policy: the whole personnummer is swapped into the debtor's page.
    page.goto(f"/debtors/{case.debtor_id}/")
    assert page.evaluate("typeof htmx") == "object", "htmx did not load"
    page.get_by_role("button", name="Visa personnummer").click()
    page.get_by_role("status").filter(has_text="19811218-9876").wait_for()
    assert page.url.endswith(f"/debtors/{case.debtor_id}/"), "the page was left: htmx did not take the form"
    assert refusals == [], "\n".join(refusals)
    assert not page.locator("head style").count(), "htmx injected an inline <style>"


def test_the_agents_pages_and_the_admin_load_with_nothing_refused(chromium, live_server, creditor):
    make_case(creditor, amount="900.00")
    user = get_user_model().objects.create_superuser(username="boss@fordra.demo", email="boss@fordra.demo",
                                                     password=PASSWORD)
    AgencyStaff.objects.create(user=user, role=AgencyRole.SUPERVISOR)
    page, refusals = browser_page(chromium, live_server, user)
    visit(page, ["/agent/", "/agent/payments/", "/agent/legal/", "/admin/", "/admin/cases/case/",
                 "/admin/auth/user/", f"/admin/auth/user/{user.pk}/change/"])
    assert refusals == [], "\n".join(refusals)


def test_the_api_docs_render_with_nothing_refused(page):
    refusals = []
    page.on("console", lambda message: refusals.append(message.text)
            if "Content Security Policy" in message.text or message.text.startswith("Refused to") else None)
    page.goto("/api/v1/docs/")
    # Swagger UI ran (its script is a file of its own) and drew the operations from the schema.
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() > 3
    assert refusals == [], "\n".join(refusals)


def test_the_sign_in_page_loads_with_nothing_refused(page):
    refusals = []
    page.on("console", lambda message: refusals.append(message.text)
            if "Content Security Policy" in message.text or message.text.startswith("Refused to") else None)
    page.goto("/login/")
    page.locator("form input[type=password]").first.wait_for()
    assert refusals == [], "\n".join(refusals)
