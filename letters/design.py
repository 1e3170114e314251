"""A creditor's letter design: the variant and the logo printed in the letterhead.

A logo is an uploaded image, so it is treated as hostile: only PNG or JPEG, bounded in
bytes and pixels (a decompression bomb is refused before it is decoded), and re-encoded
to a fresh PNG, which drops metadata and anything else the file carried. It is stored
under a name made from its content, so a letter that printed an old logo can still be
rendered again with it after the creditor uploads a new one.
"""
import hashlib
import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from core.errors import ValidationError

from .models import LetterDesign, Variant

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_FORMATS = {"PNG", "JPEG"}


def logo_png(data: bytes) -> bytes:
    """The uploaded logo as a clean PNG, or ValidationError saying what is wrong with it."""
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(f"the logo is {len(data)} bytes; at most {LOGO_MAX_BYTES} are accepted",
                              code="logo_too_large")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in LOGO_FORMATS:
                raise ValidationError(f"a logo is PNG or JPEG, not {image.format}", code="logo_format")
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise ValidationError(f"the logo is {image.width}×{image.height} pixels; keep it under 16 megapixels",
                                      code="logo_too_many_pixels")
            image.load()
            clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError("the logo is not a readable PNG or JPEG image", code="logo_format") from None
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


@transaction.atomic
def letter_design_set(*, creditor, variant: str | None = None, logo: bytes | None = None,
                      remove_logo: bool = False) -> LetterDesign:
    """Choose the creditor's variant and/or upload (or remove) its logo. New letters use it;
    letters already rendered keep what they printed."""
    design, _ = LetterDesign.objects.select_for_update().get_or_create(creditor=creditor)
    if variant is not None:
        if variant not in Variant.values:
            raise ValidationError(f"unknown letter variant {variant!r}", detail={"choices": Variant.values})
        design.variant = variant
    if remove_logo:
        design.logo = ""
    if logo is not None:
        png = logo_png(logo)
        name = f"logos/{creditor.pk}/{hashlib.sha256(png).hexdigest()[:16]}.png"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(png))
        design.logo.name = name
    design.save()
    return design
