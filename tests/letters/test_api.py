"""The archived PDF through the API: exactly the stored bytes, and only to the letter's own creditor."""
import hashlib

import pytest
from django.test import Client

from core.tenancy import creditor_scope
from creditors.services import api_client_create
from letters.rendering import letter_render
from tests.factories import make_case

from .conftest import make_letter


def api_for(creditor) -> Client:
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="ERP")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def api(creditor):
    return api_for(creditor)


def test_the_pdf_is_the_archived_bytes_and_the_case_links_to_it(api, creditor, claim_case):
    with creditor_scope(creditor):
        letter = letter_render(letter_id=make_letter(claim_case).pk)
        archived = letter.pdf.read()
    response = api.get(f"/api/v1/letters/{letter.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content == archived and hashlib.sha256(response.content).hexdigest() == letter.sha256
    assert response["Content-Disposition"] == f'inline; filename="collection_demand-{letter.pk}.pdf"'
    letters = api.get(f"/api/v1/cases/{claim_case.pk}/").json()["letters"]
    assert letters[0]["pdf_url"] == f"/api/v1/letters/{letter.pk}/pdf"
    assert api.get(letters[0]["pdf_url"], HTTP_ACCEPT="application/pdf").content == archived


def test_a_letter_not_yet_rendered_has_no_pdf_url_and_answers_409(api, creditor, claim_case):
    with creditor_scope(creditor):
        letter = make_letter(claim_case)
    assert api.get(f"/api/v1/cases/{claim_case.pk}/").json()["letters"][0]["pdf_url"] is None
    response = api.get(f"/api/v1/letters/{letter.pk}/pdf")
    assert response.status_code == 409 and response.json()["code"] == "letter_not_rendered"


def test_another_creditor_s_letter_answers_404_like_a_missing_one(creditor, other_creditor, claim_case):
    with creditor_scope(creditor):
        letter = letter_render(letter_id=make_letter(claim_case).pk)
    other_api = api_for(other_creditor)
    theirs = other_api.get(f"/api/v1/letters/{letter.pk}/pdf")
    missing = other_api.get(f"/api/v1/letters/{letter.pk + 1000}/pdf")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {"code": "not_found", "message": "No such letter.", "detail": None}


def test_the_pdf_needs_a_token():
    assert Client().get("/api/v1/letters/1/pdf").status_code == 401


def test_the_schema_lists_the_pdf_endpoint(db):
    schema = Client().get("/api/v1/schema/")
    assert b"/api/v1/letters/{id}/pdf" in schema.content and b"application/pdf" in schema.content
