"""A creditor's finance team at work, in a real browser: a ledger with a bad row is reported
and a good one imported, a case is found by its OCR reference, its letter opened and the
case paused, and a policy edit that breaks the law is refused. Every page is looked at on a
desktop and on a phone (390 px): nothing may scroll sideways, and "Logga ut" stays in reach.

FORDRA_SCREENSHOTS=folder keeps a screenshot of each page there, to look at."""
import datetime

import pytest
from django.utils import timezone

from cases.models import Case
from cases.stages import HoldReason, Stage
from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from dunning.balances import case_letter_record
from letters.models import Letter, LetterKind
from letters.rendering import letter_render
from tests.factories import DebtorFactory, make_case

from .conftest import looked_at, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-demo-password"
HEADER = "Kundnummer;Namn;Kundtyp;Personnummer;Fakturanummer;Fakturadatum;Förfallodatum;Belopp\n"


def ledger(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode("utf-8")


def test_a_finance_team_imports_finds_pauses_and_is_kept_within_the_law(page, creditor, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    today = timezone.localdate()
    invoiced, due = today - datetime.timedelta(days=60), today - datetime.timedelta(days=30)
    with creditor_scope(creditor):
        case = make_case(creditor, amount="4200.00", due_date=due,
                         debtor=DebtorFactory(creditor=creditor, name="Olle Ocr", address="Storgatan 1",
                                              postal_code="123 45", city="Västerås"))
        letter = Letter.objects.create(**case_letter_record(case=case, kind=LetterKind.REMINDER, sent_on=today,
                                                            deadline=today + datetime.timedelta(days=10)))
        letter_render(letter_id=letter.pk)
        membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN, password=PASSWORD)
    good = f"00042;Anna Andersson;privatperson;19811218-9876;F1001;{invoiced};{due};1250,00\n"
    bad = f"0008;Trasig Rad AB;företag;556036-0793;F1004;{invoiced};{due};12,5x\n"
    (tmp_path / "bad.csv").write_bytes(ledger(good, bad))
    (tmp_path / "good.csv").write_bytes(ledger(good))

    sign_in(page, "admin@acme.se", PASSWORD)
    page.wait_for_url("**/")
    looked_at(page, "overview")

    page.goto("/ledger/")
    looked_at(page, "ledger")
    page.set_input_files("input[type=file]", str(tmp_path / "bad.csv"))
    page.get_by_role("button", name="Förhandsgranska").click()
    rejected = page.locator("table", has_text="12,5x").locator("tbody tr").first
    row, column, value, reason = (cell.inner_text() for cell in rejected.locator("td").all())
    assert (row, column, value, reason) == ("3", "Belopp", "12,5x", "är inte ett belopp: skriv till exempel 1 234,50")
    looked_at(page, "ledger-preview")
    page.goto("/ledger/")
    page.set_input_files("input[type=file]", str(tmp_path / "good.csv"))
    page.get_by_role("button", name="Förhandsgranska").click()
    page.get_by_role("button", name="Importera").click()
    assert page.get_by_text("good.csv är importerad", exact=False).is_visible()
    with creditor_scope(creditor):
        assert Case.objects.filter(invoice__invoice_number="F1001").exists()

    page.goto("/cases/")
    page.get_by_label("Sök", exact=True).fill(case.ocr_reference)
    page.get_by_role("button", name="Visa").click()
    assert page.get_by_text("1 ärenden som matchar sökningen").is_visible()
    looked_at(page, "cases")
    page.get_by_role("link", name=str(case.pk), exact=True).click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    looked_at(page, "case")
    pdf = page.request.get(page.get_by_role("link", name="Påminnelse").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    page.get_by_text("Pausa ärendet").click()
    page.get_by_label("Varför").fill("Kunden utreder en reklamation")
    page.get_by_role("button", name="Pausa", exact=True).click()
    assert page.get_by_text("Ärendet är pausat.").is_visible()
    with creditor_scope(creditor):
        paused = Case.objects.get(pk=case.pk)
        assert (paused.stage, paused.hold_reason) == (Stage.ON_HOLD, HoldReason.PAUSED)

    for path, name in (("/debtors/", "debtors"), (f"/debtors/{case.debtor_id}/", "debtor"),
                       ("/payments/", "payments"), ("/policies/", "policies")):
        page.goto(path)
        looked_at(page, name)
    page.goto("/policies/normal/")
    page.locator("input[name='steps-0-fee_amount']").fill("61,00")
    page.get_by_role("button", name="Spara trappan").click()
    assert page.get_by_text("[fee.cap.reminder_fee]", exact=False).is_visible()
    looked_at(page, "policy-refused")
    page.goto("/cases/999999/")
    assert page.get_by_text("Sidan finns inte").is_visible()
    looked_at(page, "not-found")
