"""Letters are rendered after commit, archived once with their SHA-256, and re-render to the same text."""
import datetime
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command

from config.celery import app
from cycle.run import run_cycle
from letters.models import Letter, LetterStatus
from letters.rendering import letter_archive_intact, letter_pdf_bytes, letter_render
from tests.factories import make_case

from .conftest import SENT_ON, make_letter
from .pdf_inspect import creation_date, fonts, page_sizes, pdf_text, pdfa_identification

D = datetime.date


@pytest.fixture
def eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_the_cycle_renders_its_letters_after_commit(scoped, eager, django_capture_on_commit_callbacks):
    case = make_case(scoped, amount="1000.00", due_date=D(2026, 3, 2), reminder_fee_agreed=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_cycle(creditor=scoped, day=D(2026, 3, 12))
    letter = Letter.objects.get(case=case)
    assert letter.status == LetterStatus.PENDING and not letter.pdf  # nothing rendered inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()  # the commit
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
    assert (letter.template_version, letter.variant) == ("v1", "standard")
    data = letter.pdf.read()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == letter.sha256
    assert letter.rendered_at is not None and letter_archive_intact(letter)
    text = pdf_text(data)
    assert "Påminnelse" in text and case.ocr_reference in text and "2026-03-23" in text


def test_a_rendered_letter_is_never_rendered_again(claim_case):
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    name, sha = letter.pdf.name, letter.sha256
    again = letter_render(letter_id=letter.pk)
    assert (again.pdf.name, again.sha256) == (name, sha)


def test_a_re_render_gives_the_same_text_even_after_the_creditor_changes(scoped, claim_case):
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    scoped.name, scoped.address = "Acme Renamed AB", "Nygatan 1"
    scoped.save()
    letter = Letter.objects.get(pk=letter.pk)
    again = letter_pdf_bytes(letter, printed=letter.printed, version=letter.template_version, variant=letter.variant)
    archived = pdf_text(letter.pdf.read())
    assert pdf_text(again) == archived
    assert "Acme Bygg AB" in archived and "Acme Renamed" not in archived


def test_a_tampered_archive_is_detected(claim_case):
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    with open(letter.pdf.path, "ab") as stored:
        stored.write(b"%")
    assert not letter_archive_intact(letter)


def test_render_letters_renders_what_waits_for_every_creditor(claim_case, other_creditor):
    make_letter(claim_case)
    make_letter(claim_case, language="en")
    out = StringIO()
    call_command("render_letters", stdout=out)
    assert "acme: 2 rendered" in out.getvalue()
    assert set(Letter.objects.values_list("status", flat=True)) == {LetterStatus.RENDERED}
    out = StringIO()
    call_command("render_letters", "--creditor", "acme", stdout=out)
    assert "acme: 0 rendered" in out.getvalue()


def test_letters_are_pdf_a_with_the_shipped_fonts_embedded(claim_case):
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    data = letter.pdf.read()
    assert pdfa_identification(data) == {"part": "2", "conformance": "B"}
    used = fonts(data)
    assert used and all("Fordra-Sans" in font.name and font.embedded and font.subset and font.to_unicode
                        for font in used), used
    sizes = page_sizes(data)
    assert sizes and all(abs(width - 595.28) < 1 and abs(height - 841.89) < 1 for width, height in sizes)  # A4
    assert creation_date(data) == SENT_ON  # created on the letter's date, not the render's


def test_a_letter_that_cannot_render_is_marked_failed_and_kept(claim_case, monkeypatch):
    from letters import pdf

    monkeypatch.setattr(pdf, "MAX_PAGES", 0)
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    assert letter.status == LetterStatus.FAILED and "at most 0" in letter.render_error and not letter.pdf
    monkeypatch.setattr(pdf, "MAX_PAGES", 12)
    out = StringIO()
    call_command("render_letters", "--retry-failed", stdout=out)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERED
