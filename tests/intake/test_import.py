"""Ledger import: what a creditor's finance team checks after uploading its ERP export."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, CaseEvent, EntryKind, Invoice, LedgerEntry, Payment
from cases.stages import ClosedReason, Stage
from core.tenancy import creditor_scope
from debtors.models import Debtor
from dunning.balances import case_balance
from dunning.services import case_open_and_plan
from intake.models import LedgerImport
from intake.service import LedgerRejected, ledger_import

TODAY = datetime.date(2026, 11, 23)
HEADER = "customer_number,customer_name,customer_type,identity_number,invoice_number,invoice_date,due_date,amount"
LEDGER = "\n".join([
    HEADER,
    "00042,Anna Andersson,consumer,19811218-9876,F1001,2026-09-01,2026-10-01,1250.00",
    "00042,Anna Andersson,consumer,19811218-9876,F1002,2026-09-15,2026-10-15,300.50",
    "0007,Byggbolaget AB,company,556703-7485,F1003,2026-10-01,2026-10-31,12500.00",
]) + "\n"


def run(creditor, text_or_bytes, **options):
    data = text_or_bytes.encode() if isinstance(text_or_bytes, str) else text_or_bytes
    with creditor_scope(creditor):
        return ledger_import(creditor=creditor, data=data, name="ledger.csv", today=TODAY, **options)


def snapshot(creditor) -> dict:
    """Everything an import can touch, as plain values."""
    with creditor_scope(creditor):
        return {
            "debtors": sorted(Debtor.objects.values_list("customer_number", "name", "customer_type", "identity_number",
                                                         "email", "city", "language")),
            "invoices": sorted(Invoice.objects.values_list("invoice_number", "debtor__customer_number", "amount",
                                                           "invoice_date", "due_date", "reminder_fee_agreed",
                                                           "open_amount_reported", "paid_on")),
            "cases": sorted(Case.objects.values_list("invoice__invoice_number", "stage", "closed_reason",
                                                     "next_action", "next_step_on")),
            "entries": sorted(LedgerEntry.objects.values_list("case__invoice__invoice_number", "kind", "component",
                                                              "amount", "booked_on")),
            "events": CaseEvent.objects.count(),
            "payments": Payment.objects.count(),
        }


def test_a_ledger_creates_debtors_invoices_and_cases(creditor):
    report = run(creditor, LEDGER)
    assert (report.created, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 0)
    with creditor_scope(creditor):
        anna = Debtor.objects.get(customer_number="00042")  # leading zeros survive
        assert anna.identity_number == "19811218-9876" and anna.invoices.count() == 2
        assert Debtor.objects.get(customer_number="0007").customer_type == "company"
        case = Case.objects.get(invoice__invoice_number="F1001")
        assert case.stage == Stage.REMINDER and case.ocr_reference
        assert case_balance(case, as_of=TODAY).principal == Decimal("1250.00")
        assert LedgerImport.objects.get().created == 3


def test_an_imported_case_is_the_case_case_open_makes(creditor):
    """The bulk path and the one-by-one service agree on ledger and plan."""
    run(creditor, LEDGER)
    with creditor_scope(creditor):
        imported = {c.invoice.invoice_number: c for c in Case.objects.select_related("invoice", "debtor")}
    from tests.factories import make_creditor
    third = make_creditor("third", "Third AB", "556016-0680")
    with creditor_scope(third):
        for number, case in imported.items():
            debtor, _ = Debtor.objects.get_or_create(creditor=third, customer_number=case.debtor.customer_number,
                                                     name=case.debtor.name, customer_type=case.debtor.customer_type)
            source = case.invoice
            invoice = Invoice.objects.create(creditor=third, debtor=debtor, invoice_number=number,
                                             invoice_date=source.invoice_date, due_date=source.due_date,
                                             amount=source.amount)
            opened = case_open_and_plan(invoice=invoice, opened_on=TODAY)
            assert (opened.stage, opened.next_action, opened.next_step_on) == (
                case.stage, case.next_action, case.next_step_on)
            with creditor_scope(creditor):
                mine = list(LedgerEntry.objects.filter(case=case).values_list("kind", "amount", "booked_on"))
            assert list(LedgerEntry.objects.filter(case=opened).values_list("kind", "amount", "booked_on")) == mine


def test_the_same_file_twice_changes_nothing(creditor):
    run(creditor, LEDGER)
    before = snapshot(creditor)
    report = run(creditor, LEDGER)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert snapshot(creditor) == before


SWEDISH = ("Kundnummer;Namn;Kundtyp;Personnummer;Fakturanummer;Fakturadatum;Förfallodatum;Belopp;Ort\n"
           "00042;Anna Åström;privatperson;198112189876;F1001;20260901;2026-10-01;1\u00a0250,00;Örebro\n"
           "00042;Anna Åström;privatperson;198112189876;F1002;2026-09-15;20261015;300,50;Örebro\n"
           "0007;Byggbolaget AB;företag;5567037485;F1003;2026-10-01;2026-10-31;12 500,00;Västerås\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_every_supported_encoding_imports_identically(creditor, other_creditor, encoding):
    run(creditor, SWEDISH.encode("utf-8"))
    run(other_creditor, SWEDISH.encode(encoding))
    mine, theirs = snapshot(creditor), snapshot(other_creditor)
    assert theirs == mine
    assert ("00042", "Anna Åström", "consumer", "19811218-9876", "", "Örebro", "sv") in mine["debtors"]
    assert ("F1003", "0007", Decimal("12500.00"), datetime.date(2026, 10, 1), datetime.date(2026, 10, 31), False,
            Decimal("12500.00"), None) in mine["invoices"]


def test_an_xlsx_workbook_imports_like_the_csv(creditor, other_creditor):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in SWEDISH.splitlines():
        sheet.append(line.split(";"))
    sheet["E4"] = "F1003"
    sheet["F4"] = datetime.date(2026, 10, 1)  # a real date cell
    sheet["H3"] = 300.5  # a number cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    run(creditor, SWEDISH)
    report = run(other_creditor, buffer.getvalue())
    assert report.format == "xlsx"
    assert snapshot(other_creditor) == snapshot(creditor)


def test_a_malformed_row_stores_nothing_and_names_row_column_and_reason(creditor):
    run(creditor, LEDGER)
    before = snapshot(creditor)
    bad = LEDGER.replace("F1002,2026-09-15", "F1002,2026-13-15") + (
        "0099,Ny Kund,consumer,,F2001,2026-10-01,2026-10-31,1 000\n"
        "0100,Felaktig,consumer,19811218-9875,F2002,2026-10-01,2026-10-31,50\n")
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, bad)
    problems = {(p.row, p.column): p for p in rejected.value.report.problems}
    assert set(problems) == {(3, "invoice_date"), (6, "identity_number")}
    assert problems[(3, "invoice_date")].value == "2026-13-15"
    assert "date" in problems[(3, "invoice_date")].reason
    assert snapshot(creditor) == before  # the valid new row F2001 was not stored either


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(creditor):
    bad = LEDGER + "0100,Felaktig,consumer,,F2002,2026-10-01,2026-10-31,12.345\n"
    report = run(creditor, bad, skip_invalid=True)
    assert (report.created, report.rejected) == (3, 1)
    assert report.problems[0].row == 5
    with creditor_scope(creditor):
        assert not Invoice.objects.filter(invoice_number="F2002").exists()


def test_a_dry_run_counts_but_stores_nothing(creditor):
    report = run(creditor, LEDGER, dry_run=True)
    assert report.created == 3
    assert snapshot(creditor)["invoices"] == [] and snapshot(creditor)["debtors"] == []


def test_a_lower_open_amount_is_a_payment_to_the_creditor_and_zero_closes_the_case(creditor):
    run(creditor, LEDGER)
    with_open = LEDGER.replace(HEADER, HEADER + ",open_amount").splitlines()
    with_open[1] += ",1000.00"
    with_open[2] += ",0"
    with_open[3] += ",12500.00"
    report = run(creditor, "\n".join(with_open) + "\n")
    assert (report.updated, report.unchanged) == (2, 1)
    with creditor_scope(creditor):
        part = Case.objects.get(invoice__invoice_number="F1001")
        payment = Payment.objects.get(case=part)
        assert payment.amount == Decimal("250.00") and payment.source == "direct"
        assert part.stage == Stage.REMINDER
        settled = Case.objects.get(invoice__invoice_number="F1002")
        assert (settled.stage, settled.closed_reason) == (Stage.CLOSED, ClosedReason.PAID)
        assert case_balance(settled, as_of=TODAY).total == 0
    assert run(creditor, "\n".join(with_open) + "\n").unchanged == 3


def test_an_open_amount_cannot_rise_or_an_invoice_change(creditor):
    run(creditor, LEDGER.replace(HEADER, HEADER + ",open_amount").replace("1250.00", "1250.00,1000.00")
        .replace("300.50", "300.50,300.50").replace("12500.00", "12500.00,12500.00"))
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, LEDGER.replace("2026-10-31", "2026-11-30"))
    reasons = {p.column: p.reason for p in rejected.value.report.problems}
    assert set(reasons) == {"open_amount", "due_date"}
    assert "can only fall" in reasons["open_amount"] and "credit note" in reasons["due_date"]


def test_a_credit_note_reduces_its_invoice_once(creditor):
    credit = LEDGER.replace(HEADER, HEADER + ",credited_invoice") + (
        "00042,Anna Andersson,consumer,19811218-9876,K9001,2026-10-05,2026-10-05,-250.00,F1001\n")
    report = run(creditor, credit)
    assert report.created == 4
    with creditor_scope(creditor):
        case = Case.objects.get(invoice__invoice_number="F1001")
        assert case_balance(case, as_of=datetime.date(2026, 10, 1)).principal == Decimal("1250.00")
        assert case_balance(case, as_of=TODAY).principal == Decimal("1000.00")
        assert LedgerEntry.objects.filter(case=case, kind=EntryKind.CREDIT).count() == 1
    again = run(creditor, credit)
    assert (again.created, again.unchanged) == (0, 4)


def test_a_credit_note_for_an_unknown_invoice_is_rejected(creditor):
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, LEDGER.replace(HEADER, HEADER + ",credited_invoice")
            + "00042,Anna Andersson,consumer,19811218-9876,K9001,2026-10-05,2026-10-05,-250.00,F7777\n")
    assert [(p.row, p.column) for p in rejected.value.report.problems] == [(5, "credited_invoice")]


def test_one_customer_described_two_ways_is_rejected(creditor):
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, LEDGER.replace("F1002,2026-09-15", "F1002,2026-09-15").replace(
            "00042,Anna Andersson,consumer,19811218-9876,F1002", "00042,Anna Berg,consumer,19811218-9876,F1002"))
    problem = rejected.value.report.problems[0]
    assert (problem.row, problem.column) == (3, "customer_name") and "row 2" in problem.reason


def test_a_file_without_required_columns_is_refused_before_reading_rows(creditor):
    from core.errors import ValidationError

    with pytest.raises(ValidationError, match="amount"):
        run(creditor, "customer_number,customer_name,invoice_number,invoice_date,due_date\n1,A,F1,2026-01-01,2026-02-01\n")


def test_row_and_size_limits_refuse_the_file_whole(creditor, settings):
    from core.errors import ValidationError

    settings.LEDGER_IMPORT_MAX_ROWS = 2
    with pytest.raises(ValidationError, match="limit is 2"):
        run(creditor, LEDGER)
    settings.LEDGER_IMPORT_MAX_ROWS = 100
    settings.LEDGER_IMPORT_MAX_XLSX_UNPACKED = 10_000
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["x" * 20_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ValidationError, match="unpacks to"):
        run(creditor, buffer.getvalue())
    assert snapshot(creditor)["debtors"] == []


def test_the_command_prints_the_summary_and_exits_1_on_a_rejected_row(creditor, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(LEDGER)
    bad.write_text(LEDGER + "0100,X,consumer,,F2002,2026-10-01,2026-10-31,abc\n")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was stored"):
        call_command("import_ledger", str(bad), creditor="acme", stdout=out, stderr=err)
    assert "rejected: row 5, amount 'abc': not an amount" in err.getvalue()
    call_command("import_ledger", str(good), creditor="acme", stdout=out, stderr=err)
    assert "created 3, updated 0, unchanged 0, rejected 0" in out.getvalue()


def test_invoice_numbers_are_per_creditor(creditor, other_creditor):
    run(creditor, LEDGER)
    report = run(other_creditor, LEDGER)
    assert report.created == 3
    with creditor_scope(creditor):
        assert Invoice.objects.count() == 3


def test_the_shipped_example_ledger_imports_cleanly(creditor):
    from pathlib import Path

    data = (Path(__file__).resolve().parents[2] / "examples" / "ledger.csv").read_bytes()
    report = run(creditor, data)
    assert (report.encoding, report.created, report.rejected) == ("cp1252", 5, 0)
    with creditor_scope(creditor):
        assert Debtor.objects.get(customer_number="020311").name == "Åkerö Snickeri AB"
        credited = Case.objects.get(invoice__invoice_number="EX-5003")
        assert case_balance(credited, as_of=TODAY).principal == Decimal("17500.00")
        part_paid = Case.objects.get(invoice__invoice_number="EX-5002")
        assert case_balance(part_paid, as_of=TODAY).principal == Decimal("400.00")
        assert not Case.objects.filter(invoice__invoice_number="EX-5005").exists()  # settled before hand-over
        assert Invoice.objects.get(invoice_number="EX-5005").open_amount_reported == 0


def test_a_credit_note_must_come_from_its_invoices_customer(creditor):
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, LEDGER.replace(HEADER, HEADER + ",credited_invoice")
            + "0007,Byggbolaget AB,company,556703-7485,K9002,2026-10-05,2026-10-05,-100.00,F1001\n")
    problem = rejected.value.report.problems[0]
    assert (problem.row, problem.column) == (5, "customer_number") and "00042" in problem.reason


def test_a_stored_invoice_keeps_its_customer_and_a_paid_one_takes_no_credit_note(creditor):
    run(creditor, LEDGER.replace(HEADER, HEADER + ",open_amount").replace("1250.00", "1250.00,1250.00")
        .replace("300.50", "300.50,0").replace("12500.00", "12500.00,12500.00"))  # F1002 paid before handover
    with creditor_scope(creditor):
        assert not Case.objects.filter(invoice__invoice_number="F1002").exists()
    before = snapshot(creditor)
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, LEDGER.replace(HEADER, HEADER + ",credited_invoice")
            .replace("00042,Anna Andersson,consumer,19811218-9876,F1001",
                     "0007,Byggbolaget AB,company,556703-7485,F1001")
            + "00042,Anna Andersson,consumer,19811218-9876,K9003,2026-10-05,2026-10-05,-100.00,F1002\n"
            + "0007,Byggbolaget AB,company,556703-7485,K9004,2026-10-05,2026-10-05,-100.00,F1002\n")
    problems = {(p.row, p.column): p.reason for p in rejected.value.report.problems}
    assert problems == {
        (2, "customer_number"): "invoice F1001 belongs to customer 00042",
        (3, "open_amount"): "rose from 0,00: an open amount can only fall",  # the file has no open amounts
        (5, "credited_invoice"): "that invoice is not under collection (it was paid before it was handed over)",
        (6, "customer_number"): "the credited invoice F1002 belongs to customer 00042",
    }
    assert snapshot(creditor) == before
