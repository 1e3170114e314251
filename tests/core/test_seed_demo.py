import datetime
from io import StringIO

from django.core.management import call_command
from django_scopes import scopes_disabled

from cases.ledger import case_balance
from cases.models import Case, Invoice, LedgerEntry
from cases.stages import Stage
from creditors.models import Creditor
from debtors.models import CustomerType, Debtor


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
            cases = Case.objects.filter(creditor=creditor, stage=Stage.REMINDER)
            assert cases.count() >= 20
            case = cases.first()
            assert case_balance(case).principal == case.invoice.amount
        assert Debtor.objects.filter(vip=True).exists()
    before = counts()
    assert "already there" in seed()
    assert counts() == before


def models_due():
    from django.db.models import F

    return F("due_date")
