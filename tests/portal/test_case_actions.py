"""What the creditor's staff do to a case from its page, and who may."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case, CaseEvent, Payment
from cases.stages import ClosedReason, HoldReason, Stage
from cases.timeline import event_text
from core.tenancy import creditor_scope
from creditors.models import Role
from cycle.run import run_cycle
from dunning.balances import case_letter_record
from dunning.models import DisputeDocument, QueueItem, QueueKind
from letters.models import Letter, LetterKind
from letters.rendering import letter_render
from tests.factories import make_case
from tests.portal.members import sign_in

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def browser(client, creditor):
    return sign_in(client, creditor, Role.STAFF)


@pytest.fixture
def case(creditor):
    return make_case(creditor, amount="1000.00", due_date=timezone.localdate() - datetime.timedelta(days=20))


def reload(case):
    with creditor_scope(case.creditor_id):
        return Case.objects.get(pk=case.pk)


def events(case, code):
    with creditor_scope(case.creditor_id):
        return [event_text(event) for event in CaseEvent.objects.filter(case=case, code=code)]


def said(response) -> str:
    return response.content.decode().replace("\u00a0", " ")


def test_a_pause_with_a_reason_and_a_date_ends_by_itself(browser, case):
    today = timezone.localdate()
    until = today + datetime.timedelta(days=14)
    page = said(browser.post(f"/cases/{case.pk}/pause", {"note": "Kunden förhandlar om kreditnota",
                                                         "until": until.isoformat()}, follow=True))
    assert f"Ärendet är pausat till {until.isoformat()}." in page
    paused = reload(case)
    assert (paused.stage, paused.hold_reason, paused.hold_until) == (Stage.ON_HOLD, HoldReason.PAUSED, until)
    assert f"Pausat av borgenären till {until}: Kunden förhandlar om kreditnota" in page
    day = until
    while run_cycle(creditor=case.creditor, day=day).pauses_ended == 0:  # the first bank day from `until`
        day += datetime.timedelta(days=1)
    resumed = reload(case)
    assert resumed.stage == Stage.REMINDER and resumed.hold_until is None


def test_a_pause_without_a_reason_or_in_the_past_is_refused_in_swedish(browser, case):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page = said(browser.post(f"/cases/{case.pk}/pause", {"note": "", "until": yesterday.isoformat()}, follow=True))
    assert "Inget sparades. Varför: Skriv varför ärendet pausas." in page
    assert "En paus varar till en dag efter i dag." in page
    assert reload(case).stage == Stage.REMINDER


def test_a_paused_case_is_resumed_from_its_page(browser, case):
    browser.post(f"/cases/{case.pk}/pause", {"note": "Vänta"})
    page = said(browser.post(f"/cases/{case.pk}/resume", follow=True))
    assert "Ärendet är återupptaget" in page and reload(case).stage == Stage.REMINDER


def test_withdrawing_needs_a_yes(browser, case):
    assert "Kryssa i att ni vill återkalla kravet." in said(browser.post(f"/cases/{case.pk}/withdraw", follow=True))
    assert reload(case).stage == Stage.REMINDER
    browser.post(f"/cases/{case.pk}/withdraw", {"confirm": "on"})
    closed = reload(case)
    assert (closed.stage, closed.closed_reason) == (Stage.CLOSED, ClosedReason.WITHDRAWN)


def test_a_payment_the_creditor_received_is_allocated(browser, case):
    today = timezone.localdate()
    page = said(browser.post(f"/cases/{case.pk}/payment", {"amount": "400,00", "paid_on": today.isoformat(),
                                                           "reference": "Swish 12"}, follow=True))
    assert "Betalningen på 400,00 kr är registrerad och fördelad." in page
    assert '<td data-label="Referens">Swish 12</td>' in page  # the case's payments, listed
    with creditor_scope(case.creditor_id):
        payment = Payment.objects.get(case=case)
    assert (payment.amount, payment.paid_on, payment.reference) == (Decimal("400.00"), today, "Swish 12")
    future = said(browser.post(f"/cases/{case.pk}/payment", {"amount": "tusen", "paid_on": "2999-01-01"},
                               follow=True))
    assert "Ange ett belopp i kronor" in future and "En betalning kan inte ha kommit in i framtiden." in future
    with creditor_scope(case.creditor_id):
        assert Payment.objects.filter(case=case).count() == 1


def test_a_dispute_with_its_document_waits_for_an_agent_and_the_creditor_answers_it(browser, case):
    page = said(browser.post(f"/cases/{case.pk}/dispute", {
        "text": "Kunden säger att varan aldrig kom",
        "document": SimpleUploadedFile("mejl.pdf", PDF, content_type="application/pdf")}, follow=True))
    assert "Bestridandet är registrerat" in page and "Svara på bestridandet" in page
    disputed = reload(case)
    assert (disputed.stage, disputed.hold_reason) == (Stage.ON_HOLD, HoldReason.DISPUTE)
    with creditor_scope(case.creditor_id):
        assert QueueItem.objects.get(case=case, kind=QueueKind.DISPUTE_REVIEW).outcome == ""
        assert DisputeDocument.objects.get(case=case).name == "mejl.pdf"
    refused = said(browser.post(f"/cases/{case.pk}/resume", follow=True))
    assert "Inget sparades: ett bestritt ärende återupptas när en handläggare har avgjort" in refused
    answered = said(browser.post(f"/cases/{case.pk}/dispute", {"text": "Leveransen är kvitterad 3 mars"},
                                 follow=True))
    assert "Svaret är sparat med bestridandet." in answered
    assert events(case, "dunning.dispute.answered") == [
        "Borgenären svarar på bestridandet: Leveransen är kvitterad 3 mars"]


def test_a_note_goes_on_the_timeline(browser, case):
    page = said(browser.post(f"/cases/{case.pk}/note", {"text": "Ringde kunden, lovar återkomma"}, follow=True))
    assert "Anteckning: Ringde kunden, lovar återkomma" in page and "staff@acme.se" in page
    assert "Skriv anteckningen." in said(browser.post(f"/cases/{case.pk}/note", {"text": "  "}, follow=True))


def test_a_letter_opens_as_the_pdf_that_was_sent(browser, case, other_creditor):
    with creditor_scope(case.creditor_id):
        letter = Letter.objects.create(**case_letter_record(case=case, kind=LetterKind.REMINDER,
                                                            sent_on=timezone.localdate(),
                                                            deadline=timezone.localdate() + datetime.timedelta(10)))
        letter_render(letter_id=letter.pk)
    assert f"/cases/{case.pk}/letters/{letter.pk}.pdf" in said(browser.get(f"/cases/{case.pk}/"))
    response = browser.get(f"/cases/{case.pk}/letters/{letter.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with creditor_scope(case.creditor_id):
        assert response.content == Letter.objects.get(pk=letter.pk).pdf.read()
    other_case = make_case(case.creditor)
    assert browser.get(f"/cases/{other_case.pk}/letters/{letter.pk}.pdf").status_code == 404
    theirs = make_case(other_creditor)
    assert browser.get(f"/cases/{theirs.pk}/letters/{letter.pk}.pdf").status_code == 404


ACTIONS = {"pause": {"note": "x"}, "resume": {}, "withdraw": {"confirm": "on"}, "note": {"text": "x"},
           "payment": {"amount": "1", "paid_on": "2026-01-02"}, "dispute": {"text": "x"}}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_read_only_member_changes_nothing(client, creditor, case, action):
    browser = sign_in(client, creditor, Role.READ_ONLY, email="reader@acme.se")
    assert "Åtgärder" not in said(browser.get(f"/cases/{case.pk}/"))
    before = len(events(case, "cases.stage.changed")), len(events(case, "cases.note.added"))
    assert browser.post(f"/cases/{case.pk}/{action}", ACTIONS[action]).status_code == 403
    assert (len(events(case, "cases.stage.changed")), len(events(case, "cases.note.added"))) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_another_creditors_case_is_not_found(browser, other_creditor, action):
    theirs = make_case(other_creditor)
    assert browser.post(f"/cases/{theirs.pk}/{action}", ACTIONS[action]).status_code == 404
    assert browser.post(f"/cases/999999/{action}", ACTIONS[action]).status_code == 404
    assert reload(theirs).stage == Stage.REMINDER


def test_what_cannot_be_done_to_a_case_is_said_in_swedish(browser, case):
    browser.post(f"/cases/{case.pk}/pause", {"note": "Vänta på kreditnota"})
    said_then = said(browser.post(f"/cases/{case.pk}/dispute", {"text": "Fel pris"}, follow=True))
    assert ("Inget sparades: ärendet vilar (pausat av borgenären); återuppta det innan ett bestridande "
            "registreras.") in said_then
    browser.post(f"/cases/{case.pk}/withdraw", {"confirm": "on"})
    for action, data, refusal in (("pause", {"note": "x"}, "ärendet vilar redan eller är avslutat"),
                                  ("withdraw", {"confirm": "on"}, "ärendet är redan avslutat."),
                                  ("resume", {}, "ärendet vilar inte; det finns inget att återuppta.")):
        assert f"Inget sparades: {refusal}" in said(browser.post(f"/cases/{case.pk}/{action}", data, follow=True))
