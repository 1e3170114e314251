"""Delivery: e-mail where the debtor has an address and has agreed, a daily print batch for the rest.

Each letter is delivered once (LetterDelivery is one-to-one with the letter), recorded
with its channel and time, and leaves a case event. A print batch is one PDF — the
archived letters, byte for byte, one after another — and a manifest CSV telling the
mail house which pages make which letter and where it goes.
"""
import datetime
import hashlib
import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from cases.models import CaseEvent
from core import csvfile
from core.money import format_sek
from debtors.models import Debtor, postal_address_complete

from .context import agency_details
from .models import Channel, Letter, LetterDelivery, LetterStatus, PrintBatch
from .signals import letter_undeliverable
from .event_texts import LETTER_EMAILED, LETTER_PRINTED
from .texts import TITLES

logger = logging.getLogger(__name__)

MANIFEST_FIELDS = ["sequence", "letter_id", "case_id", "kind", "language", "sent_on", "first_page", "pages", "name",
                   "address", "postal_code", "city", "country", "customer_number", "ocr_reference", "total", "sha256"]

EMAIL_BODY = {
    "sv": "Hej,\n\nBifogat finns {title_lower} från {agency} på uppdrag av {creditor}, OCR-nummer {ocr}, "
          "att betala {total} kr{deadline}.\n\nHar du frågor? Svara på det här brevet eller ring {phone}."
          "\n\n{agency}",
    "en": "Hello,\n\nAttached is a {title_lower} from {agency} on behalf of {creditor}, OCR reference {ocr}, "
          "amount to pay {total} kr{deadline}.\n\nQuestions? Reply to this e-mail or call {phone}.\n\n{agency}",
}


def undelivered():
    return Letter.objects.filter(status=LetterStatus.RENDERED, delivery__isnull=True)


def _emailable_debtors(letters) -> set[int]:
    return set(Debtor.objects.filter(cases__letters__in=letters, email_letters_agreed=True)
               .exclude(email="").values_list("pk", flat=True))


def _event(letter: Letter, code: str, at, data: dict) -> CaseEvent:
    """The letter's case event: its sentence is rendered from `data` when shown (`letters.event_texts`)."""
    return CaseEvent(creditor_id=letter.creditor_id, case_id=letter.case_id, at=at, on=timezone.localdate(at),
                     actor="system", code=code, data={"letter": letter.pk, "kind": letter.kind, **data})


def letter_email(*, letter: Letter) -> LetterDelivery | None:
    """E-mail one rendered letter with its PDF attached, if the debtor agreed to e-mail. Once."""
    with transaction.atomic():
        letter = (Letter.objects.select_for_update(of=("self",)).select_related("case__debtor", "creditor")
                  .filter(pk=letter.pk, status=LetterStatus.RENDERED, delivery__isnull=True).first())
        debtor = letter.case.debtor if letter else None
        if debtor is None or not (debtor.email and debtor.email_letters_agreed):
            return None
        language = letter.language if letter.language in EMAIL_BODY else "sv"
        title = TITLES[language][letter.kind]
        agency = agency_details()
        deadline = ""
        if letter.deadline:
            deadline = f" senast {letter.deadline}" if language == "sv" else f" by {letter.deadline}"
        message = EmailMessage(
            subject=f"{title} – {letter.printed['creditor']['name']} – OCR {letter.ocr_reference}",
            body=EMAIL_BODY[language].format(title_lower=title.lower(), agency=agency["name"], ocr=letter.ocr_reference,
                                             creditor=letter.printed["creditor"]["name"], phone=agency["phone"],
                                             total=format_sek(letter.total), deadline=deadline),
            from_email=settings.DEFAULT_FROM_EMAIL, to=[debtor.email], reply_to=[agency["email"]],
        )
        with letter.pdf.open("rb") as stored:
            message.attach(f"{letter.kind}-{letter.ocr_reference}.pdf", stored.read(), "application/pdf")
        # A failure raises and rolls back: the letter stays undelivered. (Should the commit fail
        # after the server took the message, the debtor gets it twice: better than never.)
        message.send()
        now = timezone.now()
        delivery = LetterDelivery.objects.create(creditor_id=letter.creditor_id, letter=letter, channel=Channel.EMAIL,
                                                 at=now, address=debtor.email)
        _event(letter, LETTER_EMAILED, now, {"channel": Channel.EMAIL, "email": debtor.email}).save()
    return delivery


def letters_email_pending(*, creditor_id: int) -> int:
    """E-mail every rendered, undelivered letter whose debtor agreed to e-mail; returns how many went."""
    letters = undelivered().filter(creditor_id=creditor_id)
    emailable = _emailable_debtors(letters)
    sent = 0
    for letter in letters.filter(case__debtor__in=emailable).order_by("id"):
        try:
            sent += letter_email(letter=letter) is not None
        except Exception:  # the mail server refused: the letter stays undelivered, and goes by post tomorrow
            logger.exception("letter %s could not be e-mailed", letter.pk)
    return sent


def has_postal_address(recipient: dict) -> bool:
    return postal_address_complete(*(recipient.get(name) or "" for name in ("address", "postal_code", "city",
                                                                             "country")))


def _unaddressed_held(letters: list[Letter], day: datetime.date) -> None:
    """Letters that can go neither by post nor by e-mail: `letter_undeliverable` tells dunning,
    whose receiver opens an "address missing" work item for an agent, once per case."""
    for letter in letters:
        letter_undeliverable.send(sender=Letter, letter=letter, day=day)


@transaction.atomic
def print_batch_build(*, creditor, day: datetime.date) -> PrintBatch | None:
    """The creditor's print batch for `day`: every rendered letter sent on or before it that is
    neither e-mailed nor printed yet (a letter meant for e-mail only once it is a day late).
    None when nothing waits. Building the same day again returns the batch already built;
    letters rendered after it wait for the next day's."""
    existing = PrintBatch.objects.filter(creditor=creditor, day=day).first()
    if existing:
        return existing
    letters = list(undelivered().select_for_update(of=("self",)).select_related("case")
                   .filter(creditor=creditor, sent_on__lte=day).order_by("id"))
    emailable = _emailable_debtors(Letter.objects.filter(pk__in=[letter.pk for letter in letters]))
    # A letter without a postal address is never printed: the mail house cannot deliver it.
    # One for e-mail waits for the e-mail; any other opens an "address missing" item.
    unaddressed = [letter for letter in letters if not has_postal_address(letter.recipient)]
    _unaddressed_held([letter for letter in unaddressed if letter.case.debtor_id not in emailable], day)
    letters = [letter for letter in letters if has_postal_address(letter.recipient)]
    # A letter for e-mail that is still undelivered a day after it was sent goes by post.
    letters = [letter for letter in letters if letter.case.debtor_id not in emailable or letter.sent_on < day]
    if not letters:
        return None
    writer, manifest, page = PdfWriter(), io.StringIO(), 1
    # Someone at the mail house opens the manifest in a spreadsheet: a debtor's name or
    # address that begins like a formula is written as text (core.csvfile).
    rows = csvfile.DictWriter(manifest, fieldnames=MANIFEST_FIELDS)
    rows.writeheader()
    for sequence, letter in enumerate(letters, start=1):
        with letter.pdf.open("rb") as stored:
            reader = PdfReader(io.BytesIO(stored.read()))
        writer.append(reader)
        recipient = letter.recipient
        rows.writerow({
            "sequence": sequence, "letter_id": letter.pk, "case_id": letter.case_id, "kind": letter.kind,
            "language": letter.language, "sent_on": letter.sent_on.isoformat(), "first_page": page,
            "pages": len(reader.pages), "name": recipient.get("name", ""), "address": recipient.get("address", ""),
            "postal_code": recipient.get("postal_code", ""), "city": recipient.get("city", ""),
            "country": recipient.get("country", ""), "customer_number": recipient.get("customer_number", ""),
            "ocr_reference": letter.ocr_reference, "total": letter.total, "sha256": letter.sha256})
        page += len(reader.pages)
    out = io.BytesIO()
    writer.write(out)
    data = out.getvalue()
    batch = PrintBatch(creditor=creditor, day=day, sha256=hashlib.sha256(data).hexdigest(), letter_count=len(letters),
                       page_count=page - 1)
    stem = f"{creditor.pk}/{day.isoformat()}-{creditor.slug}"
    batch.pdf.save(f"{stem}.pdf", ContentFile(data), save=False)
    batch.manifest.save(f"{stem}.csv", ContentFile(manifest.getvalue().encode("utf-8")), save=False)
    batch.save()
    now = timezone.now()
    LetterDelivery.objects.bulk_create([
        LetterDelivery(creditor_id=creditor.pk, letter=letter, channel=Channel.PRINT, at=now, batch=batch)
        for letter in letters])
    CaseEvent.objects.bulk_create([
        _event(letter, LETTER_PRINTED, now, {"channel": Channel.PRINT, "batch": batch.pk, "day": day.isoformat()})
        for letter in letters])
    return batch
