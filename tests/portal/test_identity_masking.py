"""A person's identity number is masked on the portal's pages (the birth date, not the last four
digits); the whole number is shown on request, and each request leaves one audit event with who
asked. An organisation's number is public and shown whole. The API keeps returning it whole."""
import datetime

import pytest
from django.contrib.auth import get_user_model

from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, AuditAction, AuditEvent, Role
from debtors.models import CustomerType
from dunning.models import QueueItem, QueueKind
from tests.api.conftest import api_client_for
from tests.factories import DebtorFactory, make_case
from tests.portal.members import sign_in, sign_in_user

PERSON, MASKED = "19811218-9876", "19811218-****"
COMPANY = "556036-0793"


@pytest.fixture
def person_case(creditor):
    with creditor_scope(creditor):
        debtor = DebtorFactory(creditor=creditor, name="Anna Andersson", identity_number=PERSON)
        return make_case(creditor, amount="1250.00", debtor=debtor)


def views_of(creditor) -> list[AuditEvent]:
    with creditor_scope(creditor):
        return list(AuditEvent.objects.filter(action=AuditAction.IDENTITY_VIEWED))


def test_the_pages_show_a_persons_number_masked(client, creditor, person_case):
    sign_in(client, creditor, Role.STAFF)
    debtor_id = person_case.debtor_id
    for url in ("/debtors/", "/cases/", f"/debtors/{debtor_id}/", f"/cases/{person_case.pk}/"):
        page = client.get(url).content.decode()
        assert "Anna Andersson" in page, url
        assert PERSON not in page and "9876" not in page, f"{url} shows the whole number"
    page = client.get(f"/debtors/{debtor_id}/").content.decode()
    assert MASKED in page and "Visa personnummer" in page
    # Found by the whole number (which the search box shows back to whoever typed it), listed masked.
    found = client.get(f"/debtors/?q={PERSON}").content.decode()
    assert "Anna Andersson" in found and found.count(PERSON) == found.count(f"q={PERSON}") + found.count(f'value="{PERSON}"')
    assert views_of(creditor) == []  # looking at the pages is not looking at the number


def test_showing_the_number_records_one_audit_event_with_the_viewer(client, creditor, person_case):
    sign_in(client, creditor, Role.STAFF, email="stina@acme.se")
    response = client.post(f"/debtors/{person_case.debtor_id}/identity", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 200
    assert PERSON in response.content.decode()
    assert "no-store" in response.headers["Cache-Control"]
    [event] = views_of(creditor)
    assert (event.actor_email, event.target, event.ip) == ("stina@acme.se", f"debtor:{person_case.debtor_id}",
                                                           "192.0.2.7")
    htmx = client.post(f"/debtors/{person_case.debtor_id}/identity", HTTP_HX_REQUEST="true").content.decode()
    assert PERSON in htmx and "<html" not in htmx
    assert len(views_of(creditor)) == 2


def test_a_read_only_member_may_look_and_is_recorded(client, creditor, person_case):
    sign_in(client, creditor, Role.READ_ONLY, email="revisor@acme.se")
    assert PERSON in client.post(f"/debtors/{person_case.debtor_id}/identity").content.decode()
    assert [event.actor_email for event in views_of(creditor)] == ["revisor@acme.se"]


def test_a_get_shows_nothing_and_records_nothing(client, creditor, person_case):
    sign_in(client, creditor, Role.STAFF)
    assert client.get(f"/debtors/{person_case.debtor_id}/identity").status_code == 405
    assert views_of(creditor) == []


def test_another_creditors_debtor_is_not_found_and_nothing_is_recorded(client, creditor, other_creditor):
    with creditor_scope(other_creditor):
        theirs = DebtorFactory(creditor=other_creditor, identity_number=PERSON)
    sign_in(client, creditor, Role.ADMIN)
    response = client.post(f"/debtors/{theirs.pk}/identity")
    assert response.status_code == 404
    assert PERSON not in response.content.decode()
    assert views_of(creditor) == [] and views_of(other_creditor) == []


def test_an_organisations_number_is_shown_whole_with_nothing_to_reveal(client, creditor):
    with creditor_scope(creditor):
        company = DebtorFactory(creditor=creditor, customer_type=CustomerType.COMPANY, identity_number=COMPANY)
    sign_in(client, creditor, Role.STAFF)
    page = client.get(f"/debtors/{company.pk}/").content.decode()
    assert COMPANY in page and "Visa personnummer" not in page
    assert client.post(f"/debtors/{company.pk}/identity").status_code == 404
    assert views_of(creditor) == []


def test_an_agent_sees_it_masked_in_the_queue_and_whole_on_request(client, creditor, person_case):
    user = get_user_model().objects.create_user(username="agent@fordra.demo", email="agent@fordra.demo")
    AgencyStaff.objects.create(user=user, role=AgencyRole.AGENT)
    with creditor_scope(creditor):
        item = QueueItem.objects.create(creditor=creditor, case=person_case, kind=QueueKind.DISPUTE_REVIEW,
                                        created_on=datetime.date(2026, 11, 2), due_on=datetime.date(2026, 11, 2))
    sign_in_user(client, user)
    for url in ("/agent/", f"/agent/items/{item.pk}/"):
        page = client.get(url).content.decode()
        assert "Anna Andersson" in page and PERSON not in page, url
    assert "Visa personnummer" in client.get(f"/agent/items/{item.pk}/").content.decode()
    assert PERSON in client.post(f"/agent/items/{item.pk}/identity").content.decode()
    [event] = views_of(creditor)
    assert (event.actor_email, event.target) == ("agent@fordra.demo", f"debtor:{person_case.debtor_id}")


def test_the_api_returns_the_whole_number(creditor, person_case):
    response = api_client_for(creditor).get(f"/api/v1/debtors/{person_case.debtor_id}/")
    assert response.json()["identity_number"] == PERSON
