"""The payment-order application prepared from the case: what Kronofogden asks for, to the öre."""
import datetime
import os
from decimal import Decimal

import pytest
from pypdf import PdfReader

from cases.timeline import event_text
from core.errors import Conflict, ValidationError
from debtors.models import CustomerType
from dunning.legal import application_file, application_for, application_pdf, filing_status_set
from dunning.models import FilingStatus, Outcome, PaymentOrderFiling, QueueItem, QueueKind
from dunning.queue import queue_decide
from tests.cycling import reload, run_days
from tests.factories import DebtorFactory, make_case

D = datetime.date
DUE, REVIEW = D(2026, 3, 2), D(2026, 4, 27)
ADDRESS = {"address": "Storgatan 12", "postal_code": "123 45", "city": "Västerås"}


@pytest.fixture
def awaiting(scoped):
    """A consumer's case on the normal ladder, its payment order waiting for approval."""
    debtor = DebtorFactory(creditor=scoped, name="Per Persson", customer_type=CustomerType.CONSUMER,
                           identity_number="19811218-9876", **ADDRESS)
    case = make_case(scoped, amount="2500.00", due_date=DUE, reminder_fee_agreed=True, debtor=debtor)
    run_days(scoped, DUE, REVIEW)
    assert QueueItem.objects.filter(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW, outcome="").exists()
    return reload(case)


def test_the_application_holds_the_parties_the_claim_its_interest_and_every_cost(scoped, awaiting):
    app = application_for(awaiting, on=REVIEW)
    assert (app.applicant["name"], app.applicant["org_number"]) == ("Acme Bygg AB", "556703-7485")
    assert app.debtor["identity_number"] == "19811218-9876" and app.agent["name"]
    assert app.principal == Decimal("2500.00")
    assert app.interest_from == D(2026, 3, 3)  # the day after the due date
    assert app.interest_rate > Decimal("8")  # the reference rate + 8 points
    assert "F" in app.invoice_number and app.invoice_number in app.ground and "2026-03-02" in app.ground
    costs = {cost.kind: (cost.amount, cost.charged_on) for cost in app.costs}
    assert costs["reminder_fee"][0] == Decimal("60.00") and costs["collection_fee"][0] == Decimal("180.00")
    # the filing's own: the application fee and the compensation for drawing it up, charged when filed
    assert costs["payment_order_fee"] == (Decimal("300.00"), None)
    assert costs["payment_order_work"] == (Decimal("380.00"), None)
    assert app.total == app.principal + app.interest_accrued + Decimal("920.00")


def test_the_structured_file_and_the_pdf_say_the_same(scoped, awaiting):
    app = application_for(awaiting, on=REVIEW)
    data = application_file(app)
    claim = data["delkrav"][0]
    assert claim["kapitalbelopp"] == "2500.00" and claim["ranta"]["fran"] == "2026-03-03"
    assert data["svarande"][0]["identity_number"] == "19811218-9876"
    assert sum(Decimal(c["belopp"]) for c in data["kostnader"]) == Decimal("920.00")
    assert Decimal(data["summa"]) == app.total
    pdf = application_pdf(app)
    if os.environ.get("FORDRA_SCREENSHOTS"):
        with open(os.path.join(os.environ["FORDRA_SCREENSHOTS"], "application.pdf"), "wb") as out:
            out.write(pdf)
    text = " ".join(page.extract_text() for page in PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert "Ansökan om betalningsföreläggande" in text and "19811218-9876" in text
    assert "2 500,00" in text.replace("\u00a0", " ")


def test_an_approval_keeps_the_application_to_file_and_its_status_goes_forward(scoped, awaiting, supervisor):
    review = QueueItem.objects.get(case=awaiting, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    queue_decide(item=review, outcome=Outcome.APPROVED, on=D(2026, 4, 28), actor=supervisor)
    filing = PaymentOrderFiling.objects.get(review=review)
    assert (filing.status, filing.status_on) == (FilingStatus.TO_FILE, D(2026, 4, 28))
    assert filing.application["delkrav"][0]["kapitalbelopp"] == "2500.00"
    with pytest.raises(Conflict, match="can become filed, withdrawn, not decided"):
        filing_status_set(filing=filing, status=FilingStatus.DECIDED, on=D(2026, 4, 29))
    filing_status_set(filing=filing, status=FilingStatus.FILED, on=D(2026, 4, 29), reference="1234-26",
                      actor="user:agent@fordra.demo")
    with pytest.raises(ValidationError, match="before the last one"):
        filing_status_set(filing=filing, status=FilingStatus.DECIDED, on=D(2026, 4, 1))
    filing_status_set(filing=filing, status=FilingStatus.DECIDED, on=D(2026, 6, 1))
    filing_status_set(filing=filing, status=FilingStatus.WITHDRAWN, on=D(2026, 6, 2), note="Betalt")
    filing.refresh_from_db()
    assert (filing.status, filing.reference) == (FilingStatus.WITHDRAWN, "1234-26")
    with pytest.raises(Conflict, match="nothing: it is withdrawn"):
        filing_status_set(filing=filing, status=FilingStatus.FILED, on=D(2026, 6, 3))
    texts = [event_text(e) for e in awaiting.events.filter(code="dunning.payment_order.status").order_by("pk")]
    assert texts[0] == "Betalningsföreläggande: Ingiven till Kronofogden (mål 1234-26)"


def test_a_rejection_files_nothing(scoped, awaiting):
    review = QueueItem.objects.get(case=awaiting, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    queue_decide(item=review, outcome=Outcome.REJECTED, on=D(2026, 4, 28), actor="user:agent@fordra.demo")
    assert not PaymentOrderFiling.objects.exists()
