"""Payment files: matched by OCR reference, allocated, never dropped, never imported twice."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cases.models import Payment, PaymentFile
from cases.stages import Stage
from core.errors import ValidationError
from core.tenancy import creditor_scope, scopes_disabled
from dunning.balances import case_balance
from payments.importing import payment_assign, payments_import
from tests.factories import make_case
from tests.portal.members import sign_in_user

PAID_ON = datetime.date(2026, 11, 20)


@pytest.fixture
def cases(creditor, other_creditor):
    with creditor_scope(creditor):
        mine = make_case(creditor, amount=Decimal("1000.00"), due_date=datetime.date(2026, 11, 10))
    with creditor_scope(other_creditor):
        theirs = make_case(other_creditor, amount=Decimal("500.00"), due_date=datetime.date(2026, 11, 10))
    return mine, theirs


def csv_file(*lines: str) -> bytes:
    return ("ocr_reference;amount;paid_on;payer\n" + "\n".join(lines) + "\n").encode("cp1252")


def stored_payments():
    with scopes_disabled():
        return sorted(Payment.objects.values_list("case_id", "creditor_id", "amount", "unmatched_reason", "record"),
                      key=str)


def test_payments_are_matched_across_creditors_and_allocated(cases):
    mine, theirs = cases
    with creditor_scope(mine.creditor):
        owed = case_balance(mine, as_of=PAID_ON).total  # principal and ten days' interest
    assert owed > Decimal("1000.00")
    summary = payments_import(name="in.csv", data=csv_file(
        f"{mine.ocr_reference};{owed};{PAID_ON};Anna Åström",
        f"{theirs.ocr_reference};200,00;{PAID_ON};Bo Ek"))
    assert (summary.matched.count, summary.matched.amount) == (2, owed + Decimal("200.00"))
    with creditor_scope(mine.creditor):
        mine.refresh_from_db()
        assert mine.stage == Stage.CLOSED
        assert Payment.objects.get(case=mine).payer == "Anna Åström"
    with creditor_scope(theirs.creditor):  # interest first, then principal
        balance = case_balance(theirs, as_of=PAID_ON)
        assert balance.interest == 0 and Decimal("300.00") < balance.principal < Decimal("302.00")


def test_an_unmatched_payment_is_kept_with_its_record_and_reason(cases):
    mine, _ = cases
    wrong_check = mine.ocr_reference[:-1] + str((int(mine.ocr_reference[-1]) + 1) % 10)
    summary = payments_import(name="in.csv", data=csv_file(
        f"{wrong_check};100,00;{PAID_ON};X", f"99999999999999999999999;50,00;{PAID_ON};Y",
        f"faktura 1234;25,00;{PAID_ON};Z"))
    assert summary.unmatched.count == 3 and summary.matched.count == 0
    reasons = {record: reason for _, _, _, reason, record in stored_payments()}
    assert "check" in reasons[2] and "length" in reasons[2]  # a wrong check digit is never matched
    assert reasons[4] == "no OCR reference"
    with scopes_disabled():
        assert Payment.objects.get(record=4).free_text == "faktura 1234"
    with creditor_scope(mine.creditor):
        assert case_balance(mine, as_of=PAID_ON).principal == Decimal("1000.00")


def test_the_same_file_twice_imports_nothing(cases):
    mine, _ = cases
    data = csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X")
    payments_import(name="in.csv", data=data)
    before = stored_payments()
    again = payments_import(name="in-again.csv", data=data)
    assert again.already_imported_at is not None and "nothing imported" in str(again)
    assert stored_payments() == before


def test_a_bad_row_rejects_the_whole_file(cases):
    mine, _ = cases
    data = csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X", f"{mine.ocr_reference};1O0,00;{PAID_ON};Y")
    with pytest.raises(ValidationError, match="record 3"):
        payments_import(name="in.csv", data=data)
    assert stored_payments() == []
    with scopes_disabled():
        assert not PaymentFile.objects.exists()


def test_an_overpayment_is_reported_and_owed_back(cases):
    mine, _ = cases
    with creditor_scope(mine.creditor):
        owed = case_balance(mine, as_of=PAID_ON).total
    summary = payments_import(name="in.csv", data=csv_file(f"{mine.ocr_reference};{owed + 100};{PAID_ON};X"))
    assert (summary.overpaid.count, summary.overpaid.amount) == (1, Decimal("100.00"))
    with creditor_scope(mine.creditor):
        balance = case_balance(mine, as_of=PAID_ON)
        assert (balance.total, balance.overpayment) == (0, Decimal("100.00"))  # owed back to the debtor


def test_an_agent_assigns_an_unmatched_payment(cases):
    mine, theirs = cases
    payments_import(name="in.csv", data=csv_file(f"faktura {mine.invoice.invoice_number};400,00;{PAID_ON};X"))
    with scopes_disabled():
        payment = Payment.objects.get()
    assert payment.case_id is None and payment.creditor_id is None
    payment_assign(payment=payment, case=mine)
    with creditor_scope(mine.creditor):
        balance = case_balance(mine, as_of=PAID_ON)
        assert balance.interest == 0 and Decimal("600.00") < balance.principal < Decimal("603.00")
        assert Payment.objects.get().unmatched_reason == ""
    with creditor_scope(theirs.creditor):
        assert not Payment.objects.exists()  # never shown to another creditor
    from core.errors import Conflict

    with pytest.raises(Conflict):
        payment_assign(payment=payment, case=theirs)


def test_a_creditors_own_file_matches_only_its_cases(cases):
    mine, theirs = cases
    summary = payments_import(name="own.csv", creditor=mine.creditor, data=csv_file(
        f"{mine.ocr_reference};100,00;{PAID_ON};X", f"{theirs.ocr_reference};100,00;{PAID_ON};Y"))
    assert (summary.matched.count, summary.unmatched.count) == (1, 1)
    with scopes_disabled():
        stray = Payment.objects.get(case__isnull=True)
    assert stray.creditor_id == mine.creditor_id


def test_the_command_prints_the_summary(cases, tmp_path):
    mine, _ = cases
    path = tmp_path / "in.csv"
    path.write_bytes(csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X", f"123;5,00;{PAID_ON};Y"))
    out = io.StringIO()
    call_command("import_payments", str(path), stdout=out)
    assert "matched 1 (100,00 kr), unmatched 1 (5,00 kr)" in out.getvalue()
    with pytest.raises(CommandError, match="not a BgMax, camt.054 or CSV"):
        path.write_bytes(b"hello")
        call_command("import_payments", str(path))


BGMAX_DIR = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "bgmax"
EXAMPLES = sorted(BGMAX_DIR.glob("*.txt"))


def test_a_bgmax_file_pays_the_cases_its_ocr_references_name(cases):
    from .bgmax_files import bgmax_file

    mine, theirs = cases
    data = bgmax_file([(mine.ocr_reference, Decimal("100.00")), (theirs.ocr_reference, Decimal("50.00"))],
                      bankgiro="9999-9999", day=PAID_ON)  # the agency's own bankgiro: the OCR decides
    summary = payments_import(name="bg.txt", data=data)
    assert (summary.format, summary.matched.count, summary.matched.amount) == ("bgmax", 2, Decimal("150.00"))
    with creditor_scope(theirs.creditor):
        payment = Payment.objects.get(case=theirs)
        assert (payment.source, payment.record, payment.account, payment.reference) == (
            "bgmax", 4, "99999999", "000000000002")
    # The same payments in another file (another run of the bank's export) are not imported twice.
    again = payments_import(name="bg-again.txt", data=data.replace(b"120000000000P", b"130000000000P", 1))
    assert (again.duplicates.count, again.matched.count) == (2, 0)


def test_a_payment_to_a_creditors_bankgiro_stays_with_that_creditor(cases):
    from .bgmax_files import bgmax_file

    mine, theirs = cases
    data = bgmax_file([(theirs.ocr_reference, Decimal("50.00")), ("1234", Decimal("5.00"))],
                      bankgiro=mine.creditor.bankgiro, day=PAID_ON)
    payments_import(name="bg.txt", data=data)
    with creditor_scope(mine.creditor):  # received on Acme's bankgiro: Acme's money, matched or not
        assert Payment.objects.filter(case__isnull=True).count() == 1
    with creditor_scope(theirs.creditor):
        assert Payment.objects.get(case=theirs).amount == Decimal("50.00")  # the OCR names a case of theirs


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name[:40])
def test_every_bankgirot_example_file_is_kept_whole(db, path):
    from payments.files import parse

    data = path.read_bytes()
    parsed = parse(data)
    summary = payments_import(name=path.name, data=data)
    assert summary.total.count == len(parsed.payments) > 0
    assert summary.total.amount == parsed.total
    assert summary.unmatched.count == len(parsed.payments)  # no case of ours has Bankgirot's example references
    with scopes_disabled():
        stored = list(Payment.objects.order_by("record"))
    assert [(p.record, p.amount, p.ocr_reference) for p in stored] == [
        (p.record, p.amount, p.ocr_reference) for p in parsed.payments]
    assert all(p.unmatched_reason for p in stored)


def test_a_corrupted_bgmax_file_stores_nothing(db):
    data = bytearray(EXAMPLES[0].read_bytes())
    start = data.index(b"\n20") + 1 if b"\n20" in data else next(
        i for i in range(0, len(data), 80) if data[i:i + 2] == b"20")
    amount_at = start + 54  # the last digit of the first payment's amount
    data[amount_at] = ord("1") if data[amount_at] != ord("1") else ord("2")
    with pytest.raises(ValidationError, match="record"):
        payments_import(name="broken.txt", data=bytes(data))
    assert stored_payments() == []
    with scopes_disabled():
        assert not PaymentFile.objects.exists()


def test_an_agent_assigns_in_the_admin_by_ocr_reference(cases, client, django_user_model):
    mine, _ = cases
    payments_import(name="in.csv", data=csv_file(f"betalning {mine.invoice.invoice_number};400,00;{PAID_ON};X"))
    with scopes_disabled():
        payment = Payment.objects.get()
    sign_in_user(client, django_user_model.objects.create_superuser("boss@fordra.demo", "boss@fordra.demo", "x"))
    listing = client.get("/admin/cases/payment/?case__isempty=1")
    assert listing.status_code == 200 and "no OCR reference" in listing.content.decode()
    response = client.post(f"/admin/cases/payment/{payment.pk}/change/", {"assign_to": "000000"})
    assert "no case has that id or OCR reference" in response.content.decode()
    response = client.post(f"/admin/cases/payment/{payment.pk}/change/", {"assign_to": mine.ocr_reference})
    assert response.status_code == 302
    with creditor_scope(mine.creditor):
        assert Payment.objects.get().case == mine


def test_a_camt054_notification_pays_the_case_its_structured_reference_names(cases):
    from pathlib import Path

    mine, _ = cases
    fixture = Path(__file__).parent / "files" / "fixtures" / "camt054_v08.xml"
    data = fixture.read_bytes().replace(b"<Ref>00100388</Ref>", f"<Ref>{mine.ocr_reference}</Ref>".encode())
    summary = payments_import(name="camt.xml", data=data)
    assert summary.format == "camt054" and summary.matched.count == 1
    with creditor_scope(mine.creditor):
        payment = Payment.objects.get(case=mine)
    assert (payment.amount, payment.payer, payment.source) == (Decimal("300.00"), "Åsa Öberg", "camt054")
    assert summary.unmatched.count == summary.total.count - 1  # the rest kept for an agent
