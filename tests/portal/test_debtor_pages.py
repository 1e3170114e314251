"""The portal's debtor pages: the category and its reasons, VIP and a manual category; tenants apart."""
import datetime

import pytest

from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from debtors.models import Debtor
from tests.factories import make_reported_debtor

PASSWORD = "a-long-demo-password"


def login(client, creditor, email, role):
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email=email, role=role, password=PASSWORD)
    assert client.login(username=email, password=PASSWORD)
    return client


@pytest.fixture
def risky(creditor):
    return make_reported_debtor(creditor, risk_class=2, payment_remarks=3, name="Berit Sen")


def test_the_debtor_page_says_why(client, creditor, risky):
    browser = login(client, creditor, "staff@acme.se", Role.STAFF)
    listing = browser.get("/debtors/?category=risk").content.decode()
    assert "Berit Sen" in listing and "visar 3 betalningsanmärkningar" in listing
    page = browser.get(f"/debtors/{risky.pk}/").content.decode()
    assert "category-risk" in page
    assert "visar 3 betalningsanmärkningar" in page
    assert "riskklass 2 av 5, kreditbetyg 20, 3 betalningsanmärkningar" in page
    assert "Gör till VIP" in page
    assert browser.get("/debtors/?category=vip").content.decode().count("Berit Sen") == 0


def test_staff_designate_a_vip_and_set_a_manual_category(client, creditor, risky):
    browser = login(client, creditor, "staff@acme.se", Role.STAFF)
    page = browser.post(f"/debtors/{risky.pk}/vip", {"vip": "yes"}, follow=True).content.decode()
    assert "Berit Sen är nu VIP." in page and "Utsedd till VIP av borgenären" in page
    until = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    page = browser.post(f"/debtors/{risky.pk}/override", {"category": "normal", "until": until,
                                                          "note": "Avbetalningsplan avtalad"}, follow=True).content.decode()
    assert "Berit Sen är nu Normal." in page and "Avbetalningsplan avtalad" in page
    page = browser.post(f"/debtors/{risky.pk}/override", {"category": "risk", "until": "2020-01-01", "note": "x"},
                        follow=True).content.decode()
    assert "an override needs an expiry date that has not passed" in page
    with creditor_scope(creditor):
        assert Debtor.objects.get(pk=risky.pk).override_category == "normal"  # the refused change stored nothing
    browser.post(f"/debtors/{risky.pk}/override", {"category": ""})
    with creditor_scope(creditor):
        assert Debtor.objects.get(pk=risky.pk).category == "vip"


def test_read_only_members_see_but_cannot_change(client, creditor, risky):
    browser = login(client, creditor, "reader@acme.se", Role.READ_ONLY)
    assert "Gör till VIP" not in browser.get(f"/debtors/{risky.pk}/").content.decode()
    assert browser.post(f"/debtors/{risky.pk}/vip", {"vip": "yes"}).status_code == 404
    with creditor_scope(creditor):
        assert Debtor.objects.get(pk=risky.pk).vip is False


def test_another_creditors_debtor_is_not_found(client, creditor, other_creditor, risky):
    browser = login(client, other_creditor, "staff@other.se", Role.STAFF)
    assert browser.get(f"/debtors/{risky.pk}/").status_code == 404
    assert browser.post(f"/debtors/{risky.pk}/vip", {"vip": "yes"}).status_code == 404
    assert "Berit Sen" not in browser.get("/debtors/").content.decode()
