"""Bad input to the API is told in `{"code", "message", "detail"}`, naming what was wrong; nothing is stored."""
import datetime
import json
from decimal import Decimal

import pytest
import time_machine

from law.interest import next_half_year
from law.models import ReferenceRate
from tests.factories import make_case

SHAPE = {"code", "message", "detail"}


def first_unknown_half_year() -> datetime.date:
    return next_half_year(ReferenceRate.objects.order_by("valid_from").last().valid_from)


# -- as_of -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("listing", [False, True], ids=["detail", "list"])
def test_as_of_past_the_last_known_reference_rate_is_a_422_naming_the_half_year(api, case, listing):
    start = first_unknown_half_year()
    as_of = start + datetime.timedelta(days=14)
    url = "/api/v1/cases/" if listing else f"/api/v1/cases/{case.pk}/"
    response = api.get(url, {"as_of": as_of.isoformat()})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "reference_rate_unknown"
    assert body["detail"] == {"as_of": as_of.isoformat(), "half_year": start.isoformat()}
    assert f"{start.year} H{1 if start.month == 1 else 2}" in body["message"] and start.isoformat() in body["message"]
    # Once the operator adds the rate, the same question has its answer: the 422 was no guess.
    ReferenceRate.objects.create(valid_from=start, rate=Decimal("2.00"))
    assert api.get(url, {"as_of": as_of.isoformat()}).status_code == 200


def test_today_in_a_half_year_without_its_rate_is_a_422_too(api, case):
    start = first_unknown_half_year()
    with time_machine.travel(datetime.datetime(start.year, start.month, 20, 12, 0), tick=False):
        response = api.get(f"/api/v1/cases/{case.pk}/")
    assert response.status_code == 422
    assert response.json()["detail"] == {"as_of": start.replace(day=20).isoformat(), "half_year": start.isoformat()}


@pytest.mark.parametrize("value, message", [
    ("9999-12-31", "as_of must be a date from 2000-01-01 to 2099-12-31"),
    ("0001-01-01", "as_of must be a date from 2000-01-01 to 2099-12-31"),
    ("2100-01-01", "as_of must be a date from 2000-01-01 to 2099-12-31"),
    ("2026-02-30", "as_of must be a date, YYYY-MM-DD"),
    ("abc", "as_of must be a date, YYYY-MM-DD"),
    ("2026-W48-1", "as_of must be a date, YYYY-MM-DD"),
    ("２０２６-11-23", "as_of must be a date, YYYY-MM-DD"),
    ("2026-11-23\x00", "as_of must be a date, YYYY-MM-DD"),
])
@pytest.mark.parametrize("listing", [False, True], ids=["detail", "list"])
def test_an_as_of_that_is_no_date_or_out_of_range_is_a_400_naming_it(api, case, value, message, listing):
    url = "/api/v1/cases/" if listing else f"/api/v1/cases/{case.pk}/"
    response = api.get(url, {"as_of": value})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": message, "detail": {"as_of": value}}


def test_a_very_long_as_of_is_named_and_echoed_cut(api, case):
    response = api.get(f"/api/v1/cases/{case.pk}/", {"as_of": "x" * 100_000})
    assert response.status_code == 400
    assert response.json()["detail"] == {"as_of": "x" * 100 + "…"}


def test_the_first_and_last_dates_of_the_range_are_answered(api, case):
    ReferenceRate.objects.get_or_create(valid_from=datetime.date(2000, 1, 1), defaults={"rate": Decimal("3.00")})
    assert api.get(f"/api/v1/cases/{case.pk}/", {"as_of": "2000-01-01"}).json()["balance"]["total"] == "0.00"
    assert api.get(f"/api/v1/cases/{case.pk}/", {"as_of": "20261001"}).json()["balance"]["total"] == "1234.50"


# -- other query parameters ------------------------------------------------------------------------------

@pytest.mark.parametrize("url, param, value, message", [
    ("/api/v1/cases/", "page", "abc", "page must be a whole number from 1"),
    ("/api/v1/cases/", "page", "0", "page must be a whole number from 1"),
    ("/api/v1/cases/", "page", "-1", "page must be a whole number from 1"),
    ("/api/v1/cases/", "page_size", "-1", "page_size must be a whole number from 1"),
    ("/api/v1/cases/", "page_size", "1.5", "page_size must be a whole number from 1"),
    ("/api/v1/cases/", "stage", "nonsense", "stage must be one of reminder, collection, legal, on_hold, closed"),
    ("/api/v1/cases/", "stage", "reminder\x00", "stage must be one of reminder, collection, legal, on_hold, closed"),
    ("/api/v1/debtors/", "category", "x", "category must be one of risk, normal, vip"),
    ("/api/v1/debtors/", "vip", "maybe", "vip must be true or false"),
    ("/api/v1/debtors/", "vip", "1", "vip must be true or false"),
    ("/api/v1/debtors/", "page", "abc", "page must be a whole number from 1"),
    ("/api/v1/debtors/", "page_size", "0", "page_size must be a whole number from 1"),
])
def test_a_query_parameter_of_the_wrong_form_is_a_400_naming_it(api, case, url, param, value, message):
    response = api.get(url, {param: value})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": message, "detail": {param: value}}


def test_pages_past_the_last_are_404_and_big_page_sizes_are_capped(api, creditor, case):
    make_case(creditor)
    first = api.get("/api/v1/cases/", {"page_size": "1"}).json()
    assert (first["count"], len(first["results"])) == (2, 1) and "page=2" in first["next"]
    assert len(api.get("/api/v1/cases/", {"page_size": "1", "page": "last"}).json()["results"]) == 1
    assert len(api.get("/api/v1/cases/", {"page_size": "9" * 30}).json()["results"]) == 2
    for page in ("3", "9" * 30):
        response = api.get("/api/v1/cases/", {"page_size": "1", "page": page})
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": f"There is no page {page}: the last page is 2.",
                                   "detail": {"page": page}}
    assert api.get("/api/v1/cases/", {"stage": "reminder", "page": ""}).json()["count"] == 2  # empty = absent


# -- request bodies --------------------------------------------------------------------------------------

def patch(api, debtor_id, body, content_type="application/json"):
    return api.patch(f"/api/v1/debtors/{debtor_id}/", body, content_type=content_type)


def assert_unchanged(api, case):
    debtor = api.get(f"/api/v1/debtors/{case.debtor_id}/").json()
    assert (debtor["category"], debtor["vip"], debtor["override"]) == ("normal", False, None)


@pytest.mark.parametrize("depth", [100_000, 5_000])
def test_a_deeply_nested_body_is_a_400_parse_error(api, case, depth):
    response = patch(api, case.debtor_id, "[" * depth)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    response = patch(api, case.debtor_id, '{"vip": ' + '{"a": ' * depth + "1" + "}" * depth + "}")
    assert response.status_code == 400 and set(response.json()) == SHAPE
    assert_unchanged(api, case)


@pytest.mark.parametrize("body, content_type, status, code", [
    ("{nope", "application/json", 400, "parse_error"),
    (b"\xff\xfe{", "application/json", 400, "parse_error"),
    ('{"vip": NaN}', "application/json", 400, "parse_error"),
    ('{"vip": true}', "text/plain", 415, "unsupported_media_type"),
    ("vip=true", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ('{"vip": true}', "application/json; charset=bz2_codec", 400, "parse_error"),
])
def test_a_body_that_is_not_json_is_told_and_stores_nothing(api, case, body, content_type, status, code):
    response = patch(api, case.debtor_id, body, content_type)
    assert response.status_code == status
    body = response.json()
    assert set(body) == SHAPE and body["code"] == code
    assert_unchanged(api, case)


def test_an_oversized_body_is_a_413(api, case, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = patch(api, case.debtor_id, json.dumps({"vip": True, "pad": "x" * 1000}))
    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "message": "The request body is larger than 1000 bytes.",
                               "detail": None}
    assert_unchanged(api, case)


@pytest.mark.parametrize("body, path", [
    ({"vip": "yes"}, ["vip"]),
    ({"vip": "true"}, ["vip"]),
    ({"vip": 1}, ["vip"]),
    ({"vip": None}, ["vip"]),
    ({"vip": [True]}, ["vip"]),
    ({"vip": {"a": 1}}, ["vip"]),
    ({"override": {"category": 1, "until": "9999-12-31", "note": "x"}}, ["override", "category"]),
    ({"override": {"category": "risk", "until": "2030-02-30", "note": "x"}}, ["override", "until"]),
    ({"override": {"category": "risk", "until": 20300101, "note": "x"}}, ["override", "until"]),
    ({"override": {"category": "risk", "until": "2030-01-01", "note": "x" * 100_000}}, ["override", "note"]),
    ({"override": {"category": "risk", "until": "2030-01-01", "note": "a\x00b"}}, ["override", "note"]),
    ({"override": {"category": "risk", "until": "2030-01-01", "note": ["x"]}}, ["override", "note"]),
    ({"override": []}, ["override"]),
    ({"override": "normal"}, ["override"]),
    ({"name": "x" * 100_000}, ["name"]),
    ([{"vip": True}], ["non_field_errors"]),
    ("vip", ["non_field_errors"]),
])
def test_a_field_of_the_wrong_type_is_a_400_naming_it(api, case, body, path):
    response = patch(api, case.debtor_id, json.dumps(body))
    assert response.status_code == 400
    detail = response.json()["detail"]
    for key in path:
        assert key in detail, (path, detail)
        detail = detail[key]
    assert_unchanged(api, case)


def test_an_override_until_a_far_date_is_valid_json_and_is_stored(api, case):
    """A far expiry is not malformed: the service decides (here: accepted), nothing crashes."""
    response = patch(api, case.debtor_id, json.dumps({"override": {"category": "risk", "until": "9999-12-31",
                                                                    "note": "x"}}))
    assert response.status_code == 200 and response.json()["override"]["until"] == "9999-12-31"
