"""Delivery: e-mail with consent, the rest in one daily print batch with a manifest; each letter once."""
import csv
import datetime
import io
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from pypdf import PdfReader

from letters.delivery import letters_email_pending, print_batch_build
from letters.models import Channel, LetterDelivery, LetterStatus, PrintBatch
from letters.rendering import letter_render
from letters.tasks import render_pending_letters
from tests.factories import DebtorFactory, make_case

from .conftest import SENT_ON, make_letter
from .pdf_inspect import pdf_text


@pytest.fixture
def consenting(scoped):
    debtor = DebtorFactory(creditor=scoped, name="Erik E-post", email="erik@example.se", email_letters_agreed=True,
                           language="en", address="Ågatan 3", postal_code="753 20", city="Uppsala")
    return make_case(scoped, amount="500.00", debtor=debtor)


@pytest.fixture
def email_only_no_consent(scoped):
    debtor = DebtorFactory(creditor=scoped, name="Nils Nej", email="nils@example.se", email_letters_agreed=False)
    return make_case(scoped, amount="700.00", debtor=debtor)


def rendered(case, **kwargs):
    return letter_render(letter_id=make_letter(case, **kwargs).pk)


def test_a_consenting_debtor_gets_the_pdf_by_e_mail_once(consenting):
    letter = rendered(consenting, language="en")
    assert letters_email_pending(creditor_id=letter.creditor_id) == 1
    assert letters_email_pending(creditor_id=letter.creditor_id) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["erik@example.se"] and letter.ocr_reference in message.subject
    assert "Debt collection demand" in message.subject and "by 2026-12-07" in message.body
    (name, content, mimetype), = message.attachments
    assert mimetype == "application/pdf" and content == letter.pdf.open("rb").read()
    assert "Erik E-post" in pdf_text(content)
    delivery = LetterDelivery.objects.get(letter=letter)
    assert (delivery.channel, delivery.address, delivery.batch) == (Channel.EMAIL, "erik@example.se", None)
    assert consenting.events.filter(code="letters.letter.emailed").count() == 1


def test_the_render_task_e_mails_what_it_rendered(consenting):
    letter = make_letter(consenting)
    assert render_pending_letters.apply(kwargs={"creditor_id": letter.creditor_id}).get() == 1
    assert len(mail.outbox) == 1 and LetterDelivery.objects.get(letter=letter).channel == Channel.EMAIL


def test_the_print_batch_holds_the_rest_with_a_manifest(scoped, claim_case, consenting, email_only_no_consent):
    first = rendered(claim_case)
    by_email = rendered(consenting)
    second = rendered(email_only_no_consent, kind="reminder")
    waiting = make_letter(claim_case)  # not rendered: it waits
    later = rendered(claim_case, sent_on=SENT_ON + datetime.timedelta(days=1))  # sent after the batch's day

    batch = print_batch_build(creditor=scoped, day=SENT_ON)
    assert (batch.letter_count, batch.day) == (2, SENT_ON)
    pdf = batch.pdf.open("rb").read()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == batch.page_count == 2
    text = pdf_text(pdf)
    assert "Åsa Öberg" in text and "Nils Nej" in text and "Erik E-post" not in text
    rows = list(csv.DictReader(io.StringIO(batch.manifest.open("rb").read().decode("utf-8"))))
    assert [(r["sequence"], r["letter_id"], r["first_page"], r["pages"]) for r in rows] == [
        ("1", str(first.pk), "1", "1"), ("2", str(second.pk), "2", "1")]
    assert rows[0]["name"] == "Åsa Öberg" and rows[0]["postal_code"] == "123 45" and rows[0]["city"] == "Västerås"
    assert rows[0]["ocr_reference"] == first.ocr_reference and rows[0]["total"] == str(first.total)
    assert rows[0]["sha256"] == first.sha256
    assert set(LetterDelivery.objects.filter(batch=batch).values_list("letter_id", flat=True)) == {first.pk, second.pk}
    assert not LetterDelivery.objects.filter(letter__in=[by_email, waiting, later]).exists()
    assert claim_case.events.filter(code="letters.letter.printed").count() == 1

    assert print_batch_build(creditor=scoped, day=SENT_ON) == batch  # the same day again: the same batch
    assert PrintBatch.objects.count() == 1
    next_day = print_batch_build(creditor=scoped, day=SENT_ON + datetime.timedelta(days=1))
    # `later`, and `by_email`, which nobody e-mailed in a day; `waiting` is still not rendered
    assert set(next_day.deliveries.values_list("letter_id", flat=True)) == {later.pk, by_email.pk}
    assert waiting.status == LetterStatus.PENDING


def test_nothing_to_print_builds_no_batch(scoped):
    assert print_batch_build(creditor=scoped, day=SENT_ON) is None


def test_deliver_letters_command(scoped, claim_case, consenting, other_creditor):
    rendered(claim_case)
    rendered(consenting)
    out = StringIO()
    call_command("deliver_letters", "--date", SENT_ON.isoformat(), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("2026-11-23 acme: e-mailed 1; print batch 1 letters, 1 pages: ")
    assert lines[0].endswith("2026-11-23-acme.pdf")
    assert lines[1] == "2026-11-23 other: e-mailed 0; no print batch"


def test_the_beat_delivers_letters_every_day():
    from config.celery import app
    from letters.tasks import deliver_all_letters

    assert app.conf.beat_schedule["daily-letter-delivery"]["task"] == deliver_all_letters.name


def test_a_letter_the_mail_server_refused_goes_by_post_the_next_day(scoped, consenting, settings):
    settings.EMAIL_BACKEND = "tests.letters.test_delivery.RefusingBackend"
    letter = rendered(consenting)
    assert letters_email_pending(creditor_id=scoped.pk) == 0
    assert not LetterDelivery.objects.filter(letter=letter).exists()
    assert print_batch_build(creditor=scoped, day=SENT_ON) is None  # the same day: e-mail may still go
    batch = print_batch_build(creditor=scoped, day=SENT_ON + datetime.timedelta(days=1))
    assert batch.letter_count == 1 and LetterDelivery.objects.get(letter=letter).channel == Channel.PRINT


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
