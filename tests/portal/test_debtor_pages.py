"""The portal's debtor pages: the category and its reasons, VIP and a manual category; tenants apart."""
import datetime

import pytest

from core.money import format_sek
from core.tenancy import creditor_scope
from creditors.models import Role
from debtors.models import Debtor
from dunning.addresses import address_missing_open
from dunning.balances import case_balance
from dunning.models import QueueItem, QueueKind
from tests.factories import DebtorFactory, make_case, make_reported_debtor
from tests.portal.members import sign_in


@pytest.fixture
def risky(creditor):
    return make_reported_debtor(creditor, risk_class=2, payment_remarks=3, name="Berit Sen")


def test_the_debtor_page_says_why(client, creditor, risky):
    browser = sign_in(client, creditor, Role.STAFF, "staff@acme.se")
    listing = browser.get("/debtors/?category=risk").content.decode()
    assert "Berit Sen" in listing and "visar 3 betalningsanmärkningar" in listing
    page = browser.get(f"/debtors/{risky.pk}/").content.decode()
    assert "category-risk" in page
    assert "visar 3 betalningsanmärkningar" in page
    assert "riskklass 2 av 5, kreditbetyg 20, 3 betalningsanmärkningar" in page
    assert "Gör till VIP" in page
    assert browser.get("/debtors/?category=vip").content.decode().count("Berit Sen") == 0


def test_staff_designate_a_vip_and_set_a_manual_category(client, creditor, risky):
    browser = sign_in(client, creditor, Role.STAFF, "staff@acme.se")
    page = browser.post(f"/debtors/{risky.pk}/vip", {"vip": "yes"}, follow=True).content.decode()
    assert "Berit Sen är nu VIP." in page and "Utsedd till VIP av borgenären" in page
    until = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    page = browser.post(f"/debtors/{risky.pk}/override", {"category": "normal", "until": until,
                                                          "note": "Avbetalningsplan avtalad"}, follow=True).content.decode()
    assert "Berit Sen är nu Normal." in page and "Avbetalningsplan avtalad" in page
    page = browser.post(f"/debtors/{risky.pk}/override", {"category": "risk", "until": "2020-01-01", "note": "x"},
                        follow=True).content.decode()
    assert "en manuell kategori behöver ett slutdatum som inte har passerat." in page
    with creditor_scope(creditor):
        assert Debtor.objects.get(pk=risky.pk).override_category == "normal"  # the refused change stored nothing
    browser.post(f"/debtors/{risky.pk}/override", {"category": ""})
    with creditor_scope(creditor):
        assert Debtor.objects.get(pk=risky.pk).category == "vip"


def test_read_only_members_see_but_cannot_change(client, creditor, risky):
    browser = sign_in(client, creditor, Role.READ_ONLY, "reader@acme.se")
    assert "Gör till VIP" not in browser.get(f"/debtors/{risky.pk}/").content.decode()
    assert browser.post(f"/debtors/{risky.pk}/vip", {"vip": "yes"}).status_code == 403  # forged: forbidden
    with creditor_scope(creditor):
        assert Debtor.objects.get(pk=risky.pk).vip is False


def test_another_creditors_debtor_is_not_found(client, creditor, other_creditor, risky):
    browser = sign_in(client, other_creditor, Role.STAFF, "staff@other.se")
    assert browser.get(f"/debtors/{risky.pk}/").status_code == 404
    assert browser.post(f"/debtors/{risky.pk}/vip", {"vip": "yes"}).status_code == 404
    assert "Berit Sen" not in browser.get("/debtors/").content.decode()


def test_the_list_finds_a_debtor_and_shows_what_it_owes(client, creditor, risky):
    browser = sign_in(client, creditor, Role.STAFF, "staff@acme.se")
    make_case(creditor, debtor=risky, amount="250.00")
    with creditor_scope(creditor):
        risky.refresh_from_db()
        owed = sum(case_balance(case).total for case in risky.cases.all())
    page = browser.get(f"/debtors/?q={risky.name[2:6]}").content.decode().replace("\u00a0", " ")
    assert risky.name in page and "1 gäldenärer som matchar sökningen" in page
    shown = format_sek(owed).replace("\u00a0", " ")
    assert f'data-label="Att betala" class="num">{shown} kr' in page
    assert "Inga gäldenärer matchar sökningen." in browser.get("/debtors/?q=Ingen+alls").content.decode()


def test_an_address_resumes_the_cases_that_waited_for_one(client, creditor):
    browser = sign_in(client, creditor, Role.STAFF, "staff@acme.se")
    with creditor_scope(creditor):
        nowhere = DebtorFactory(creditor=creditor, address="", postal_code="", city="")
    case = make_case(creditor, debtor=nowhere, due_date=datetime.date(2026, 3, 2))
    with creditor_scope(creditor):
        address_missing_open(case=case, on=datetime.date(2026, 3, 10), note="Brevet kom tillbaka",
                             code="dunning.address.missing", data={"kind": "reminder"})
    assert "väntar på en adress" in browser.get(f"/debtors/{nowhere.pk}/").content.decode()
    refused = browser.post(f"/debtors/{nowhere.pk}/contact", {"address": "Storgatan 1"}, follow=True)
    assert "ett brev når ändå inte gäldenären" in refused.content.decode()
    saved = browser.post(f"/debtors/{nowhere.pk}/contact", {"address": "Storgatan 1", "postal_code": "123 45",
                                                            "city": "Västerås", "phone": "070-123 45 67"},
                         follow=True).content.decode()
    assert "Kontaktuppgifterna är sparade." in saved and "väntar på en adress" not in saved
    with creditor_scope(creditor):
        assert not QueueItem.objects.filter(case=case, kind=QueueKind.ADDRESS_MISSING, outcome="").exists()
        assert Debtor.objects.get(pk=nowhere.pk).phone == "070-123 45 67"


def test_the_reasons_come_in_the_readers_language(client, creditor, risky):
    browser = sign_in(client, creditor, Role.STAFF, "staff@acme.se")
    swedish = browser.get(f"/debtors/{risky.pk}/").content.decode()
    browser.post("/language", {"language": "en"})
    english = browser.get(f"/debtors/{risky.pk}/").content.decode()
    assert "visar 3 betalningsanmärkningar" in swedish
    assert "visar 3 betalningsanmärkningar" not in english and "3 payment remarks" in english
