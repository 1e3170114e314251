"""The case resource: shape from CONTRACT.md, errors as {"code", "message", "detail"}, tenants apart."""
import datetime

import pytest
from django.test import Client

from core.tenancy import creditor_scope
from creditors.services import api_client_create
from tests.factories import make_case


@pytest.fixture
def api(creditor):
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="ERP")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_case_list_and_detail(api, creditor):
    case = make_case(creditor, amount="1234.50")
    listing = api.get("/api/v1/cases/?as_of=2026-11-23").json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert row["id"] == case.pk
    # Due 2026-10-01: 53 days at 2.00 % + 8 on 1 234,50 = 17.925… → 17.93.
    assert row["balance"] == {"principal": "1234.50", "fees": "0.00", "interest": "17.93", "total": "1252.43"}
    assert row["stage"] == "reminder" and row["closed_reason"] == "" and row["category"] == "normal"
    assert row["ocr_reference"] == case.ocr_reference
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert [e["code"] for e in detail["events"]] == ["cases.case.opened"]
    assert detail["letters"] == []


def test_balance_as_of_a_date_before_the_invoice_is_zero(api, creditor):
    case = make_case(creditor, amount="500.00")
    invoice_date = case.invoice.invoice_date
    before = api.get(f"/api/v1/cases/{case.pk}/?as_of={invoice_date - datetime.timedelta(days=1)}").json()
    on = api.get(f"/api/v1/cases/{case.pk}/?as_of={invoice_date}").json()
    assert (before["balance"]["total"], on["balance"]["total"]) == ("0.00", "500.00")


def test_bad_as_of_gets_a_clear_error(api, creditor):
    case = make_case(creditor)
    response = api.get(f"/api/v1/cases/{case.pk}/?as_of=23/11/2026")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "as_of must be a date, YYYY-MM-DD",
                               "detail": {"as_of": "23/11/2026"}}


def test_another_creditors_case_answers_exactly_like_a_missing_one(api, other_creditor):
    theirs = make_case(other_creditor)
    foreign = api.get(f"/api/v1/cases/{theirs.pk}/")
    missing = api.get("/api/v1/cases/999999/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == {"code": "not_found", "message": "No such case.", "detail": None}
    assert api.get("/api/v1/cases/").json()["count"] == 0


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Token abc"])
def test_without_a_valid_token_the_answer_is_401(db, header):
    client = Client(HTTP_AUTHORIZATION=header) if header else Client()
    response = client.get("/api/v1/cases/")
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "detail"}


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/cases/{id}/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr" not in docs.content


def test_letters_and_limitation_on_the_case(api, creditor):
    from cycle.run import run_cycle

    case = make_case(creditor, due_date=datetime.date(2026, 3, 2))
    run_cycle(creditor=creditor, day=datetime.date(2026, 3, 12))
    detail = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert [(x["kind"], x["sent_on"], x["deadline"]) for x in detail["letters"]] == [
        ("reminder", "2026-03-12", "2026-03-23")]
    assert detail["limitation_date"] == "2029-03-12"
    assert detail["next_step"] == {"action": "collection_demand", "date": "2026-03-30"}
