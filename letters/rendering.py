"""Rendering a letter record to its archived PDF, once.

`letter_render` is the one state change: lock the letter, check it still waits, freeze
what it prints (`printed`, template version, variant), render inside the sandbox, store
the bytes and their SHA-256. A rendered letter is never rendered again: the archive is
what was sent. `letter_html` rebuilds the same HTML from the stored state, so a re-render
(to prove what the letter said, or in the benchmark) gives the same text.
"""
import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .context import printed_snapshot, template_context
from .models import Letter, LetterDesign, LetterStatus, Variant
from .pdf import RenderFailed, html_to_pdf, stylesheets
from .sandbox import SandboxFetcher

logger = logging.getLogger(__name__)

# The templates in use: letters/templates/letters/<version>/ and static/letters/<version>/.
# A change to what a letter says or how it looks goes into a new version folder; letters
# already sent keep naming the version they were rendered with.
TEMPLATE_VERSION = "v1"


def template_name(*, version: str, language: str, kind: str) -> str:
    return f"letters/{version}/{language if language in ('sv', 'en') else 'sv'}/{kind}.html"


def letter_html(letter: Letter, *, printed: dict | None = None, version: str | None = None) -> str:
    printed = printed if printed is not None else letter.printed
    name = template_name(version=version or letter.template_version or TEMPLATE_VERSION, language=letter.language,
                         kind=letter.kind)
    return render_to_string(name, template_context(letter, printed))


def letter_fetcher(letter: Letter, printed: dict) -> SandboxFetcher:
    """The sandbox for one letter: the shipped assets and this creditor's logo as printed."""
    logo = None
    if printed.get("logo"):
        with default_storage.open(printed["logo"], "rb") as stored:
            logo = stored.read()
    return SandboxFetcher(creditor_id=letter.creditor_id, logo=logo)


def letter_pdf_bytes(letter: Letter, *, printed: dict, version: str, variant: str) -> bytes:
    html = letter_html(letter, printed=printed, version=version)
    return html_to_pdf(html, fetcher=letter_fetcher(letter, printed), css=stylesheets(version, variant),
                       identifier=f"fordra-letter-{letter.pk}".encode())


def _design(creditor_id: int) -> tuple[str, str]:
    design = LetterDesign.objects.filter(creditor_id=creditor_id).first()
    if design is None:
        return Variant.STANDARD, ""
    return design.variant, design.logo.name if design.logo else ""


def letter_render(*, letter_id: int) -> Letter | None:
    """Render a pending letter to its archive and return it. A letter already rendered is
    returned as it is.

    The render itself (~0.1 s) runs outside any transaction, so no lock or write
    transaction is held meanwhile; the result is stored in a short transaction that
    re-reads the row under lock and keeps the first render if two workers raced."""
    letter = Letter.objects.select_related("creditor", "case__invoice", "case__debtor").filter(pk=letter_id).first()
    if letter is None or letter.status == LetterStatus.RENDERED:
        return letter
    variant, logo = _design(letter.creditor_id)
    printed = letter.printed or printed_snapshot(letter, logo_name=logo)
    version = letter.template_version or TEMPLATE_VERSION
    variant = letter.variant or variant
    try:
        data, error = letter_pdf_bytes(letter, printed=printed, version=version, variant=variant), ""
    except RenderFailed as exc:
        logger.warning("letter %s not rendered: %s", letter.pk, exc)
        data, error = None, str(exc)[:500]
    with transaction.atomic():
        current = Letter.objects.select_for_update().get(pk=letter_id)
        if current.status == LetterStatus.RENDERED:
            return current  # another worker stored it first; its file is the archive
        current.printed, current.template_version, current.variant = printed, version, variant
        fields = ["status", "render_error", "printed", "template_version", "variant"]
        if data is None:
            current.status, current.render_error = LetterStatus.FAILED, error
        else:
            current.sha256 = hashlib.sha256(data).hexdigest()
            current.pdf.save(f"{current.kind}-{current.pk}-{current.sha256[:12]}.pdf", ContentFile(data), save=False)
            current.status, current.render_error, current.rendered_at = LetterStatus.RENDERED, "", timezone.now()
            fields += ["pdf", "sha256", "rendered_at"]
        current.save(update_fields=fields)
    return current


def letter_preview_pdf(values: dict) -> bytes:
    """A letter as it would be sent now, under the creditor's current design, stored nowhere:
    `values` is a letter record's fields (`dunning.balances.case_letter_record`)."""
    letter = Letter(**values)
    variant, logo = _design(letter.creditor_id)
    return letter_pdf_bytes(letter, printed=printed_snapshot(letter, logo_name=logo), version=TEMPLATE_VERSION,
                            variant=variant)


def letters_render_pending(*, creditor_id: int, retry_failed: bool = False, limit: int | None = None) -> int:
    """Render every letter of the creditor that waits; returns how many were rendered now."""
    statuses = [LetterStatus.PENDING, LetterStatus.FAILED] if retry_failed else [LetterStatus.PENDING]
    ids = list(Letter.objects.filter(creditor_id=creditor_id, status__in=statuses)
               .order_by("id").values_list("id", flat=True)[:limit])
    rendered = 0
    for letter_id in ids:
        letter = letter_render(letter_id=letter_id)
        rendered += bool(letter and letter.status == LetterStatus.RENDERED)
    return rendered


def letter_archive_intact(letter: Letter) -> bool:
    """The stored PDF is still the one whose SHA-256 was recorded when it was rendered."""
    if not letter.pdf:
        return False
    with letter.pdf.open("rb") as stored:
        return hashlib.sha256(stored.read()).hexdigest() == letter.sha256
