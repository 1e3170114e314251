"""A dispute's documents over the API: listed per case, each file's bytes as stored, and
another creditor's (or another case's) as unknown as one that does not exist."""
import datetime

import pytest
import time_machine
from django.test import Client

from core.tenancy import creditor_scope
from creditors.models import ApiScopes
from creditors.services import api_client_create
from tests.api.conftest import api_client_for
from tests.api.test_dispute_document import PDF, File, dispute, png
from tests.factories import make_case


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_document_sent_with_a_dispute_is_listed_and_read_back_as_stored(api, case):
    assert api.get(f"/api/v1/cases/{case.pk}/documents/").json() == []
    sent = dispute(api, case, {"text": "Varan kom aldrig", "document": File(PDF, "följesedel.pdf")})
    assert sent.status_code == 200
    [listed] = api.get(f"/api/v1/cases/{case.pk}/documents/").json()
    assert listed["name"] == "följesedel.pdf" and listed["content_type"] == "application/pdf"
    assert listed["size"] == len(PDF) and listed["uploaded_by"] == "api:ERP"
    assert listed["uploaded_at"] == "2026-11-23T11:00:00+01:00"  # Stockholm time, as every time here
    assert listed["url"] == f"/api/v1/cases/{case.pk}/documents/{listed['id']}"

    file = api.get(listed["url"], HTTP_ACCEPT="application/pdf")
    assert file.status_code == 200 and b"".join(file.streaming_content) == PDF
    assert file["Content-Type"] == "application/pdf" and file["X-Content-Type-Options"] == "nosniff"
    assert file["Content-Disposition"].startswith("attachment;") and file["X-Content-SHA256"] == listed["sha256"]
    assert file["Cache-Control"] == "private, no-store"


def test_an_image_is_served_as_the_image_it_was_stored_as(api, case):
    dispute(api, case, {"text": "Trasig vara", "document": File(png(), "foto.jpg")})  # a PNG named .jpg
    [listed] = api.get(f"/api/v1/cases/{case.pk}/documents/").json()
    file = api.get(listed["url"])  # Django's client sends no Accept: anything goes
    assert file.status_code == 200 and file["Content-Type"] == "image/png"
    assert b"".join(file.streaming_content).startswith(b"\x89PNG")


def test_another_creditors_documents_answer_as_missing_ones_do(api, creditor, other_creditor, case):
    theirs = make_case(other_creditor)
    their_api = api_client_for(other_creditor)
    assert dispute(their_api, theirs, {"text": "Nej", "document": File(PDF, "deras.pdf")}).status_code == 200
    [their_document] = their_api.get(f"/api/v1/cases/{theirs.pk}/documents/").json()
    mine = dispute(api, case, {"text": "Nej", "document": File(PDF, "min.pdf")})
    assert mine.status_code == 200
    [my_document] = api.get(f"/api/v1/cases/{case.pk}/documents/").json()
    other_case = make_case(creditor)

    missing = api.get("/api/v1/cases/999999/documents/")
    assert missing.status_code == 404
    for url in [f"/api/v1/cases/{theirs.pk}/documents/", f"/api/v1/cases/{theirs.pk}/documents/{their_document['id']}",
                f"/api/v1/cases/{case.pk}/documents/{their_document['id']}"]:
        answer = api.get(url)
        assert (answer.status_code, answer.json()["code"]) == (404, "not_found"), url
    # A document of my other case, asked through this one, is not this case's.
    no_such = api.get(f"/api/v1/cases/{other_case.pk}/documents/{my_document['id']}")
    assert (no_such.status_code, no_such["Content-Type"]) == (404, "application/json")


def test_a_read_only_key_reads_documents(creditor, case, api):
    dispute(api, case, {"text": "Nej", "document": File(PDF, "x.pdf")})
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="Reader", scopes=ApiScopes.READ)
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    [listed] = reader.get(f"/api/v1/cases/{case.pk}/documents/").json()
    assert reader.get(listed["url"]).status_code == 200
