"""`POST /api/v1/invoices/`: what an ERP checks after handing over its invoices."""
import datetime
import json
from decimal import Decimal

import pytest
import time_machine

from cases.models import Case, Invoice, Payment
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from debtors.models import Debtor
from intake.models import LedgerImport

TODAY = datetime.date(2026, 11, 23)


def invoice(number="F1001", **fields):
    return {"customer_number": "00042", "customer_name": "Anna Andersson", "identity_number": "19811218-9876",
            "invoice_number": number, "invoice_date": "2026-09-01", "due_date": "2026-10-01", "amount": "1250.00",
            **fields}


def post(api, body):
    return api.post("/api/v1/invoices/", body if isinstance(body, str) else json.dumps(body),
                    content_type="application/json")


def with_number(record: dict, field: str, number: str) -> str:
    """The record as JSON with `field` a JSON number written as `number`."""
    return json.dumps({**record, field: "NUMBER"}).replace('"NUMBER"', number)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        yield


def test_one_invoice_opens_a_case(api, creditor):
    response = post(api, invoice(reminder_fee_agreed=True, email="anna@example.se"))
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 1 and body["updated"] == 0 and body["unchanged"] == 0
    [result] = body["invoices"]
    with creditor_scope(creditor):
        case = Case.objects.get(pk=result["case"])
        assert case.invoice.invoice_number == "F1001" and case.invoice.amount == Decimal("1250.00")
        assert case.invoice.reminder_fee_agreed is True
        assert case.debtor.email == "anna@example.se"
        assert LedgerImport.objects.get().format == "api"
    assert result == {"index": 0, "invoice_number": "F1001", "result": "created", "case": case.pk}
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["invoice_number"] == "F1001"


def test_a_list_then_the_same_list_again_changes_nothing(api, creditor):
    invoices = [invoice("F1"), invoice("F2", amount=300.5), invoice("F3", customer_number="7", amount=99)]
    first = post(api, invoices)
    assert first.status_code == 201 and first.json()["created"] == 3
    again = post(api, invoices)
    assert again.status_code == 200
    assert again.json()["unchanged"] == 3 and again.json()["created"] == 0
    assert [r["case"] for r in again.json()["invoices"]] == [r["case"] for r in first.json()["invoices"]]
    with creditor_scope(creditor):
        assert sorted(Invoice.objects.values_list("invoice_number", "amount")) == [
            ("F1", Decimal("1250.00")), ("F2", Decimal("300.50")), ("F3", Decimal("99.00"))]


def test_a_json_number_is_read_exactly_never_as_a_binary_float(api, creditor):
    # 1250.10 as a float is 1250.0999999999999; read as Decimal it is what the ERP sent.
    assert post(api, with_number(invoice(), "amount", "1250.10")).status_code == 201
    response = post(api, with_number(invoice("F2"), "amount", repr(0.1 + 0.2)))  # 0.30000000000000004
    assert response.status_code == 400
    [problem] = response.json()["detail"]["rows"]
    assert problem["field"] == "amount" and problem["code"] == "amount"
    with creditor_scope(creditor):
        assert Invoice.objects.get().amount == Decimal("1250.10")


def test_one_bad_invoice_rejects_the_request_with_the_row_report_and_stores_nothing(api, creditor):
    response = post(api, [invoice("F1"), invoice("F2", due_date="2026-08-01"), invoice("F3", amount="12,5,0"),
                          "F4", invoice("F5", colour="red"), invoice("F6", reminder_fee_agreed="maybe")])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invoices_rejected"
    assert body["message"] == "5 of 6 invoices rejected; nothing was stored"
    rows = {row["index"]: row for row in body["detail"]["rows"]}
    assert set(rows) == {1, 2, 3, 4, 5}
    assert rows[1] == {"index": 1, "field": "due_date", "value": "2026-08-01",
                       "reason": "is before the invoice date 2026-09-01", "code": "due_before_invoice"}
    assert rows[2]["field"] == "amount" and rows[2]["value"] == "12,5,0"
    assert rows[3]["code"] == "not_an_object"
    assert rows[4]["field"] == "colour" and rows[4]["code"] == "unknown_field"
    assert rows[5]["field"] == "reminder_fee_agreed"
    with creditor_scope(creditor):
        assert not Invoice.objects.exists() and not Debtor.objects.exists() and not LedgerImport.objects.exists()


def test_the_same_invoice_twice_in_one_request_is_named(api):
    response = post(api, [invoice("F1"), invoice("F1")])
    assert response.json()["detail"]["rows"] == [
        {"index": 1, "field": "invoice_number", "value": "F1", "reason": "appears already in row 0",
         "code": "duplicate_invoice"}]


def test_a_changed_invoice_is_checked_against_what_is_stored(api):
    post(api, invoice())
    response = post(api, invoice(amount="2000.00"))
    assert response.status_code == 400
    assert response.json()["detail"]["rows"][0]["field"] == "amount"


def test_a_lower_open_amount_is_a_direct_payment_and_zero_closes_the_case(api, creditor):
    case_id = post(api, invoice()).json()["invoices"][0]["case"]
    lowered = post(api, invoice(open_amount="1000.00"))
    assert lowered.status_code == 200 and lowered.json()["invoices"][0]["result"] == "updated"
    with creditor_scope(creditor):
        assert Payment.objects.get(case_id=case_id).amount == Decimal("250.00")
    post(api, invoice(open_amount="0", paid_on="2026-11-20"))
    with creditor_scope(creditor):
        case = Case.objects.get(pk=case_id)
        assert (case.stage, case.closed_reason) == (Stage.CLOSED, ClosedReason.PAID)


def test_a_credit_note_names_the_case_it_credits(api, creditor):
    case_id = post(api, invoice()).json()["invoices"][0]["case"]
    response = post(api, invoice("K1", amount="-250.00", credited_invoice="F1001", invoice_date="2026-11-01",
                                 due_date="2026-11-01"))
    assert response.status_code == 201, response.json()
    assert response.json()["invoices"] == [{"index": 0, "invoice_number": "K1", "result": "created", "case": case_id}]


def test_a_record_without_a_field_leaves_another_customers_stored_value(api, creditor):
    post(api, [invoice("F1", email="anna@example.se"), invoice("F2", customer_number="7", customer_name="Bo",
                                                              identity_number="", email="bo@example.se")])
    post(api, [invoice("F3", email="anna@example.se"), invoice("F4", customer_number="7", customer_name="Bo",
                                                              identity_number="")])
    with creditor_scope(creditor):
        assert Debtor.objects.get(customer_number="7").email == "bo@example.se"


@pytest.mark.parametrize("body, code", [([], "empty"), ("\"F1\"", "invalid"), (42, "invalid"),
                                        ([invoice(f"F{i}") for i in range(1001)], "too_many")])
def test_a_body_that_is_not_invoices_is_refused(api, creditor, body, code):
    response = post(api, body)
    assert response.status_code == 400 and response.json()["code"] == code
    with creditor_scope(creditor):
        assert not Invoice.objects.exists()


def test_types_json_does_not_mean_as_text(api):
    response = post(api, [invoice(amount=True), invoice("F2", customer_number=42), invoice("F3", due_date=20261001)])
    rows = response.json()["detail"]["rows"]
    assert [(r["index"], r["field"], r["code"]) for r in rows] == [
        (0, "amount", "type"), (1, "customer_number", "type"), (2, "due_date", "type")]
