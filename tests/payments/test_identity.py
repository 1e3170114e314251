"""A bank payment's identity: BgMax serial numbers repeat, payments are still never imported twice (issue #17)."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from cases.models import Payment
from core.tenancy import creditor_scope, scopes_disabled
from payments.importing import payments_import
from tests.factories import make_case

from .bgmax_files import bgmax_file

PAID_ON = datetime.date(2026, 11, 20)


@pytest.fixture
def two_cases(creditor):
    with creditor_scope(creditor):
        return [make_case(creditor, amount=Decimal("1000.00"), due_date=datetime.date(2026, 11, 10)) for _ in range(2)]


def one_serial_in_two_deposits(cases) -> bytes:
    """Two deposits of one payment each, both given serial number 000000000007 by Bankgirot."""
    data = bgmax_file([(cases[0].ocr_reference, Decimal("100.00")), (cases[1].ocr_reference, Decimal("250.00"))],
                      bankgiro="9999-9999", day=PAID_ON, per_section=1, first_serial=7)
    lines = data.decode("latin-1").split("\r\n")
    assert [line[:2] for line in lines] == ["01", "05", "20", "15", "05", "20", "15", "70"]
    lines[5] = lines[5][:57] + lines[2][57:69] + lines[5][69:]
    assert lines[2][57:69] == lines[5][57:69] == "000000000007"
    return "\r\n".join(lines).encode("latin-1")


def booked(creditor):
    with creditor_scope(creditor):
        return sorted(Payment.objects.values_list("case_id", "amount", "reference"))


def test_two_payments_with_one_serial_in_two_deposits_are_both_booked(creditor, two_cases):
    data = one_serial_in_two_deposits(two_cases)
    summary = payments_import(name="bg.txt", data=data)
    assert (summary.matched.count, summary.matched.amount, summary.duplicates.count) == (2, Decimal("350.00"), 0)
    assert booked(creditor) == sorted([(two_cases[0].pk, Decimal("100.00"), "000000000007"),
                                       (two_cases[1].pk, Decimal("250.00"), "000000000007")])


def test_the_same_payments_again_are_not_booked(creditor, two_cases):
    data = one_serial_in_two_deposits(two_cases)
    payments_import(name="bg.txt", data=data)
    assert payments_import(name="bg.txt", data=data).already_imported_at is not None
    resent = payments_import(name="bg-resent.txt", data=data.replace(b"120000000000P", b"130000000000P", 1))
    assert (resent.duplicates.count, resent.matched.count, resent.unmatched.count) == (2, 0, 0)
    assert len(booked(creditor)) == 2


def test_payments_booked_before_identities_are_recognised_by_their_serial(creditor, two_cases):
    data = bgmax_file([(two_cases[0].ocr_reference, Decimal("100.00"))], bankgiro="9999-9999", day=PAID_ON)
    payments_import(name="bg.txt", data=data)
    with scopes_disabled():  # as migration 0012 left a payment imported before it
        Payment.objects.update(identity="000000000001")
    resent = payments_import(name="bg-resent.txt", data=data.replace(b"120000000000P", b"130000000000P", 1))
    assert (resent.duplicates.count, resent.matched.count) == (1, 0)


def test_two_records_alike_in_every_field_are_two_payments_and_stay_two(creditor, two_cases):
    ocr = two_cases[0].ocr_reference
    data = bgmax_file([(ocr, Decimal("100.00")), (ocr, Decimal("100.00"))], bankgiro="9999-9999", day=PAID_ON)
    lines = data.decode("latin-1").split("\r\n")
    lines[3] = lines[3][:57] + lines[2][57:69] + lines[3][69:]  # the same serial too
    data = "\r\n".join(lines).encode("latin-1")
    assert payments_import(name="bg.txt", data=data).matched.count == 2
    resent = payments_import(name="bg-resent.txt", data=data.replace(b"120000000000P", b"130000000000P", 1))
    assert (resent.duplicates.count, resent.matched.count) == (2, 0)
    assert len(booked(creditor)) == 2


def test_the_database_refuses_one_identity_twice(creditor, two_cases):
    payments_import(name="bg.txt", data=one_serial_in_two_deposits(two_cases))
    with scopes_disabled():
        first = Payment.objects.order_by("pk").first()
        copy = {f.attname: getattr(first, f.attname) for f in Payment._meta.concrete_fields if f.attname != "id"}
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(**copy)
        Payment.objects.create(**{**copy, "part": 1})  # a part of a payment spread across cases: one row per case
