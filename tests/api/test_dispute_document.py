"""`POST /api/v1/cases/{id}/dispute` as `multipart/form-data`: the dispute with a document, stored
together or not at all; an Idempotency-Key counts the file, not the multipart framing."""
import datetime
import io
import pytest
import time_machine
from django.test import Client
from django.test.client import encode_multipart
from PIL import Image

from cases.models import Case, CaseEvent
from cases.stages import HoldReason, Stage
from core.tenancy import creditor_scope
from creditors.models import ApiScopes
from creditors.services import api_client_create
from dunning.models import DisputeDocument, QueueItem

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SHAPE = {"code", "message", "detail"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class File(io.BytesIO):
    """A file for Django's test client's multipart encoder: bytes with a name."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, format="PNG")
    return out.getvalue()


def dispute(api, case, fields: dict, *, boundary: str = "FordraTestBoundary", **headers):
    """A multipart POST, framed with `boundary` (a client picks a new one per request)."""
    body = encode_multipart(boundary, fields)
    return api.post(f"/api/v1/cases/{case.pk}/dispute", body,
                    content_type=f"multipart/form-data; boundary={boundary}", **headers)


def state(creditor, case) -> dict:
    with creditor_scope(creditor):
        stored = Case.objects.get(pk=case.pk)
        return {"stage": stored.stage, "hold_reason": stored.hold_reason,
                "queue": QueueItem.objects.filter(case=case).count(),
                "events": sorted(CaseEvent.objects.filter(case=case, code__startswith="dunning.dispute")
                                 .values_list("code", flat=True)),
                "documents": list(DisputeDocument.objects.filter(case=case).values_list("name", "content_type"))}


def test_a_dispute_with_a_document_holds_the_case_and_keeps_the_document(api, creditor, case):
    response = dispute(api, case, {"text": "The goods never arrived", "document": File(PDF, "delivery-note.pdf")})
    assert response.status_code == 200 and response.json()["stage"] == Stage.ON_HOLD
    after = state(creditor, case)
    assert (after["stage"], after["hold_reason"], after["queue"]) == (Stage.ON_HOLD, HoldReason.DISPUTE, 1)
    assert after["documents"] == [("delivery-note.pdf", "application/pdf")]
    assert "dunning.dispute.document_added" in after["events"]
    assert any(e["code"] == "dunning.dispute.document_added" and "delivery-note.pdf" in e["text"]
               for e in response.json()["events"])
    with creditor_scope(creditor):
        assert DisputeDocument.objects.get().file.read() == PDF


def test_an_answer_may_carry_a_document_and_text_alone_works_as_a_form(api, creditor, case):
    assert dispute(api, case, {"text": "Wrong price"}).status_code == 200
    answered = dispute(api, case, {"text": "The price list says so", "document": File(png(), "price-list.png")})
    assert answered.status_code == 200
    after = state(creditor, case)
    assert after["queue"] == 1 and after["documents"] == [("price-list.png", "image/png")]
    assert "dunning.dispute.answered" in after["events"]


@pytest.mark.parametrize("data, code", [
    (b"MZ\x90\x00" + b"\x00" * 100, "document_type"),  # a program, whatever its name says
    (b"GIF89a" + b"\x00" * 100, "document_type"),
    (PDF[:-7], "pdf_cut_short"),
])
def test_a_refused_document_stores_nothing_of_the_dispute(api, creditor, case, data, code):
    before = state(creditor, case)
    response = dispute(api, case, {"text": "The goods never arrived", "document": File(data, "note.pdf")})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == SHAPE and body["code"] == code and list(body["detail"]) == ["document"]
    assert body["message"].startswith("document: ") and body["detail"]["document"][0] in body["message"]
    assert state(creditor, case) == before


def test_a_document_over_the_limit_is_refused_before_it_is_read(api, creditor, case, monkeypatch):
    monkeypatch.setattr("api.case_actions.MAX_BYTES", len(PDF) - 1)
    before = state(creditor, case)
    response = dispute(api, case, {"text": "x", "document": File(PDF, "big.pdf")})
    assert response.status_code == 400 and response.json()["code"] == "file_too_large"
    assert f"{len(PDF)} bytes" in response.json()["detail"]["document"][0]
    assert state(creditor, case) == before


@pytest.mark.parametrize("fields, field", [
    ({"document": File(PDF, "a.pdf")}, "text"),
    ({"text": "x", "document": File(b"", "empty.pdf")}, "document"),
    ({"text": "x", "attachment": File(PDF, "a.pdf")}, "attachment"),
    ({"text": "x" * 2001}, "text"),
])
def test_a_wrong_form_is_a_400_naming_the_field(api, creditor, case, fields, field):
    before = state(creditor, case)
    response = dispute(api, case, fields)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert list(response.json()["detail"]) == [field]
    assert state(creditor, case) == before


def test_json_is_as_before_and_takes_no_document(api, creditor, case):
    refused = api.post(f"/api/v1/cases/{case.pk}/dispute", {"text": "x", "document": "aGVsbG8="},
                       content_type="application/json")
    assert refused.status_code == 400 and list(refused.json()["detail"]) == ["document"]
    done = api.post(f"/api/v1/cases/{case.pk}/dispute", {"text": "x"}, content_type="application/json")
    assert done.status_code == 200 and state(creditor, case)["documents"] == []


def test_another_action_still_refuses_a_form_with_415(api, case):
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "form-to-pause"}):
        response = api.post(f"/api/v1/cases/{case.pk}/pause", encode_multipart("b", {"reason": "x"}),
                            content_type="multipart/form-data; boundary=b", **headers)
        assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type", headers


def test_the_same_file_again_is_a_replay_whatever_the_boundary(api, creditor, case):
    fields = {"text": "The goods never arrived", "document": File(PDF, "note.pdf")}
    first = dispute(api, case, fields, boundary="one", HTTP_IDEMPOTENCY_KEY="dispute-1")
    fields["document"].seek(0)
    again = dispute(api, case, fields, boundary="another-one", HTTP_IDEMPOTENCY_KEY="dispute-1")
    assert first.status_code == 200 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.content == first.content
    assert state(creditor, case)["documents"] == [("note.pdf", "application/pdf")]


@pytest.mark.parametrize("other", [File(png(), "note.pdf"), File(PDF, "other-name.pdf")])
def test_another_file_with_the_same_key_is_a_422_and_stores_nothing(api, creditor, case, other):
    assert dispute(api, case, {"text": "x", "document": File(PDF, "note.pdf")},
                   HTTP_IDEMPOTENCY_KEY="dispute-2").status_code == 200
    before = state(creditor, case)
    response = dispute(api, case, {"text": "x", "document": other}, HTTP_IDEMPOTENCY_KEY="dispute-2")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert state(creditor, case) == before


def test_a_document_larger_than_a_json_body_may_be_is_still_kept_once(settings, api, creditor, case):
    """Django refuses to read a body past DATA_UPLOAD_MAX_MEMORY_SIZE into memory; a file in a
    multipart body is not bound by it, and a retry of one must still be a replay."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = PDF[:-6] + b"%" + b" " * 5000 + b"\n%%EOF\n"
    for _ in range(2):
        response = dispute(api, case, {"text": "x", "document": File(big, "big.pdf")}, HTTP_IDEMPOTENCY_KEY="big")
        assert response.status_code == 200
    assert response["Idempotent-Replayed"] == "true"
    assert state(creditor, case)["documents"] == [("big.pdf", "application/pdf")]


def test_a_broken_form_with_a_key_is_a_400_in_the_error_shape(api, case):
    response = api.post(f"/api/v1/cases/{case.pk}/dispute", b"--x\r\nnot a part", HTTP_IDEMPOTENCY_KEY="broken",
                        content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_a_read_only_key_cannot_dispute_with_a_document(creditor, case):
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="Reader", scopes=ApiScopes.READ)
    reader = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    before = state(creditor, case)
    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "read-only"}):
        response = dispute(reader, case, {"text": "x", "document": File(PDF, "a.pdf")}, **headers)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert state(creditor, case) == before
