"""`POST /api/v1/payments/` and the payment list: a payment the creditor received directly."""
import datetime
import json
from decimal import Decimal

import pytest
import time_machine

from cases.models import Case, Payment, PaymentSource
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from tests.factories import make_case

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        yield


@pytest.fixture
def case(creditor):
    return make_case(creditor, amount="1000.00", due_date=datetime.date(2026, 11, 1))


def post(api, body):
    return api.post("/api/v1/payments/", body if isinstance(body, str) else json.dumps(body),
                    content_type="application/json")


def test_a_payment_by_case_id_is_allocated_and_listed(api, creditor, case):
    response = post(api, {"case": case.pk, "amount": "400.00", "paid_on": "2026-11-20", "reference": "ERP-1"})
    assert response.status_code == 201
    body = response.json()
    assert body["case"] == case.pk and body["amount"] == "400.00" and body["source"] == PaymentSource.DIRECT
    assert body["matched"] is True and body["case_stage"] == Stage.REMINDER
    assert Decimal(body["allocation"]["principal"]) + Decimal(body["allocation"]["interest"]) == Decimal("400.00")
    with creditor_scope(creditor):
        payment = Payment.objects.get()
        assert (payment.case_id, payment.amount, payment.reference) == (case.pk, Decimal("400.00"), "ERP-1")
    listed = api.get("/api/v1/payments/").json()
    assert [p["id"] for p in listed["results"]] == [payment.pk]
    assert api.get(f"/api/v1/payments/{payment.pk}/").json()["reference"] == "ERP-1"


def test_a_payment_by_ocr_reference_for_the_whole_debt_closes_the_case(api, creditor, case):
    balance = api.get(f"/api/v1/cases/{case.pk}/").json()["balance"]["total"]
    response = post(api, {"ocr_reference": case.ocr_reference, "amount": balance, "paid_on": "2026-11-23"})
    assert response.status_code == 201 and response.json()["case_stage"] == Stage.CLOSED
    with creditor_scope(creditor):
        case = Case.objects.get(pk=case.pk)
        assert (case.stage, case.closed_reason) == (Stage.CLOSED, ClosedReason.PAID)
    refused = post(api, {"case": case.pk, "amount": "1.00", "paid_on": "2026-11-23"})
    assert refused.status_code == 409 and refused.json()["code"] == "case_closed"


def test_the_same_reference_on_the_same_day_twice_is_a_conflict_and_stores_one(api, creditor, case):
    body = {"case": case.pk, "amount": "100.00", "paid_on": "2026-11-20", "reference": "ERP-1"}
    assert post(api, body).status_code == 201
    again = post(api, body)
    assert again.status_code == 409 and again.json()["code"] == "duplicate_payment"
    with creditor_scope(creditor):
        assert Payment.objects.count() == 1


def test_another_creditors_case_is_as_unknown_as_a_missing_one(api, creditor, other_creditor, case):
    theirs = make_case(other_creditor, amount="500.00")
    missing = post(api, {"case": 10 ** 9, "amount": "1.00", "paid_on": "2026-11-20"})
    foreign = post(api, {"case": theirs.pk, "amount": "1.00", "paid_on": "2026-11-20"})
    by_ocr = post(api, {"ocr_reference": theirs.ocr_reference, "amount": "1.00", "paid_on": "2026-11-20"})
    assert missing.status_code == foreign.status_code == by_ocr.status_code == 400
    assert missing.json() == foreign.json() == {"code": "invalid", "message": "The request has invalid fields.",
                                                "detail": {"case": ["No such case."]}}
    assert by_ocr.json()["detail"] == {"ocr_reference": ["No such case."]}
    with creditor_scope(other_creditor):
        assert not Payment.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"amount": "1.00", "paid_on": "2026-11-20"}, "case"),
    ({"case": "MINE", "ocr_reference": "1", "amount": "1.00", "paid_on": "2026-11-20"}, "case"),
    ({"case": "CASE", "amount": "1.00", "paid_on": "2026-11-20"}, "case"),
    ({"case": True, "amount": "1.00", "paid_on": "2026-11-20"}, "case"),
    ({"case": "MINE", "amount": "0", "paid_on": "2026-11-20"}, "amount"),
    ({"case": "MINE", "amount": "-5", "paid_on": "2026-11-20"}, "amount"),
    ({"case": "MINE", "amount": "1.005", "paid_on": "2026-11-20"}, "amount"),
    ({"case": "MINE", "amount": True, "paid_on": "2026-11-20"}, "amount"),
    ({"case": "MINE", "amount": "1.00", "paid_on": "2026-11-24"}, "paid_on"),
    ({"case": "MINE", "amount": "1.00", "paid_on": "2006-11-24"}, "paid_on"),
    ({"case": "MINE", "amount": "1.00", "paid_on": "2026-11-20", "ammount": "2"}, "ammount"),
])
def test_a_wrong_field_is_named_and_nothing_is_stored(api, creditor, case, body, field):
    body = {**body, "case": case.pk} if body.get("case") == "MINE" else body
    response = post(api, body)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert field in response.json()["detail"]
    with creditor_scope(creditor):
        assert not Payment.objects.exists()


def test_a_json_number_amount_is_exact(api, creditor, case):
    body = json.dumps({"case": case.pk, "amount": "N", "paid_on": "2026-11-20"}).replace('"N"', "100.10")
    assert post(api, body).status_code == 201
    with creditor_scope(creditor):
        assert Payment.objects.get().amount == Decimal("100.10")


def test_the_list_filters_matched_and_another_creditors_payment_is_404(api, creditor, other_creditor, case):
    post(api, {"case": case.pk, "amount": "10.00", "paid_on": "2026-11-20"})
    with creditor_scope(creditor):
        unmatched = Payment.objects.create(creditor=creditor, amount=Decimal("5.00"), currency="SEK",
                                           paid_on=TODAY, source=PaymentSource.BGMAX, unmatched_reason="no OCR")
    with creditor_scope(other_creditor):
        theirs = Payment.objects.create(creditor=other_creditor, amount=Decimal("7.00"), currency="SEK",
                                        paid_on=TODAY, source=PaymentSource.BGMAX)
    assert [p["id"] for p in api.get("/api/v1/payments/?matched=false").json()["results"]] == [unmatched.pk]
    assert len(api.get("/api/v1/payments/?matched=true").json()["results"]) == 1
    assert len(api.get("/api/v1/payments/").json()["results"]) == 2
    foreign, missing = api.get(f"/api/v1/payments/{theirs.pk}/"), api.get("/api/v1/payments/999999/")
    assert foreign.status_code == missing.status_code == 404 and foreign.json() == missing.json()
