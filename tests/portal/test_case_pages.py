"""The creditor portal: login, dashboard, case list, case timeline; tenants never meet."""
import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from dunning.holds import case_promise
from tests.factories import make_case
from tests.portal.members import sign_in_user

PASSWORD = "a-long-demo-password"


@pytest.fixture
def staff(creditor):
    with creditor_scope(creditor):
        return membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD).user


@pytest.fixture
def browser(client, staff):
    return sign_in_user(client, staff)


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_form_logs_in(client, staff):
    response = client.post("/login/", {"login": "staff@acme.se", "password": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "Acme Bygg AB" in response.content.decode()


def test_dashboard_shows_the_portfolio(browser, creditor):
    make_case(creditor, amount="1234.50")
    make_case(creditor, amount="100.00")
    page = browser.get("/").content.decode()
    assert "Öppna ärenden" in page
    assert "1\u00a0334,50\u00a0kr" in page  # outstanding total


def test_case_pages_show_balance_and_timeline(browser, creditor):
    case = make_case(creditor, amount="1234.50")
    listing = browser.get("/cases/?stage=reminder").content.decode()
    assert case.invoice.invoice_number in listing
    page = browser.get(f"/cases/{case.pk}/").content.decode()
    assert case.ocr_reference in page
    assert "1\u00a0234,50\u00a0kr" in page
    assert "Ärende öppnat för faktura" in page and "cases.case.opened" not in page  # the timeline in words


def test_another_creditors_case_answers_404_like_a_missing_one(browser, other_creditor):
    theirs = make_case(other_creditor)
    assert browser.get(f"/cases/{theirs.pk}/").status_code == 404
    assert browser.get("/cases/999999/").status_code == 404
    assert theirs.invoice.invoice_number not in browser.get("/cases/").content.decode()


def test_user_without_membership_sees_no_portfolio(client, db, django_user_model):
    sign_in_user(client, django_user_model.objects.create_user("lost@example.se", password=PASSWORD))
    assert client.get("/").status_code == 404


def test_the_timeline_shows_each_event_as_a_swedish_sentence(browser, creditor):
    case = make_case(creditor, amount="1000.00", due_date=datetime.date(2026, 3, 2))
    with creditor_scope(creditor):
        case_promise(case=case, until=datetime.date(2026, 3, 20), on=datetime.date(2026, 3, 9),
                     amount=Decimal("1000.00"))
        assert case.events.get(code="cases.stage.changed").text == ""  # rendered from its data when shown
    page = browser.get(f"/cases/{case.pk}/").content.decode()
    assert "Betalningslöfte 1\u00a0000,00 kr till 2026-03-20" in page
    assert f"Ärende öppnat för faktura {case.invoice.invoice_number}, 1\u00a0000,00 SEK" in page


def test_the_portals_own_error_pages_speak_swedish(browser, creditor, client):
    missing = browser.get("/cases/999999/")
    assert missing.status_code == 404 and "Sidan finns inte" in missing.content.decode()
    assert "Traceback" not in missing.content.decode()
    assert "Något gick fel hos oss" in render_to_string("500.html")  # rendered with no context, as Django does
    with creditor_scope(creditor):
        reader = membership_add(creditor=creditor, email="reader@acme.se", role=Role.READ_ONLY, password=PASSWORD).user
    client.logout()
    sign_in_user(client, reader)
    case = make_case(creditor)
    forbidden = client.post(f"/cases/{case.pk}/note", {"text": "x"})
    assert forbidden.status_code == 403 and "Det här får du inte göra" in forbidden.content.decode()
