"""Test data, built through the same services users go through."""
import datetime
import itertools
from decimal import Decimal

import factory
from django_scopes import scopes_disabled

from cases.models import Case, Invoice
from core.tenancy import creditor_scope
from creditors.models import Creditor
from creditors.services import creditor_create
from debtors.models import CustomerType, Debtor
from dunning.services import case_open_and_plan

_serial = itertools.count(1)


def make_creditor(slug: str, name: str, org_number: str, bankgiro: str = "") -> Creditor:
    with scopes_disabled():
        return creditor_create(slug=slug, name=name, org_number=org_number, bankgiro=bankgiro)


class DebtorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Debtor

    customer_number = factory.Sequence(lambda n: f"{n:05d}")
    name = factory.Sequence(lambda n: f"Kund {n}")
    customer_type = CustomerType.CONSUMER
    # A letter must reach a debtor for a step to be taken (LAW.md "A fee is for a step that happened").
    address = "Storgatan 1"
    postal_code = "111 22"
    city = "Stockholm"


class InvoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invoice

    invoice_number = factory.Sequence(lambda n: f"F{n:06d}")
    invoice_date = factory.LazyAttribute(lambda o: o.due_date - datetime.timedelta(days=30))
    due_date = datetime.date(2026, 10, 1)
    amount = Decimal("1000.00")
    debtor = factory.SubFactory(DebtorFactory, creditor=factory.SelfAttribute("..creditor"))


def make_case(creditor: Creditor, *, amount=Decimal("1000.00"), due_date=datetime.date(2026, 10, 1),
              debtor: Debtor | None = None, **invoice_fields) -> Case:
    with creditor_scope(creditor):
        extra = {"debtor": debtor} if debtor else {}
        invoice = InvoiceFactory(creditor=creditor, amount=Decimal(amount), due_date=due_date, **extra,
                                 **invoice_fields)
        return case_open_and_plan(invoice=invoice, opened_on=due_date + datetime.timedelta(days=1))


def make_reported_debtor(creditor: Creditor, *, risk_class: int, payment_remarks: int, **debtor_fields) -> Debtor:
    """A debtor with a UC credit report of three days ago (score 20) and a case five days
    overdue, classified: what the debtor pages and API show a creditor."""
    from classification.models import CreditReport
    from classification.services import reclassify

    today = datetime.date.today()
    identity = "19811218-9876"
    with creditor_scope(creditor):
        debtor = DebtorFactory(creditor=creditor, identity_number=identity, **debtor_fields)
        CreditReport.objects.create(creditor=creditor, identity_number=identity, score=20, risk_class=risk_class,
                                    payment_remarks=payment_remarks, reported_on=today - datetime.timedelta(days=3),
                                    source="UC")
        make_case(creditor, debtor=debtor, due_date=today - datetime.timedelta(days=5))
        reclassify(creditor=creditor)
    return debtor
