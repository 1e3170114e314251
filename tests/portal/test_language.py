"""The portal's language, chosen per person: Swedish until told otherwise, then theirs everywhere."""
import pytest
from django.contrib.auth import get_user_model

from core.tenancy import creditor_scope
from creditors.models import Role, UserPreference
from creditors.services import membership_add
from tests.factories import make_case
from tests.portal.members import sign_in_user

PASSWORD = "a-long-demo-password"


@pytest.fixture
def staff(creditor):
    with creditor_scope(creditor):
        return membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD).user


def signed_in(client, user):
    return sign_in_user(client, user)


def test_swedish_until_told_otherwise_whatever_the_browser_asks(client, staff):
    page = signed_in(client, staff).get("/cases/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="sv">' in page.content.decode() and page["Content-Language"] == "sv"
    assert ">Ärenden</a>" in page.content.decode()


def test_a_person_who_chooses_english_gets_it_on_every_page_and_device(client, staff, creditor):
    browser = signed_in(client, staff)
    case = make_case(creditor)
    answer = browser.post("/language", {"language": "en", "next": f"/cases/{case.pk}/"})
    assert answer.status_code == 302 and answer["Location"] == f"/cases/{case.pk}/"
    assert UserPreference.objects.get(user=staff).language == "en"
    page = browser.get(f"/cases/{case.pk}/")
    assert '<html lang="en">' in page.content.decode() and page["Content-Language"] == "en"
    assert ">Cases</a>" in page.content.decode() and "Case opened for invoice" in page.content.decode()
    browser.cookies.clear()  # another device, signed in again: the choice is the person's
    page = signed_in(browser, staff).get("/cases/")
    assert page["Content-Language"] == "en"


def test_before_signing_in_the_choice_is_a_cookie_and_a_foreign_next_is_refused(client, db):
    answer = client.post("/language", {"language": "en", "next": "https://evil.example/"})
    assert answer["Location"] == "/" and answer.cookies["django_language"].value == "en"
    assert client.get("/login/")["Content-Language"] == "en"
    assert client.post("/language", {"language": "de"}).cookies.get("django_language") is None
    assert not get_user_model().objects.exists() and not UserPreference.objects.exists()


def test_the_api_keeps_its_own_language(client, staff):
    signed_in(client, staff).post("/language", {"language": "en"})
    assert "Content-Language" not in client.get("/api/v1/cases/")
