"""An agent and a supervisor at work, in a real browser: a VIP call ends in a promise the
creditor then sees; a payment order is approved. Every agent page is looked at on a
desktop and on a phone (390 px): nothing may scroll sideways, and "Logga ut" stays in reach.

FORDRA_SCREENSHOTS=folder keeps a screenshot of each page there, to look at."""
import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.stages import HoldReason, Stage
from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, Role
from creditors.services import membership_add
from debtors.models import Category
from dunning.holds import case_dispute
from dunning.models import Outcome, QueueItem, QueueKind
from tests.cycling import reload, run_days
from tests.factories import DebtorFactory, make_case

from .conftest import looked_at, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a-long-demo-password"
D = datetime.date
DUE, CALL = D(2026, 3, 2), D(2026, 4, 17)
ADDRESS = {"address": "Storgatan 12", "postal_code": "123 45", "city": "Västerås", "phone": "070-123 45 67"}
def person(email, role):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    AgencyStaff.objects.create(user=user, role=role)
    return user


def test_an_agent_records_a_vip_promise_and_a_supervisor_approves_a_payment_order(page, creditor):
    with creditor_scope(creditor):
        vip = DebtorFactory(creditor=creditor, name="Vera Viktig", vip=True, category=Category.VIP, **ADDRESS)
        call_case = make_case(creditor, amount="1000.00", due_date=DUE, debtor=vip, reminder_fee_agreed=True)
        legal_case = make_case(creditor, amount="2500.00", due_date=DUE, reminder_fee_agreed=True,
                               debtor=DebtorFactory(creditor=creditor, name="Lars Lagsson", **ADDRESS))
        disputed = make_case(creditor, amount="800.00", due_date=DUE,
                             debtor=DebtorFactory(creditor=creditor, name="Dora Dispyt", **ADDRESS))
        run_days(creditor, DUE, D(2026, 4, 27))
        case_dispute(case=reload(disputed), on=D(2026, 4, 27), text="Varan kom aldrig fram")
        dispute = QueueItem.objects.get(case=disputed, kind=QueueKind.DISPUTE_REVIEW)
        call = QueueItem.objects.get(case=call_case, kind=QueueKind.PHONE_CALL, outcome="")
        review = QueueItem.objects.get(case=legal_case, kind=QueueKind.PAYMENT_ORDER_REVIEW)
        membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD)
    person("agent@fordra.demo", AgencyRole.AGENT)
    person("boss@fordra.demo", AgencyRole.SUPERVISOR)

    sign_in(page, "agent@fordra.demo", PASSWORD)
    page.wait_for_url("**/agent/")
    assert page.locator("#queue").get_by_text("Vera Viktig").is_visible()
    looked_at(page, "agent-queue")
    page.get_by_role("button", name="Ta nästa uppgift").click()
    page.wait_for_url(f"**/agent/items/{call.pk}/")
    assert page.get_by_text("070-123 45 67").is_visible()
    assert page.get_by_text("relationen består", exact=False).is_visible()
    looked_at(page, "agent-call")
    until = timezone.localdate() + datetime.timedelta(days=10)
    page.get_by_label("Betalningslöfte").check()
    page.get_by_label("Betalas senast").fill(until.isoformat())
    page.get_by_label("Lovat belopp").fill("1 000,00")
    page.get_by_label("Anteckning").fill("Betalar efter lön")
    page.get_by_role("button", name="Spara utfallet").click()
    page.wait_for_url("**/agent/")
    assert page.get_by_text("avgjord, betalningslöfte", exact=False).is_visible()
    with creditor_scope(creditor):
        case = reload(call_case)
        assert (case.stage, case.hold_reason, case.hold_until) == (Stage.ON_HOLD, HoldReason.PROMISE, until)
    page.get_by_role("button", name="Logga ut").click()

    sign_in(page, "staff@acme.se", PASSWORD)  # the creditor sees the promise on the case
    page.goto(f"/cases/{call_case.pk}/")
    assert page.get_by_text("Betalningslöfte", exact=False).first.is_visible()
    page.get_by_role("button", name="Logga ut").click()

    sign_in(page, "boss@fordra.demo", PASSWORD)
    page.wait_for_url("**/agent/")
    page.get_by_role("button", name="Ta nästa uppgift").click()
    page.wait_for_url(f"**/agent/items/{review.pk}/")
    looked_at(page, "agent-payment-order")
    page.get_by_label("Godkänd").check()
    page.get_by_role("button", name="Spara utfallet").click()
    page.wait_for_url("**/agent/")
    assert QueueItem.objects.with_scopes_disabled().get(pk=review.pk).outcome == Outcome.APPROVED
    page.goto("/agent/legal/")
    assert page.get_by_text("Lars Lagsson").is_visible()
    looked_at(page, "agent-filings")
    page.goto(f"/agent/items/{dispute.pk}/")
    assert page.get_by_text("Varan kom aldrig fram", exact=False).first.is_visible()
    looked_at(page, "agent-dispute")
    page.goto("/agent/payments/")
    looked_at(page, "agent-payments")
