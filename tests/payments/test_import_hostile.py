"""A hostile payment file stops `import_payments` with one line and exit status 1, storing nothing.

Before issue #16 a CSV payment of 1e13 was stored; afterwards the creditor's dashboard,
case list, case pages, API and daily cycle failed on reading it back.
"""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import LedgerEntry, Payment, PaymentFile
from core.errors import ValidationError
from core.money import MAX_AMOUNT
from core.tenancy import scopes_disabled
from payments.importing import payments_import
from tests.payments.files.test_fuzz import mutated
from tests.factories import make_case

from .bgmax_files import bgmax_file

PAID_ON = datetime.date(2026, 11, 20)
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def case(creditor):
    with scopes_disabled():
        return make_case(creditor, amount=Decimal("1000.00"), due_date=datetime.date(2026, 11, 10))


def stored() -> tuple[int, int, int]:
    with scopes_disabled():
        return PaymentFile.objects.count(), Payment.objects.count(), LedgerEntry.objects.count()


def run_command(path: Path) -> CommandError:
    with pytest.raises(CommandError) as refused:
        call_command("import_payments", str(path))
    return refused.value


def test_a_csv_payment_of_1e13_stops_the_command_and_stores_nothing(case, tmp_path):
    before = stored()
    path = tmp_path / "in.csv"
    path.write_text(f"ocr_reference;amount;paid_on\n{case.ocr_reference};10000000000000,00;{PAID_ON}\n")
    error = run_command(path)
    assert error.returncode == 1
    assert str(error) == ("record 2: amount: amount '10000000000000,00' is beyond 999\u00a0999\u00a0999\u00a0999,99, "
                          "the largest amount Fordra holds")
    assert stored() == before


@pytest.mark.parametrize("amount, message", [
    ("1e13", "record 2: amount: not an amount: '1e13' (an exponent; write the amount out)"),
    ("NaN", "record 2: amount: not an amount: 'NaN'"),
    ("١٢٣", "record 2: amount: not an amount: '١٢٣' (write the digits 0-9)"),
])
def test_a_hostile_csv_amount_stops_the_command(case, tmp_path, amount, message):
    before = stored()
    path = tmp_path / "in.csv"
    path.write_text(f"ocr_reference;amount;paid_on\n{case.ocr_reference};{amount};{PAID_ON}\n", encoding="utf-8")
    assert str(run_command(path)) == message
    assert stored() == before


def test_a_bgmax_payment_of_18_digits_of_ore_stops_the_command(case, tmp_path):
    before = stored()
    data = bgmax_file([(case.ocr_reference, Decimal("100.00"))], bankgiro="9999-9999", day=PAID_ON)
    path = tmp_path / "bg.txt"
    path.write_bytes(data.replace(b"000000000000010000", b"099999999999999999", 1))
    assert str(run_command(path)).startswith("record 3: amount 999\u00a0999\u00a0999\u00a0999\u00a0999,99 is beyond")
    assert stored() == before


def test_a_payment_dated_after_today_is_refused_with_its_record(case, tmp_path):
    before = stored()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)  # the command's clock
    path = tmp_path / "in.csv"
    path.write_text(f"ocr_reference;amount;paid_on\n{case.ocr_reference};100,00;{PAID_ON}\n"
                    f"{case.ocr_reference};100,00;{tomorrow}\n")
    assert str(run_command(path)).startswith(f"record 3: paid_on: {tomorrow} is after today")
    data = bgmax_file([(case.ocr_reference, Decimal("100.00"))], bankgiro="9999-9999", day=PAID_ON)
    data = data.replace(b"0120261120", b"0120261101", 1)  # written on the 1st: only the deposit is in the future
    with pytest.raises(ValidationError, match="record 4: payment date 2026-11-20 is after today \\(2026-11-19\\)"):
        payments_import(name="bg.txt", data=data, today=PAID_ON - datetime.timedelta(days=1))
    assert stored() == before


def test_payments_each_within_the_bound_but_beyond_it_together_are_refused(case):
    before = stored()
    data = (f"ocr_reference;amount;paid_on\n{case.ocr_reference};{MAX_AMOUNT};{PAID_ON}\n"
            f"123;0,01;{PAID_ON}\n").encode()
    too_much = "1\u00a0000\u00a0000\u00a0000\u00a0000,00 kr"
    with pytest.raises(ValidationError, match=f"the file's payments add up to {too_much}"):
        payments_import(name="in.csv", data=data, today=TODAY)
    assert stored() == before


VALID_FILES = [
    bgmax_file([("00100180", Decimal("1250.00")), ("1234", Decimal("99.50"))], bankgiro="991-2346", day=PAID_ON),
    (Path(__file__).resolve().parent / "files" / "fixtures" / "camt054_v08.xml").read_bytes(),
    f"ocr_reference;amount;paid_on;payer\n00100180;1 250,00;{PAID_ON};Anna\n".encode(),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=500), mutated(VALID_FILES)))
def test_any_bytes_to_the_import_end_in_a_summary_or_its_error_with_nothing_stored(db, data):
    with transaction.atomic():
        before = stored()
        try:
            summary = payments_import(name="fuzz", data=data, today=TODAY)
        except ValidationError as error:
            assert error.message and "\n" not in error.message
            assert stored() == before
        else:
            assert summary.already_imported_at or stored()[0] == before[0] + 1
        transaction.set_rollback(True)
