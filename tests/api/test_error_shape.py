"""Every answer under /api/ is JSON in the error shape with the status HTTP intends; outside, Django's pages stay."""
import pytest
from django.test import Client

from tests.factories import make_case

from .conftest import api_client_for

SHAPE = {"code", "message", "detail"}


@pytest.mark.parametrize("path", ["/api/", "/api", "/api/v1/", "/api/v1/nope/", "/api/v2/x", "/api/v1/cases/abc/",
                                  "/api/v1/cases/1/extra/", "/api/v1/letters/abc/pdf", "/api/" + "x" * 10_000])
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_an_unknown_path_is_a_json_404(api, path, method):
    response = getattr(api, method)(path, follow=True)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "not_found" and set(body) == SHAPE
    assert len(body["message"]) < 200


def test_an_unknown_path_is_a_404_without_a_token_too(db):
    response = Client().get("/api/v1/nope/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_missing_trailing_slash_redirects_a_get_and_tells_a_patch(api, case):
    response = api.get("/api/v1/cases", {"stage": "reminder"})
    assert response.status_code == 301 and response["Location"] == "/api/v1/cases/?stage=reminder"
    assert response.json()["code"] == "moved_permanently"
    assert api.get("/api/v1/cases", follow=True).json()["count"] == 1
    response = api.patch(f"/api/v1/debtors/{case.debtor_id}", {"vip": True}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["message"] == (f"No API endpoint at /api/v1/debtors/{case.debtor_id}. "
                                          f"Did you mean /api/v1/debtors/{case.debtor_id}/?")
    assert api.get(f"/api/v1/debtors/{case.debtor_id}/").json()["vip"] is False


@pytest.mark.parametrize("method, path, headers, status, code", [
    ("delete", "/api/v1/cases/{case}/", {}, 405, "method_not_allowed"),
    ("post", "/api/v1/cases/", {}, 405, "method_not_allowed"),
    ("get", "/api/v1/cases/", {"HTTP_ACCEPT": "text/html"}, 406, "not_acceptable"),
    ("get", "/api/v1/cases/", {"HTTP_ACCEPT": "application/pdf"}, 406, "not_acceptable"),
    ("get", "/api/v1/cases/", {"HTTP_AUTHORIZATION": "Bearer nope"}, 401, "authentication_failed"),
    ("get", "/api/v1/cases/", {"HTTP_AUTHORIZATION": ""}, 401, "not_authenticated"),
    ("get", "/api/v1/cases/?format=xyz", {}, 404, "not_found"),
    ("get", "/api/v1/letters/999999/pdf", {"HTTP_ACCEPT": "application/pdf"}, 404, "not_found"),
    ("get", "/api/v1/schema/?format=xyz", {}, 404, "not_found"),
])
def test_drf_errors_are_json_in_the_shape(api, case, method, path, headers, status, code):
    response = getattr(api, method)(path.format(case=case.pk), **headers)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == SHAPE and response.json()["code"] == code


def test_another_creditors_debtor_answers_exactly_like_a_missing_one(api, other_creditor):
    theirs = make_case(other_creditor)
    for method, args in (("get", ()), ("patch", ('{"vip": true}',))):
        foreign = getattr(api, method)(f"/api/v1/debtors/{theirs.debtor_id}/", *args, content_type="application/json")
        missing = getattr(api, method)("/api/v1/debtors/999999/", *args, content_type="application/json")
        assert foreign.status_code == missing.status_code == 404
        assert foreign.json() == missing.json() == {"code": "not_found", "message": "No such debtor.", "detail": None}
    mine = api_client_for(other_creditor).get(f"/api/v1/debtors/{theirs.debtor_id}/").json()
    assert mine["vip"] is False


def test_an_unexpected_error_is_a_json_500_under_api_and_an_html_page_elsewhere(creditor, monkeypatch):
    from cases import selectors

    def broken(**kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(selectors, "case_list", broken)
    response = api_client_for(creditor, raise_request_exception=False).get("/api/v1/cases/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "server_error", "detail": None,
                               "message": "Something went wrong on Fordra's side; it has been logged."}
    outside = Client(raise_request_exception=False).get("/no-such-page/")
    assert outside.status_code == 404 and outside["Content-Type"].startswith("text/html")


def test_django_refusals_before_any_view_are_json_under_api(db, settings):
    settings.ALLOWED_HOSTS = ["fordra.example"]
    response = Client(HTTP_HOST="evil.example").get("/api/v1/cases/")
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "The request could not be read.", "detail": None}
