"""What a debtor sends with a dispute: only a real PDF or image is kept, an image without its metadata."""
import io

import pytest
from PIL import Image, PngImagePlugin

from core.errors import ValidationError
from dunning.documents import MAX_BYTES, dispute_document_add
from dunning.models import DisputeDocument
from tests.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def png_with_a_secret() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("GPS", "59.3293 N, 18.0686 E")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def test_a_pdf_is_kept_as_it_came_under_the_creditors_folder(scoped, media):
    case = make_case(scoped)
    document = dispute_document_add(case=case, name="C:\\Users\\kund\\följesedel.pdf", data=PDF, actor="user:a@b.se",
                                    note="Följesedeln visar halva leveransen")
    assert (document.name, document.content_type, document.size) == ("följesedel.pdf", "application/pdf", len(PDF))
    assert document.file.name.startswith(f"disputes/{scoped.pk}/{case.pk}/") and document.file.read() == PDF
    assert case.events.filter(code="dunning.dispute.document_added", data__document=document.pk).exists()


def test_an_image_is_stored_re_encoded_without_its_metadata(scoped):
    document = dispute_document_add(case=make_case(scoped), name="bild.png", data=png_with_a_secret())
    stored = document.file.read()
    assert document.content_type == "image/png" and b"59.3293" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 30) and "GPS" not in image.info


@pytest.mark.parametrize("data, reason", [
    (b"MZ\x90\x00" + b"\x00" * 100, "PDF, PNG or JPEG"),  # a program, whatever its name says
    (b"GIF89a" + b"\x00" * 100, "PDF, PNG or JPEG"),
    (PDF[:-7], "cut short"),
    (b"", "empty"),
    (b"%PDF-" + b"0" * MAX_BYTES, "at most"),
])
def test_anything_else_is_refused_and_nothing_is_stored(scoped, media, data, reason):
    case = make_case(scoped)
    with pytest.raises(ValidationError, match=reason):
        dispute_document_add(case=case, name="kvitto.pdf", data=data)
    assert not DisputeDocument.objects.exists() and not list(media.rglob("*.*"))
    assert not case.events.filter(code="dunning.dispute.document_added").exists()
