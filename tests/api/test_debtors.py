"""The debtor resource: category, VIP and reasons as CONTRACT.md says; tenants apart; bad input told."""
import datetime

import pytest
from django.test import Client

from cases.models import Case
from core.tenancy import creditor_scope
from creditors.services import api_client_create
from tests.factories import DebtorFactory, make_reported_debtor


@pytest.fixture
def api(creditor):
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="ERP")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def risky(creditor):
    """A debtor whose fresh credit report (risk class 4) makes it a risk, with an open case."""
    return make_reported_debtor(creditor, risk_class=4, payment_remarks=0, customer_number="00042")


def test_list_and_detail_in_swedish_and_english(api, risky):
    listing = api.get("/api/v1/debtors/").json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert {k: row[k] for k in ("id", "customer_number", "identity_number", "category", "vip", "override")} == {
        "id": risky.pk, "customer_number": "00042", "identity_number": "19811218-9876", "category": "risk",
        "vip": False, "override": None}
    assert row["category_reasons"][0].startswith("Kreditupplysningen från UC den ")
    assert row["category_reasons"][0].endswith("anger riskklass 4 av 5")
    english = api.get(f"/api/v1/debtors/{risky.pk}/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").json()
    assert english["category_reasons"][0].endswith("gives risk class 4 of 5")
    assert api.get("/api/v1/debtors/?category=normal").json()["count"] == 0
    assert api.get("/api/v1/debtors/?vip=false").json()["count"] == 1


def test_patch_vip_designates_and_the_cases_follow(api, risky):
    response = api.patch(f"/api/v1/debtors/{risky.pk}/", {"vip": True}, content_type="application/json",
                         HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert (body["category"], body["vip"]) == ("vip", True)
    assert body["category_reasons"][0] == "Designated VIP by the creditor"
    assert body["category_reasons"][1].endswith("gives risk class 4 of 5")  # the risk stays visible
    with creditor_scope(risky.creditor):
        event = Case.objects.get(debtor=risky).events.filter(code="classification.category.changed").last()
    assert (event.data["from"], event.data["to"], event.actor) == ("risk", "vip", "api:ERP")
    back = api.patch(f"/api/v1/debtors/{risky.pk}/", {"vip": False}, content_type="application/json").json()
    assert (back["category"], back["vip"]) == ("risk", False)


def test_patch_override_and_lift_it(api, risky):
    until = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    body = api.patch(f"/api/v1/debtors/{risky.pk}/",
                     {"override": {"category": "normal", "until": until, "note": "Avbetalning avtalad"}},
                     content_type="application/json").json()
    assert body["category"] == "normal"
    assert body["override"] == {"category": "normal", "until": until, "note": "Avbetalning avtalad"}
    lifted = api.patch(f"/api/v1/debtors/{risky.pk}/", {"override": None}, content_type="application/json").json()
    assert (lifted["category"], lifted["override"]) == ("risk", None)


@pytest.mark.parametrize("payload, field", [
    ({"vip": "maybe"}, "vip"),
    ({"override": {"category": "vip", "until": "2030-01-01", "note": "x"}}, "override"),
    ({"override": {"category": "risk", "note": "x"}}, "override"),
    ({"category": "normal"}, "category"),
])
def test_bad_patches_are_told_and_change_nothing(api, risky, payload, field):
    response = api.patch(f"/api/v1/debtors/{risky.pk}/", payload, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert api.get(f"/api/v1/debtors/{risky.pk}/").json()["category"] == "risk"


def test_an_override_in_the_past_is_refused(api, risky):
    response = api.patch(f"/api/v1/debtors/{risky.pk}/",
                         {"override": {"category": "normal", "until": "2020-01-01", "note": "x"}},
                         content_type="application/json")
    assert response.status_code == 400
    assert response.json()["message"] == "an override needs an expiry date that has not passed"


def test_another_creditors_debtor_is_not_found(api, other_creditor):
    with creditor_scope(other_creditor):
        theirs = DebtorFactory(creditor=other_creditor)
    for response in (api.get(f"/api/v1/debtors/{theirs.pk}/"),
                     api.patch(f"/api/v1/debtors/{theirs.pk}/", {"vip": True}, content_type="application/json"),
                     api.get("/api/v1/debtors/999999/")):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert api.get("/api/v1/debtors/").json()["count"] == 0
    with creditor_scope(other_creditor):
        theirs.refresh_from_db()
    assert theirs.vip is False
