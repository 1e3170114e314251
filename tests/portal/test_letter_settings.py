"""The creditor's letters: the design and its previews; only administrators change it."""
import io

import pytest
from PIL import Image

from core.tenancy import creditor_scope
from creditors.models import Role
from letters.models import Letter, LetterDesign
from tests.factories import make_case
from tests.portal.members import sign_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(width=40, height=20) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(out, format="PNG")
    return out.getvalue()


def test_an_administrator_chooses_the_variant_and_the_logo(client, creditor):
    browser = sign_in(client, creditor, Role.ADMIN, "admin@acme.se")
    logo = io.BytesIO(png())
    logo.name = "logo.png"
    answer = browser.post("/letters/design", {"variant": "classic", "logo": logo}, follow=True).content.decode()
    assert "Brevens utseende är sparat" in answer
    with creditor_scope(creditor):
        design = LetterDesign.objects.get(creditor=creditor)
    assert design.variant == "classic" and design.logo.name.endswith(".png")
    fake = io.BytesIO(b"GIF89a not really")
    fake.name = "logo.gif"
    refused = browser.post("/letters/design", {"logo": fake}, follow=True).content.decode()
    assert "Inget sparades: Logotypen ska vara en PNG- eller JPEG-bild." in refused


def test_a_preview_is_the_letter_as_it_would_go_today_and_stores_nothing(client, creditor):
    browser = sign_in(client, creditor, Role.READ_ONLY, email="reader@acme.se")
    assert browser.get("/letters/preview/reminder.pdf").status_code == 404  # no open case to preview with
    make_case(creditor, amount="1500.00")
    page = browser.get("/letters/").content.decode()
    assert "/letters/preview/collection_demand.pdf" in page and "Bara era administratörer" in page
    response = browser.get("/letters/preview/collection_demand.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    with creditor_scope(creditor):
        assert not Letter.objects.exists()
    assert browser.get("/letters/preview/payment_plan.pdf").status_code == 404


@pytest.mark.parametrize("role", [Role.STAFF, Role.READ_ONLY])
def test_only_administrators_change_the_design(client, creditor, role):
    browser = sign_in(client, creditor, role, email="someone@acme.se")
    assert browser.post("/letters/design", {"variant": "classic"}).status_code == 403
    with creditor_scope(creditor):
        assert not LetterDesign.objects.filter(creditor=creditor, variant="classic").exists()
