"""The agents' workspace as its users meet it: agency staff across creditors, nobody else."""
import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Payment
from cases.stages import HoldReason, Stage
from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, Role
from creditors.services import membership_add
from debtors.models import Category
from dunning.balances import case_balance
from dunning.holds import case_dispute
from dunning.models import DisputeDocument, Outcome, PaymentOrderFiling, QueueItem, QueueKind
from dunning.queue import queue_decide
from payments.services import payment_register
from tests.cycling import reload, run_days
from tests.factories import DebtorFactory, make_case
from tests.portal.members import sign_in_user

PASSWORD = "a-long-demo-password"
D = datetime.date
DUE, CALL = D(2026, 3, 2), D(2026, 4, 17)  # the VIP ladder's call (tests/dunning/test_call_outcomes.py)
ADDRESS = {"address": "Storgatan 12", "postal_code": "123 45", "city": "Västerås", "phone": "070-123 45 67"}


def person(email, role=None):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    if role:
        AgencyStaff.objects.create(user=user, role=role)
    return user


def signed_in(client, user):
    return sign_in_user(client, user)


@pytest.fixture
def agent(db):
    return person("agent@fordra.demo", AgencyRole.AGENT)


@pytest.fixture
def vip_call(creditor, agent):
    """A VIP's phone call, queued by the ladder before any collection demand."""
    with creditor_scope(creditor):
        debtor = DebtorFactory(creditor=creditor, name="Vera Viktig", vip=True, category=Category.VIP, **ADDRESS)
        case = make_case(creditor, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True)
        run_days(creditor, DUE, CALL)
        return QueueItem.objects.get(case=case, kind=QueueKind.PHONE_CALL, outcome="")


def other_item(other_creditor, kind=QueueKind.DISPUTE_REVIEW):
    with creditor_scope(other_creditor):
        case = make_case(other_creditor, amount="700.00",
                         debtor=DebtorFactory(creditor=other_creditor, name="Olle Annan"))
        return QueueItem.objects.create(creditor=other_creditor, case=case, kind=kind, created_on=D(2026, 11, 2),
                                        due_on=D(2026, 11, 2))


def test_agents_land_on_one_queue_across_creditors(client, agent, vip_call, other_creditor):
    other = other_item(other_creditor)
    browser = signed_in(client, agent)
    landing = browser.get("/")
    assert landing.status_code == 302 and landing["Location"] == "/agent/"
    page = browser.get("/agent/").content.decode()
    assert "Vera Viktig" in page and "Olle Annan" in page
    assert f"/agent/items/{vip_call.pk}/" in page and f"/agent/items/{other.pk}/" in page
    assert page.index("Vera Viktig") < page.index("Olle Annan")  # April's call before November's dispute
    narrowed = browser.get(f"/agent/?creditor={other_creditor.pk}").content.decode()
    assert "Olle Annan" in narrowed and "Vera Viktig" not in narrowed
    counts = browser.get("/agent/?kind=phone_call").content.decode()
    assert "Telefonsamtal <strong>1</strong>" in counts and "Bestridande <strong>1</strong>" in counts


def test_nobody_but_agency_staff_opens_the_agents_pages(client, creditor, vip_call):
    with creditor_scope(creditor):
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.ADMIN, password=PASSWORD).user
    browser = signed_in(client, staff)
    for url in ("/agent/", f"/agent/items/{vip_call.pk}/", "/agent/payments/"):
        assert browser.get(url).status_code == 404, url
    for url in ("/agent/next", f"/agent/items/{vip_call.pk}/decide", f"/agent/items/{vip_call.pk}/claim"):
        assert browser.post(url, {"outcome": "no_agreement"}).status_code == 404, url
    assert QueueItem.objects.with_scopes_disabled().get(pk=vip_call.pk).outcome == ""
    client.logout()
    assert client.get("/agent/").status_code == 302  # to the sign-in page


def test_an_auditor_looks_and_changes_nothing(client, vip_call):
    browser = signed_in(client, person("audit@fordra.demo", AgencyRole.AUDITOR))
    assert browser.get("/agent/").status_code == 200
    page = browser.get(f"/agent/items/{vip_call.pk}/").content.decode()
    assert "Vera Viktig" in page and "Spara utfallet" not in page and "Ta uppgiften" not in page
    assert browser.post("/agent/next").status_code == 403
    assert browser.post(f"/agent/items/{vip_call.pk}/decide", {"outcome": "no_agreement"}).status_code == 403
    assert QueueItem.objects.with_scopes_disabled().get(pk=vip_call.pk).outcome == ""


def test_an_agent_takes_the_vip_call_records_a_promise_and_the_creditor_sees_it(client, creditor, agent, vip_call):
    browser = signed_in(client, agent)
    taken = browser.post("/agent/next")
    assert taken.status_code == 302 and taken["Location"] == f"/agent/items/{vip_call.pk}/"
    page = browser.get(taken["Location"]).content.decode()
    assert "070-123 45 67" in page and "Vera Viktig" in page
    assert "relationen består" in page  # the VIP's courteous script
    assert "Din till" in page
    until = timezone.localdate() + datetime.timedelta(days=10)
    decided = browser.post(f"/agent/items/{vip_call.pk}/decide", {
        "outcome": "promised", "promise_on": until.isoformat(), "promise_amount": "1 000,00",
        "note": "Betalar efter lön"}, follow=True)
    assert "avgjord, betalningslöfte" in decided.content.decode()
    with creditor_scope(creditor):
        case = reload(vip_call.case)
        assert (case.stage, case.hold_reason, case.hold_until) == (Stage.ON_HOLD, HoldReason.PROMISE, until)
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD).user
    client.logout()
    case_page = signed_in(client, staff).get(f"/cases/{case.pk}/").content.decode()
    assert "Betalningslöfte" in case_page and "agent@fordra.demo" in case_page


def test_a_promise_without_a_date_is_refused_in_swedish_and_nothing_is_stored(client, agent, vip_call):
    browser = signed_in(client, agent)
    answer = browser.post(f"/agent/items/{vip_call.pk}/decide", {"outcome": "promised", "promise_amount": "100"},
                          follow=True).content.decode()
    assert "Inget sparades. Ett betalningslöfte behöver ett datum." in answer
    assert QueueItem.objects.with_scopes_disabled().get(pk=vip_call.pk).outcome == ""


def test_an_item_another_agent_holds_is_theirs(client, agent, vip_call):
    browser = signed_in(client, agent)
    browser.post(f"/agent/items/{vip_call.pk}/claim")
    client.logout()
    other = signed_in(client, person("agent2@fordra.demo", AgencyRole.AGENT))
    page = other.get(f"/agent/items/{vip_call.pk}/").content.decode()
    assert "agent@fordra.demo arbetar med uppgiften" in page and "Spara utfallet" not in page
    answer = other.post(f"/agent/items/{vip_call.pk}/decide", {"outcome": "no_agreement"}, follow=True)
    assert "Inget sparades: agent@fordra.demo arbetar med uppgiften till kl." in answer.content.decode()
    assert QueueItem.objects.with_scopes_disabled().get(pk=vip_call.pk).outcome == ""


def test_a_supervisor_approves_a_payment_order_an_agent_cannot(client, creditor, agent):
    with creditor_scope(creditor):
        case = make_case(creditor, amount="1000.00", due_date=DUE, reminder_fee_agreed=True,
                         debtor=DebtorFactory(creditor=creditor, **ADDRESS))
        run_days(creditor, DUE, D(2026, 4, 27))
        review = QueueItem.objects.get(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    browser = signed_in(client, agent)
    assert "Bara en arbetsledare" in browser.get(f"/agent/items/{review.pk}/").content.decode()
    refused = browser.post(f"/agent/items/{review.pk}/decide", {"outcome": "approved"}, follow=True)
    assert "Inget sparades: bara en arbetsledare får välja utfallet ”godkänd”." in refused.content.decode()
    assert QueueItem.objects.with_scopes_disabled().get(pk=review.pk).outcome == ""
    client.logout()
    boss = signed_in(client, person("boss@fordra.demo", AgencyRole.SUPERVISOR))
    assert boss.post("/agent/next")["Location"] == f"/agent/items/{review.pk}/"
    boss.post(f"/agent/items/{review.pk}/decide", {"outcome": "approved", "note": "Underlaget är komplett"})
    assert QueueItem.objects.with_scopes_disabled().get(pk=review.pk).outcome == Outcome.APPROVED
    with creditor_scope(creditor):
        run_days(creditor, timezone.localdate(), timezone.localdate() + datetime.timedelta(days=4))
        assert reload(case).stage == Stage.LEGAL


def test_an_address_ends_the_address_missing_item(client, agent, other_creditor):
    item = other_item(other_creditor, kind=QueueKind.ADDRESS_MISSING)
    browser = signed_in(client, agent)
    browser.post(f"/agent/items/{item.pk}/address",
                 {"address": "Hamngatan 3", "postal_code": "211 20", "city": "Malmö", "email": ""})
    with creditor_scope(other_creditor):
        closed = QueueItem.objects.get(pk=item.pk)
        assert closed.outcome == Outcome.ADDRESS_SET
        assert closed.case.debtor.city == "Malmö"


def test_an_unknown_item_is_not_found(client, agent):
    browser = signed_in(client, agent)
    assert browser.get("/agent/items/999999/").status_code == 404
    assert browser.post("/agent/items/999999/decide", {"outcome": "no_agreement"}).status_code == 404


def test_an_unmatched_payment_goes_only_to_its_own_creditors_case(client, creditor, other_creditor, agent):
    with creditor_scope(creditor):
        mine = make_case(creditor, amount="300.00")
    with creditor_scope(other_creditor):
        theirs = make_case(other_creditor, amount="300.00")
    payment = Payment.objects.create(creditor=creditor, amount=Decimal("300.00"), paid_on=D(2026, 11, 20),
                                     source="bgmax", ocr_reference="999", payer="Kund AB",
                                     unmatched_reason="OCR-referensen finns inte")
    browser = signed_in(client, agent)
    listing = browser.get("/agent/payments/?q=300,00").content.decode()
    assert "Kund AB" in listing
    found = browser.get(f"/agent/payments/{payment.pk}/?q={mine.ocr_reference}").content.decode()
    assert mine.ocr_reference in found
    elsewhere = browser.get(f"/agent/payments/{payment.pk}/?q={theirs.ocr_reference}").content.decode()
    assert "Inget öppet ärende matchar" in elsewhere and "Other Handel AB" not in elsewhere
    refused = browser.post(f"/agent/payments/{payment.pk}/assign", {"case": str(theirs.pk)}, follow=True)
    assert "inget ärende har det numret" in refused.content.decode()
    assert Payment.objects.with_scopes_disabled().get(pk=payment.pk).case_id is None
    browser.post(f"/agent/payments/{payment.pk}/assign", {"case": mine.ocr_reference})
    assert Payment.objects.with_scopes_disabled().get(pk=payment.pk).case_id == mine.pk
    with creditor_scope(creditor):  # allocated as any payment: its entries on the case's book add up to it
        assert sum(e.amount for e in mine.entries.filter(payment=payment)) == Decimal("-300.00")


def test_a_supervisor_writes_a_disputed_claim_down_from_the_page(client, creditor):
    with creditor_scope(creditor):
        case = make_case(creditor, amount="1000.00", due_date=DUE, debtor=DebtorFactory(creditor=creditor, **ADDRESS))
        case_dispute(case=case, on=D(2026, 3, 20), text="Halva leveransen kom aldrig")
        item = QueueItem.objects.get(case=case, kind=QueueKind.DISPUTE_REVIEW)
    boss = signed_in(client, person("boss@fordra.demo", AgencyRole.SUPERVISOR))
    page = boss.get(f"/agent/items/{item.pk}/").content.decode()
    assert "Skrivs ned med (kr)" in page and "Kravet krediteras" in page
    missing = boss.post(f"/agent/items/{item.pk}/decide", {"outcome": "written_down"}, follow=True).content.decode()
    assert "Ange hur mycket kravet skrivs ned." in missing
    boss.post(f"/agent/items/{item.pk}/decide", {"outcome": "written_down", "write_down": "400,00"})
    with creditor_scope(creditor):
        assert [e.amount for e in case.entries.filter(kind="credit")] == [Decimal("-400.00")]
        assert reload(case).stage == Stage.REMINDER


def test_an_agent_confirms_a_possible_duplicate_and_it_leaves_the_list(client, creditor, agent):
    with creditor_scope(creditor):
        case = make_case(creditor, amount="1000.00")
        earlier = payment_register(case=case, amount=Decimal("300.00"), paid_on=D(2026, 11, 2), payer="Kund AB")
    repeat = Payment.objects.create(creditor=creditor, amount=Decimal("300.00"), paid_on=D(2026, 11, 2),
                                    source="csv", payer="Kund AB", duplicate_of=earlier)
    browser = signed_in(client, agent)
    page = browser.get(f"/agent/payments/{repeat.pk}/").content.decode()
    assert "Samma betalning igen" in page and f"fördela på ärende {case.pk}" in page
    browser.post(f"/agent/payments/{repeat.pk}/duplicate")
    assert Payment.objects.with_scopes_disabled().get(pk=repeat.pk).duplicate_confirmed_on is not None
    assert "Kund AB" not in browser.get("/agent/payments/").content.decode()
    assert browser.get(f"/agent/payments/{repeat.pk}/").status_code == 404


def test_a_disputes_document_is_seen_only_by_those_who_may_see_the_case(client, creditor, other_creditor, agent,
                                                                        settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with creditor_scope(creditor):
        case = make_case(creditor, debtor=DebtorFactory(creditor=creditor, **ADDRESS))
        case_dispute(case=case, on=D(2026, 3, 20), text="Fel vara")
        item = QueueItem.objects.get(case=case, kind=QueueKind.DISPUTE_REVIEW)
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD).user
    with creditor_scope(other_creditor):
        stranger = membership_add(creditor=other_creditor, email="staff@other.se", role=Role.STAFF,
                                  password=PASSWORD).user
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
    browser = signed_in(client, agent)
    refused = browser.post(f"/agent/items/{item.pk}/documents",
                           {"file": SimpleUploadedFile("virus.pdf", b"MZ" + b"\0" * 50)}, follow=True)
    assert "Inget sparades: ett dokument är en PDF, PNG eller JPEG" in refused.content.decode()
    browser.post(f"/agent/items/{item.pk}/documents", {"file": SimpleUploadedFile("följesedel.pdf", pdf),
                                                       "note": "Kvitterad av kunden"})
    document = DisputeDocument.objects.with_scopes_disabled().get()
    assert "följesedel.pdf" in browser.get(f"/agent/items/{item.pk}/").content.decode()
    served = browser.get(f"/agent/documents/{document.pk}")
    assert served.status_code == 200 and b"".join(served.streaming_content) == pdf
    assert served["Content-Type"] == "application/pdf" and served["Content-Security-Policy"].startswith("sandbox")
    client.logout()
    own = signed_in(client, staff)
    assert "Kvitterad av kunden" in own.get(f"/cases/{case.pk}/").content.decode()
    assert own.get(f"/cases/{case.pk}/documents/{document.pk}").status_code == 200
    assert own.get(f"/agent/documents/{document.pk}").status_code == 404
    client.logout()
    other = signed_in(client, stranger)
    assert other.get(f"/cases/{case.pk}/documents/{document.pk}").status_code == 404
    client.logout()
    auditor = signed_in(client, person("audit@fordra.demo", AgencyRole.AUDITOR))
    assert auditor.post(f"/agent/items/{item.pk}/documents", {"file": SimpleUploadedFile("a.pdf", pdf)}).status_code \
        == 403


def test_a_payment_order_review_shows_the_application_as_a_page_a_pdf_and_a_file(client, creditor, agent,
                                                                                 vip_call):
    with creditor_scope(creditor):
        case = make_case(creditor, amount="2500.00", due_date=DUE, reminder_fee_agreed=True,
                         debtor=DebtorFactory(creditor=creditor, identity_number="19811218-9876", **ADDRESS))
        run_days(creditor, DUE, D(2026, 4, 27))
        review = QueueItem.objects.get(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW)
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD).user
    browser = signed_in(client, agent)
    page = browser.get(f"/agent/items/{review.pk}/").content.decode()
    assert "Ansökan om betalningsföreläggande" in page and "Ansökningsavgift" in page
    pdf = browser.get(f"/agent/items/{review.pk}/application.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    data = browser.get(f"/agent/items/{review.pk}/application.json").json()
    assert data["delkrav"][0]["kapitalbelopp"] == "2500.00"
    assert browser.get(f"/agent/items/{vip_call.pk}/application.json").status_code == 404  # a call has none
    client.logout()
    assert signed_in(client, staff).get(f"/agent/items/{review.pk}/application.pdf").status_code == 404


def test_approved_applications_are_listed_for_filing_and_their_status_recorded(client, creditor, agent):
    with creditor_scope(creditor):
        case = make_case(creditor, amount="2500.00", due_date=DUE, reminder_fee_agreed=True,
                         debtor=DebtorFactory(creditor=creditor, name="Lars Lagsson", **ADDRESS))
        run_days(creditor, DUE, D(2026, 4, 27))
        review = QueueItem.objects.get(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    boss = signed_in(client, person("boss@fordra.demo", AgencyRole.SUPERVISOR))
    boss.post(f"/agent/items/{review.pk}/decide", {"outcome": "approved"})
    client.logout()
    browser = signed_in(client, agent)
    listing = browser.get("/agent/legal/").content.decode()
    assert "Lars Lagsson" in listing and "Att ge in" in listing
    filing = PaymentOrderFiling.objects.with_scopes_disabled().get()
    assert browser.get(f"/agent/legal/{filing.pk}/application.json").json()["svarande"][0]["name"] == "Lars Lagsson"
    browser.post(f"/agent/legal/{filing.pk}/status", {"status": "filed", "reference": "4711-26"})
    filing.refresh_from_db()
    assert (filing.status, filing.reference) == ("filed", "4711-26")
    assert "Lars Lagsson" not in browser.get("/agent/legal/").content.decode()
    assert "4711-26" in browser.get("/agent/legal/?status=filed").content.decode()
    skipped = browser.post(f"/agent/legal/{filing.pk}/status", {"status": "enforcement"}, follow=True)
    assert "Inget sparades" in skipped.content.decode()
    client.logout()
    auditor = signed_in(client, person("audit@fordra.demo", AgencyRole.AUDITOR))
    assert auditor.post(f"/agent/legal/{filing.pk}/status", {"status": "decided"}).status_code == 403


def test_the_queue_shows_what_a_named_agent_holds(client, agent, vip_call, other_creditor):
    other_item(other_creditor)
    colleague = person("agent2@fordra.demo", AgencyRole.AGENT)
    signed_in(client, colleague).post(f"/agent/items/{vip_call.pk}/claim")
    client.logout()
    browser = signed_in(client, agent)
    page = browser.get(f"/agent/?who={colleague.pk}").content.decode()
    assert "agent2@fordra.demo</option>" in page
    assert "Vera Viktig" in page and "Olle Annan" not in page
    free = browser.get("/agent/?who=free").content.decode()
    assert "Olle Annan" in free and "Vera Viktig" not in free


def test_a_supervisor_assigns_an_item_from_its_page(client, agent, vip_call):
    boss = signed_in(client, person("boss@fordra.demo", AgencyRole.SUPERVISOR))
    assert "Tilldela" in boss.get(f"/agent/items/{vip_call.pk}/").content.decode()
    boss.post(f"/agent/items/{vip_call.pk}/assign", {"agent": agent.pk})
    assert QueueItem.objects.with_scopes_disabled().get(pk=vip_call.pk).claimed_by == agent
    client.logout()
    page = signed_in(client, agent).get(f"/agent/items/{vip_call.pk}/").content.decode()
    assert "Din till" in page and "Tilldela" not in page  # an agent hands nothing out
    assert client.post(f"/agent/items/{vip_call.pk}/assign", {"agent": agent.pk}, follow=True).content.decode() \
        .count("Inget sparades: bara en arbetsledare fördelar uppgifter.") == 1


def test_a_broken_promise_comes_back_to_an_agent_who_agrees_a_plan(client, creditor, agent, vip_call):
    with creditor_scope(creditor):
        queue_decide(item=vip_call, outcome=Outcome.PROMISED, on=CALL, actor="user:agent@fordra.demo",
                     promise=(D(2026, 5, 8), Decimal("1000.00")))
        run_days(creditor, CALL, D(2026, 5, 12))  # Friday 8 May + two bank days: broken
    follow_up = QueueItem.objects.with_scopes_disabled().get(case=vip_call.case, kind=QueueKind.PROMISE_BROKEN)
    browser = signed_in(client, agent)
    assert "Brutet betalningslöfte <strong>1</strong>" in browser.get("/agent/").content.decode()
    taken = browser.post("/agent/next")
    assert taken["Location"] == f"/agent/items/{follow_up.pk}/"
    page = browser.get(taken["Location"]).content.decode()
    assert "hölls inte" in page and "relationen består" in page  # the note, and the VIP's script
    assert "Inget svar (stegen har redan gått vidare)" in page and 'value="waived"' not in page
    decided = browser.post(f"/agent/items/{follow_up.pk}/decide", {
        "outcome": "payment_plan", "instalments": _plan_text(creditor, vip_call.case)}, follow=True)
    assert "avgjord, avbetalningsplan" in decided.content.decode()
    with creditor_scope(creditor):
        case = reload(vip_call.case)
        assert (case.stage, case.hold_reason, case.resume_stage) == (Stage.ON_HOLD, HoldReason.PAYMENT_PLAN,
                                                                     Stage.COLLECTION)


def _plan_text(creditor, case) -> str:
    """Two instalments from next month that add up to what the case owes today, as an agent types them."""
    with creditor_scope(creditor):
        owed = case_balance(reload(case), as_of=timezone.localdate()).total
    first = timezone.localdate() + datetime.timedelta(days=30)
    half = (owed / 2).quantize(Decimal("1"))
    return f"{first.isoformat()} {half:.2f}\n{(first + datetime.timedelta(days=31)).isoformat()} {owed - half:.2f}"


def test_a_promise_over_the_debt_is_refused_in_the_agents_language(client, creditor, agent, vip_call):
    """The service's refusal (`promise_amount_range`) is said in words, with the amount owed in Swedish
    form, and in English for an agent who chose English."""
    with creditor_scope(creditor):
        owed = case_balance(vip_call.case, as_of=timezone.localdate()).total
    browser = signed_in(client, agent)
    until = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    over = {"outcome": "promised", "promise_on": until, "promise_amount": "99 000,00"}
    page = browser.post(f"/agent/items/{vip_call.pk}/decide", over, follow=True).content.decode()
    shown = f"{owed:,.2f}".replace(",", " ").replace(".", ",")
    assert (f"Inget sparades: ett betalningslöfte är mer än 0 och högst det som är skuld ({shown} kr)."
            in page.replace("\xa0", " "))
    browser.post("/language", {"language": "en", "next": "/agent/"})
    page = browser.post(f"/agent/items/{vip_call.pk}/decide", over, follow=True).content.decode()
    assert f"Nothing was saved: a promise to pay is more than 0 and at most what is owed ({shown} kr)." in \
        page.replace("\xa0", " ")
    assert QueueItem.objects.with_scopes_disabled().get(pk=vip_call.pk).outcome == ""
