"""Reads about letters. Tenant scope is already active; another creditor's letter is not found."""
from django.urls import reverse

from core.errors import Conflict, NotFound

from .models import Letter, LetterStatus


def letter_get(letter_id) -> Letter:
    try:
        return Letter.objects.get(pk=letter_id)
    except (Letter.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such letter.") from None


def letter_archived_pdf(letter_id) -> tuple[Letter, bytes]:
    """The letter and its archived PDF bytes, exactly as rendered when it was sent."""
    letter = letter_get(letter_id)
    if letter.status != LetterStatus.RENDERED:
        raise Conflict("The letter has not been rendered yet.", code="letter_not_rendered",
                       detail={"status": letter.status})
    with letter.pdf.open("rb") as stored:
        return letter, stored.read()


def letter_pdf_url(letter: Letter) -> str | None:
    """Where the API serves the letter's PDF, once there is one."""
    if letter.status != LetterStatus.RENDERED:
        return None
    return reverse("letter-pdf", kwargs={"pk": letter.pk})
