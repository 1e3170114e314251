import datetime
from io import StringIO

from django.core.management import call_command
from django_scopes import scopes_disabled

from cases.models import PAYMENT_PLAN_BROKEN, Case, CaseEvent, Invoice, LedgerEntry, Payment
from cases.stages import Stage
from classification.models import CreditReport
from creditors.models import AgencyRole, AgencyStaff, Creditor
from debtors.models import CustomerType, Debtor
from dunning.models import PaymentOrderFiling, QueueItem
from dunning.balances import case_balance
from letters.models import Letter


def seed():
    out = StringIO()
    call_command("seed_demo", "--today", "2026-11-23", stdout=out)
    return out.getvalue()


def counts():
    with scopes_disabled():
        return [m.objects.count() for m in (Creditor, Debtor, Invoice, Case, LedgerEntry)]


def test_seed_demo_builds_a_believable_portfolio_and_is_rerunnable(db):
    output = seed()
    assert "anna@nordvik.demo / fordra-demo" in output
    assert Creditor.objects.count() == 2
    with scopes_disabled():
        for creditor in Creditor.objects.all():
            debtors = Debtor.objects.filter(creditor=creditor)
            assert debtors.count() >= 150
            assert debtors.filter(customer_type=CustomerType.CONSUMER).exists()
            assert debtors.filter(customer_type=CustomerType.COMPANY).exists()
            invoices = Invoice.objects.filter(creditor=creditor)
            oldest = invoices.order_by("invoice_date").first().invoice_date
            assert oldest <= datetime.date(2025, 12, 1)  # about a year of history
            assert invoices.filter(paid_on__gt=models_due()).exists()  # some were paid late
            cases = Case.objects.filter(creditor=creditor)
            # A year of collection: letters went out, debtors paid, some cases escalated.
            assert cases.filter(stage=Stage.CLOSED, closed_reason="paid").count() >= 10
            assert cases.filter(stage=Stage.COLLECTION).exists()
            assert Letter.objects.filter(creditor=creditor, kind="collection_demand").exists()
            assert Payment.objects.filter(creditor=creditor).count() >= 10
            for case in cases.filter(stage=Stage.CLOSED, closed_reason="paid")[:5]:
                assert case_balance(case, as_of=case.closed_on).total == 0
        assert Debtor.objects.filter(vip=True).exists()
        # Classified, with reasons: late payers and bad credit reports are risks, VIPs stay VIP.
        assert set(Debtor.objects.filter(vip=True).values_list("category", flat=True)) == {"vip"}
        risks = Debtor.objects.filter(category="risk")
        assert risks.count() >= 10
        codes = {r["code"] for reasons in risks.values_list("category_reasons", flat=True) for r in reasons}
        assert {"late_invoices", "credit_risk_class"} <= codes
        assert not Debtor.objects.filter(category_reasons=[]).exists()
        assert CreditReport.objects.count() >= 100
        assert CaseEvent.objects.filter(code="classification.category.changed").exists()
        assert CaseEvent.objects.filter(code=PAYMENT_PLAN_BROKEN).exists()
        assert Letter.objects.filter(kind="payment_plan").count() >= 3
        # The agents worked the queue during the year: every stage holds cases, "Rättsligt" too,
        # and the last weeks' items still wait for them.
        assert set(Case.objects.values_list("stage", flat=True)) == set(Stage.values)
        decided = QueueItem.objects.exclude(outcome="")
        assert {"promised", "no_agreement", "approved"} <= set(decided.values_list("outcome", flat=True))
        assert decided.filter(decided_by="user:supervisor@fordra.demo", outcome="approved").exists()
        assert QueueItem.objects.filter(outcome="").exists()
        assert {"filed", "decided"} <= set(PaymentOrderFiling.objects.values_list("status", flat=True))
        assert AgencyStaff.objects.filter(role=AgencyRole.AUDITOR, user__username="auditor@fordra.demo").exists()
    before = counts()
    assert "already there" in seed()
    assert counts() == before


def models_due():
    from django.db.models import F

    return F("due_date")
