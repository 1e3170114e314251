"""No path stores an amount beyond ±MAX_AMOUNT: the database refuses it, parsers or not (issue #16).

On SQLite the bound is the CHECK alone: SQLite keeps any number in a decimal column, and
every page that read it back failed. On PostgreSQL numeric(14, 2) refuses it first.
"""
import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import DataError, IntegrityError, connection, models, transaction

from cases.models import Component, EntryKind, Invoice, LedgerEntry, Payment, PaymentFile
from cases.services import entry_post
from core.money import MAX_AMOUNT
from core.tenancy import scopes_disabled
from dunning.balances import case_letter_record
from dunning.models import Policy, PolicyStep
from law.models import FeeCap
from letters.models import Letter, LetterKind

TOO_MUCH = Decimal(10**12)
DAY = datetime.date(2026, 11, 20)


def money_columns() -> list[tuple[type[models.Model], str]]:
    return [(model, field.name) for model in apps.get_models() for field in model._meta.concrete_fields
            if isinstance(field, models.DecimalField) and field.max_digits == 14 and field.decimal_places == 2]


def refused():
    """The error each database raises for a number beyond the bound."""
    if connection.vendor == "postgresql":
        return pytest.raises(DataError, match="numeric field overflow")
    return pytest.raises(IntegrityError, match="bounded")


def test_every_money_column_has_its_check_in_the_database(db):
    columns = money_columns()
    assert {(model.__name__, name) for model, name in columns} >= {
        ("Invoice", "amount"), ("Invoice", "open_amount_reported"), ("LedgerEntry", "amount"), ("Payment", "amount"),
        ("PaymentFile", "total"), ("Policy", "min_collection_amount"), ("PolicyStep", "fee_amount"),
        ("FeeCap", "amount"), ("Letter", "total")}
    with connection.cursor() as cursor:
        for model, name in columns:
            expected = f"{model._meta.app_label}_{model._meta.model_name}_{name}_bounded"
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert expected in found and found[expected]["check"], expected


@pytest.fixture
def rows(open_case, today):
    """One row of every table with a money column, written through the services, not a parser."""
    file = PaymentFile.objects.create(format="csv", name="in.csv", sha256="0" * 64)
    payment = Payment.objects.create(creditor=open_case.creditor, amount=Decimal("5.00"), paid_on=today, source="api")
    policy = Policy.objects.first()
    letter = Letter.objects.create(**case_letter_record(case=open_case, kind=LetterKind.REMINDER, sent_on=today,
                                                        deadline=today + datetime.timedelta(days=14)))
    return {Invoice: open_case.invoice, Payment: payment, PaymentFile: file, Policy: policy,
            PolicyStep: policy.steps.first(), FeeCap: FeeCap.objects.first(), Letter: letter}


@pytest.mark.parametrize("model, name", [
    (Invoice, "amount"), (Invoice, "open_amount_reported"), (Payment, "amount"), (PaymentFile, "total"),
    (Policy, "min_collection_amount"), (PolicyStep, "fee_amount"), (FeeCap, "amount"), (Letter, "total"),
])
def test_an_update_beyond_the_bound_is_refused_by_the_database(rows, model, name):
    row = rows[model]
    with scopes_disabled():
        queryset = model._default_manager.filter(pk=row.pk)
        for sign in (1, -1):
            if (model, name) in ((Invoice, "amount"), (PolicyStep, "fee_amount"), (FeeCap, "amount")) and sign < 0:
                continue  # another CHECK already refuses a negative one
            with refused(), transaction.atomic():
                queryset.update(**{name: sign * TOO_MUCH})
        queryset.update(**{name: MAX_AMOUNT})  # the bound itself is stored, and read back
        assert model._default_manager.values_list(name, flat=True).get(pk=row.pk) == MAX_AMOUNT


def test_a_ledger_entry_beyond_the_bound_is_refused_by_the_database(open_case, today):
    for kind, amount in ((EntryKind.INTEREST, TOO_MUCH), (EntryKind.CREDIT, -TOO_MUCH)):
        with refused(), transaction.atomic():
            entry_post(case=open_case, kind=kind, component=Component.PRINCIPAL if amount < 0 else None,
                       amount=amount, booked_on=today)
    entry_post(case=open_case, kind=EntryKind.INTEREST, amount=MAX_AMOUNT, booked_on=today)
    assert LedgerEntry.objects.filter(case=open_case).order_by("-id").values_list("amount", flat=True)[0] == MAX_AMOUNT


def test_a_raw_insert_beyond_the_bound_is_refused_by_the_database(open_case):
    with refused(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO cases_payment (amount, currency, paid_on, source, reference, account, "
                       "ocr_reference, free_text, payer, unmatched_reason, created_at) "
                       "VALUES (%s, 'SEK', %s, 'manual', '', '', '', '', '', '', %s)",
                       [TOO_MUCH * 10, DAY, datetime.datetime(2026, 11, 20, 12)])
    assert not Payment.objects.filter(amount__gt=MAX_AMOUNT).exists()


def test_adding_the_checks_kept_the_tables_triggers(db):
    """SQLite rebuilds a table to add a CHECK, which drops its triggers; migration 0011 puts them back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        triggers = {name for (name,) in cursor.fetchall()}
    expected = {"cases_ledgerentry_append_only", "cases_caseevent_append_only"}
    if connection.vendor == "sqlite":  # PostgreSQL has keys instead (cases 0010)
        expected |= {f"cases_{table}_debtor_of_creditor_{when}" for table in ("invoice", "case")
                     for when in ("insert", "update")}
    assert expected <= triggers
