"""A dispute's documents: what the debtor sent, kept with the case.

An upload is hostile until checked: at most `MAX_BYTES`; a PDF (it must start as one and
end as one) or a PNG or JPEG image, told by its bytes, never by its name or the browser's
word. An image is decoded (within a pixel bound, so a decompression bomb is refused first)
and stored re-encoded, which drops its metadata (a phone photo's position, say); a PDF is
stored as it came. The file goes under the creditor's folder of the media storage with a
name of its own (`disputes/<creditor>/<case>/<sha256>.<ext>`); what the uploader called
it is kept for display only. The portal serves it only to those who may see the case,
with `Content-Security-Policy: sandbox` so a PDF viewed in the browser runs nothing.
"""
import hashlib
import io
import re

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from cases.events import actor_label, log_event
from cases.models import Case
from core.errors import ValidationError

from .event_texts import DISPUTE_DOCUMENT_ADDED
from .models import DisputeDocument

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
IMAGE_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg")}


@transaction.atomic
def dispute_document_add(*, case: Case, name: str, data: bytes, actor=None, note: str = "") -> DisputeDocument:
    """Check and store one document for the case's dispute; ValidationError says what is wrong."""
    if not data:
        raise ValidationError("the file is empty", code="file_empty", detail={"field": "file"})
    if len(data) > MAX_BYTES:
        raise ValidationError(f"the file is {len(data):,} bytes; at most {MAX_BYTES:,} are accepted".replace(",", " "),
                              code="file_too_large", detail={"field": "file", "size": len(data), "limit": MAX_BYTES})
    content_type, extension, data = _checked(data)
    digest = hashlib.sha256(data).hexdigest()
    document = DisputeDocument(creditor_id=case.creditor_id, case=case,
                               name=_clean_name(name) or f"{digest[:12]}.{extension}", content_type=content_type,
                               size=len(data), sha256=digest, note=note.strip()[:500], uploaded_by=actor_label(actor))
    document.file.save(f"{digest}.{extension}", ContentFile(data), save=False)
    document.save()
    log_event(case=case, code=DISPUTE_DOCUMENT_ADDED, actor=actor,
              data={"document": document.pk, "name": document.name, "size": document.size})
    return document


def _checked(data: bytes) -> tuple[str, str, bytes]:
    """(content type, extension, the bytes to store) of a PDF, PNG or JPEG; ValidationError otherwise."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError("the PDF is cut short (it has no end): send the whole file",
                                  code="pdf_cut_short", detail={"field": "file"})
        return "application/pdf", "pdf", data
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_TYPES:
                raise ValidationError(f"a document is a PDF, PNG or JPEG, not {image.format}", code="document_type",
                                      detail={"field": "file"})
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(f"the image is {image.width}×{image.height} pixels; at most 40 megapixels",
                                      code="image_too_large", detail={"field": "file"})
            image.load()
            content_type, extension = IMAGE_TYPES[image.format]
            clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") and image.format == "PNG" else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError("a document is a PDF, PNG or JPEG; this file is none of them", code="document_type",
                              detail={"field": "file"}) from None
    out = io.BytesIO()
    clean.save(out, format=image.format, **({"quality": 90} if image.format == "JPEG" else {"optimize": True}))
    return content_type, extension, out.getvalue()


def _clean_name(name: str) -> str:
    """The uploaded name for display: its last path part, printable, at most 200 characters."""
    name = re.split(r"[\\/]", name or "")[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:200]
