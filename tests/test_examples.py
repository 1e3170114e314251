"""The README's walk-through files are in the repository and do what the README says."""
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone
from django_scopes import scopes_disabled

from cases.models import Payment, PaymentFile
from cases.ocr import MIN_BASE_DIGITS
from demo.seeding import DEMO_CREDITORS
from payments.files import parse

ROOT = Path(__file__).resolve().parents[1]
BGMAX_EXAMPLE = "examples/bgmax_example.txt"


def test_the_bgmax_example_imports_on_a_fresh_database_and_is_kept_for_an_agent(db, monkeypatch):
    monkeypatch.chdir(ROOT)  # the path exactly as the README writes it
    out = StringIO()
    call_command("import_payments", BGMAX_EXAMPLE, stdout=out)
    assert out.getvalue().replace("\u00a0", " ").strip() == (
        "bgmax_example.txt (bgmax): total 4 (2 100,00 kr), matched 0 (0,00 kr), unmatched 4 (2 100,00 kr), "
        "overpaid 0 (0,00 kr), duplicates skipped 0 (0,00 kr)")
    with scopes_disabled():
        stored = list(Payment.objects.order_by("record"))
    assert [(p.amount, p.ocr_reference, p.case_id) for p in stored] == [
        (payment.amount, payment.ocr_reference, None) for payment in parse((ROOT / BGMAX_EXAMPLE).read_bytes()).payments]
    assert all(p.unmatched_reason for p in stored)
    again = StringIO()
    call_command("import_payments", BGMAX_EXAMPLE, stdout=again)
    with scopes_disabled():
        first = PaymentFile.objects.get()
    # The time the user reads is Stockholm's, as every other time Fordra prints.
    assert again.getvalue().strip() == (
        f"bgmax_example.txt: already imported {timezone.localtime(first.imported_at):%Y-%m-%d %H:%M}; nothing imported")
    with scopes_disabled():
        assert Payment.objects.count() == 4


def test_the_bgmax_example_can_match_no_demo_case():
    """What the README promises for the demo: the file is neither paid to a demo creditor's
    bankgiro nor names a reference the demo can hand out (its references have 8+ digits)."""
    payments = parse((ROOT / BGMAX_EXAMPLE).read_bytes()).payments
    demo_bankgiros = {creditor.bankgiro.replace("-", "") for creditor in DEMO_CREDITORS}
    assert payments and not {p.receiver_account for p in payments} & demo_bankgiros
    assert all(len(p.ocr_reference) < MIN_BASE_DIGITS + 2 for p in payments)


def test_the_example_is_bankgirot_s_file_byte_for_byte():
    name = "bankgiroinbetalningar_exempelfil_avtal-om-ocr-kontroll_sv.txt"
    assert (ROOT / BGMAX_EXAMPLE).read_bytes() == (ROOT / "tests" / "data" / "bgmax" / name).read_bytes()
