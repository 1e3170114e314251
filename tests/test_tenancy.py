"""Tenants never see each other: every tenant model is scoped, and a query without a scope raises."""
import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django_scopes import ScopeError

from cases.models import Case
from config.celery import app as celery_app
from core.tasks import TenantTask
from core.tenancy import creditor_scope, is_tenant_model
from debtors.models import Debtor

from .factories import DebtorFactory, InvoiceFactory, make_case

TENANT_APPS = {"creditors", "debtors", "cases", "classification", "dunning", "letters"}


def tenant_models():
    return [m for m in apps.get_models() if is_tenant_model(m)]


def test_tenant_models_are_found():
    labels = {m._meta.label for m in tenant_models()}
    assert {"debtors.Debtor", "cases.Case", "cases.LedgerEntry", "cases.CaseEvent", "dunning.Policy"} <= labels


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m._meta.label)
def test_every_tenant_model_has_a_scoped_default_manager(model, db):
    with pytest.raises(ScopeError):
        list(model._default_manager.all())
    with pytest.raises(ScopeError):
        model._default_manager.filter(pk=1).exists()


def test_models_of_tenant_apps_are_tenant_models_or_declared_global():
    # A model in a tenant app without a creditor must be one we chose to keep global.
    # A person's own preferences (creditors.UserPreference) are theirs whichever creditor they work for.
    global_models = {"creditors.Creditor", "creditors.AgencyStaff", "dunning.FeeCap", "dunning.ReferenceRate",
                     "cases.PaymentFile", "creditors.UserPreference"}
    for model in apps.get_models():
        if model._meta.app_label in TENANT_APPS and not is_tenant_model(model):
            assert model._meta.label in global_models, f"{model._meta.label} has no creditor and no scope"


def test_a_scope_shows_only_its_own_creditor(creditor, other_creditor):
    mine = make_case(creditor)
    theirs = make_case(other_creditor)
    with creditor_scope(creditor):
        assert list(Case.objects.all()) == [mine]
        assert not Case.objects.filter(pk=theirs.pk).exists()
        assert Debtor.objects.count() == 1
    with creditor_scope(other_creditor):
        assert list(Case.objects.all()) == [theirs]
    with creditor_scope(other_creditor.pk):
        assert list(Case.objects.all()) == [theirs]


def test_none_is_refused_as_a_scope():
    # django-scopes reads None as "no filter": every tenant at once.
    from creditors.models import Creditor

    for nobody in (None, Creditor(slug="unsaved", name="Unsaved AB")):
        with pytest.raises(ValueError):
            with creditor_scope(nobody):
                pass


@celery_app.task(base=TenantTask, name="tests.visible_cases")
def visible_cases(*, creditor_id):
    return [c.pk for c in Case.objects.all()]


def test_tenant_task_runs_in_its_creditors_scope(creditor, other_creditor):
    mine = make_case(creditor)
    make_case(other_creditor)
    assert visible_cases.apply(kwargs={"creditor_id": creditor.pk}).get() == [mine.pk]
    with pytest.raises(TypeError, match="creditor_id"):
        visible_cases.apply().get()


def _written_now():
    """Deferred keys are checked at commit; a test's transaction never commits, so check them at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_database_refuses_an_invoice_or_case_whose_debtor_is_another_creditors(creditor, other_creditor):
    with creditor_scope(other_creditor):
        theirs = DebtorFactory(creditor=other_creditor)
    with creditor_scope(creditor):
        mine = DebtorFactory(creditor=creditor)
        invoice = InvoiceFactory(creditor=creditor, debtor=mine)
        for debtor_id in (theirs.pk, theirs.pk + 1000):  # another creditor's debtor, or none at all
            with pytest.raises(IntegrityError), transaction.atomic():
                _written_now()
                InvoiceFactory(creditor=creditor, debtor_id=debtor_id)
            with pytest.raises(IntegrityError), transaction.atomic():
                _written_now()
                Case.objects.create(creditor=creditor, invoice=invoice, debtor_id=debtor_id, ocr_reference="1234567",
                                    opened_on=invoice.due_date)
        with transaction.atomic():  # the creditor's own debtor is accepted
            _written_now()
            Case.objects.create(creditor=creditor, invoice=invoice, debtor=mine, ocr_reference="1234567",
                                opened_on=invoice.due_date)
