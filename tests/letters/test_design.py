"""A creditor's variant and logo: recorded on each letter, and a letter keeps what it printed."""
from io import StringIO

from django.core.management import call_command

from letters.design import letter_design_set
from letters.models import LetterDesign
from letters.rendering import letter_pdf_bytes, letter_render

from .conftest import make_letter
from .pdf_inspect import fonts, image_objects, images, pdf_text
from .test_sandbox import png


def fonts_and_images(data: bytes) -> tuple[str, int]:
    """The names of the fonts used, and how many images are drawn (each also the only image in the file)."""
    drawn = len(images(data))
    assert image_objects(data) == drawn  # no image sits in the file undrawn
    return " ".join(font.name for font in fonts(data)), drawn


def test_the_classic_variant_with_a_logo(scoped, claim_case):
    letter_design_set(creditor=scoped, variant="classic", logo=png())
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    assert (letter.variant, letter.template_version) == ("classic", "v1")
    fonts, images = fonts_and_images(letter.pdf.read())
    assert "Fordra-Serif" in fonts and images == 1


def test_a_new_logo_or_variant_does_not_change_a_letter_already_sent(scoped, claim_case):
    letter_design_set(creditor=scoped, logo=png(200, 60))
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    archived = letter.pdf.read()
    letter_design_set(creditor=scoped, variant="classic", logo=png(300, 90))
    again = letter_pdf_bytes(letter, printed=letter.printed, version=letter.template_version, variant=letter.variant)
    assert pdf_text(again) == pdf_text(archived)
    fonts, images = fonts_and_images(again)
    assert "Fordra-Serif" not in fonts and images == 1


def test_set_letter_design_command(scoped, tmp_path):
    logo = tmp_path / "logo.jpg"
    logo.write_bytes(png(fmt="JPEG"))
    out = StringIO()
    call_command("set_letter_design", "--creditor", "acme", "--variant", "classic", "--logo", str(logo), stdout=out)
    design = LetterDesign.objects.get(creditor=scoped)
    assert design.variant == "classic" and design.logo.name.endswith(".png")
    assert out.getvalue().startswith("acme: variant classic, logo logos/")
    call_command("set_letter_design", "--creditor", "acme", "--remove-logo", stdout=StringIO())
    assert not LetterDesign.objects.get(creditor=scoped).logo
