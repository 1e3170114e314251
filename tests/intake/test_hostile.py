"""Hostile ledger files: each gives the rejected row (row, column, value, reason) or a
file-level refusal, stores nothing, and never ties up the import."""
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from cases.models import Case, Invoice
from core.errors import ValidationError
from core.tenancy import creditor_scope
from debtors.models import Debtor
from intake.models import LedgerImport
from core.tables import Deadline, TimeLimitExceeded, read_table
from intake.service import LedgerRejected, ledger_import

from .handmade_xlsx import number_cell, row, text_cell, text_row, workbook

TODAY = datetime.date(2026, 11, 23)
NOON = datetime.datetime(2026, 11, 23, 12, 0)
COLUMNS = ["customer_number", "customer_name", "invoice_number", "invoice_date", "due_date", "amount", "open_amount",
           "paid_on"]
GOOD = {"customer_number": "42", "customer_name": "Anna Andersson", "invoice_number": "F1",
        "invoice_date": "2026-09-01", "due_date": "2026-10-01", "amount": "1250.00", "open_amount": "", "paid_on": ""}


def csv_of(*rows: dict) -> bytes:
    lines = [";".join(COLUMNS)] + [";".join(r[c] for c in COLUMNS) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def run(creditor, data: bytes, **options):
    with creditor_scope(creditor):
        return ledger_import(creditor=creditor, data=data, name="ledger.csv", today=TODAY, **options)


def stored(creditor) -> tuple[int, int, int, int]:
    with creditor_scope(creditor):
        return (Debtor.objects.count(), Invoice.objects.count(), Case.objects.count(), LedgerImport.objects.count())


# column, value, a words the reason holds. The amounts' reasons are core.money.parse_amount's.
HOSTILE = [
    ("amount", "1e27", "exponent"),
    ("amount", "1e400", "exponent"),
    ("amount", "NaN", "not an amount"),
    ("amount", "١٢٣", "0-9"),
    ("amount", "１２３", "0-9"),
    ("amount", "1_000", "not an amount"),
    ("amount", "1 000 000 000 000,00", "largest amount"),
    ("amount", "-1 000 000 000 000,00", "largest amount"),
    ("amount", "1 000 000 000,00", "largest amount"),
    ("open_amount", "1e27", "exponent"),
    ("invoice_date", "99991231", "must be from 1900-01-01 to 2100-12-31"),
    ("invoice_date", "0001-01-01", "must be from 1900-01-01 to 2100-12-31"),
    ("due_date", "99991231", "must be from 1900-01-01 to 2100-12-31"),
    ("due_date", "9999-12-31", "must be from 1900-01-01 to 2100-12-31"),
    ("invoice_date", "２０２６-０９-０１", "is not a date"),
    ("paid_on", "9999-12-31", "must be from 1900-01-01 to today (2026-11-23)"),
    ("paid_on", "2026-11-24", "must be from 1900-01-01 to today (2026-11-23)"),
    ("paid_on", "00010101", "must be from 1900-01-01 to today"),
    ("customer_name", "Anna\x1bAndersson", "control character U+001B"),
]


@pytest.mark.parametrize(("column", "value", "reason"), HOSTILE, ids=[f"{c}={v!r}" for c, v, _ in HOSTILE])
def test_a_hostile_value_rejects_its_row_by_row_column_value_and_reason(creditor, column, value, reason):
    bad = {**GOOD, "invoice_number": "F2", column: value}
    if column == "paid_on":
        bad["open_amount"] = "0"
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, csv_of(GOOD, bad))
    [problem] = rejected.value.detail
    shown = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
    assert (problem["row"], problem["column"], problem["value"]) == (3, column, shown)
    assert reason in problem["reason"]
    assert stored(creditor) == (0, 0, 0, 0)


THROUGH_THE_COMMAND = [case for case in HOSTILE if case[:2] in {
    ("amount", "1e27"), ("amount", "١٢٣"), ("amount", "1 000 000 000 000,00"), ("invoice_date", "99991231"),
    ("paid_on", "9999-12-31")}]


@pytest.mark.parametrize(("column", "value", "reason"), THROUGH_THE_COMMAND,
                         ids=[f"{c}={v!r}" for c, v, _ in THROUGH_THE_COMMAND])
def test_the_command_prints_the_hostile_row_and_exits_1_storing_nothing(creditor, tmp_path, column, value, reason):
    bad = {**GOOD, column: value, **({"open_amount": "0"} if column == "paid_on" else {})}
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_of(bad))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was stored"), time_machine.travel(NOON, tick=False):
        call_command("import_ledger", str(path), "--creditor", "acme", stdout=io.StringIO(), stderr=err)
    assert f"rejected: row 2, {column} {value!r}: " in err.getvalue() and reason in err.getvalue()
    assert stored(creditor) == (0, 0, 0, 0)


def test_the_largest_claim_is_imported(creditor):
    report = run(creditor, csv_of({**GOOD, "amount": "999 999 999,99", "open_amount": "999999999.99"}))
    assert (report.created, report.rejected) == (1, 0)
    with creditor_scope(creditor):
        assert Invoice.objects.get().amount == Decimal("999999999.99")


def test_an_open_invoice_due_before_the_stored_reference_rates_is_rejected_not_left_to_stop_the_cycle(creditor):
    old = {**GOOD, "invoice_number": "F2", "invoice_date": "1999-12-01", "due_date": "1999-12-31"}
    paid = {**old, "invoice_number": "F3", "open_amount": "0", "paid_on": "2000-01-15"}
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, csv_of(GOOD, old, paid))
    [problem] = rejected.value.detail
    assert (problem["row"], problem["column"], problem["value"]) == (3, "due_date", "1999-12-31")
    assert "reference rate of the half-year from 2000-01-01, which is not stored" in problem["reason"]
    assert stored(creditor) == (0, 0, 0, 0)
    call_command("set_reference_rate", "2000-01-01", "2.25", stdout=io.StringIO())  # and none from 2000 H2 to 2022
    with pytest.raises(LedgerRejected, match="1 of 3 rows") as rejected:
        run(creditor, csv_of(GOOD, old, paid))
    assert "the half-year from 2000-07-01, which is not stored" in rejected.value.detail[0]["reason"]
    report = run(creditor, csv_of(GOOD, {**old, "due_date": "2022-12-31"}, paid))  # interest from 2023, shipped
    assert (report.created, report.rejected) == (3, 0)


def test_xlsx_numbers_and_dates_beyond_the_bounds_reject_their_rows(creditor):
    sheet = Workbook()
    sheet.active.append(COLUMNS)
    values = {"amount": 1e27, "open_amount": 10 ** 15, "invoice_date": datetime.date(1, 1, 1),
              "due_date": datetime.datetime(9999, 12, 31), "paid_on": datetime.date(9999, 12, 31)}
    for number, (column, value) in enumerate(values.items(), start=1):
        cells = {**GOOD, "invoice_number": f"F{number}", "amount": 10 ** 16 if column == "open_amount" else 100,
                 column: value}
        sheet.active.append([cells[c] for c in COLUMNS])
    data = io.BytesIO()
    sheet.save(data)
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, data.getvalue())
    problems = {(p["row"], p["column"], p["value"]) for p in rejected.value.detail}
    assert problems == {(2, "amount", "1000000000000000000000000000"), (3, "amount", "10000000000000000"),
                        (4, "invoice_date", "0001-01-01"), (5, "due_date", "9999-12-31"),
                        (6, "paid_on", "9999-12-31")}
    assert stored(creditor) == (0, 0, 0, 0)


@pytest.mark.parametrize("number", ["inf", "nan", "9" * 5000])
def test_an_xlsx_number_openpyxl_cannot_read_refuses_the_file_naming_the_row(creditor, number):
    data = workbook(text_row(1, COLUMNS), text_row(2, [GOOD[c] for c in COLUMNS]),
                    row(3, text_cell("A3", "43"), number_cell("F3", number)))
    with pytest.raises(ValidationError, match=r"the XLSX workbook cannot be read after row 2 \(ValueError"):
        run(creditor, data)
    assert stored(creditor) == (0, 0, 0, 0)


# A bomb: 1.6 KB declaring 16 384 columns and 200 000 rows; a cell at the last column, and one a billion rows down.
def bomb(*rows: str) -> bytes:
    return workbook(text_row(1, COLUMNS), *rows, row(3, number_cell("XFD3", "7")),
                    row(1_000_000_000, text_cell("A1000000000", "x")), dimension="A1:XFD200000")


def test_an_xlsx_bomb_reads_only_the_header_columns_and_the_rows_that_exist(creditor):
    data = bomb(text_row(2, [GOOD[c] for c in COLUMNS]))
    assert len(data) < 2000
    table = read_table(data)
    assert table.header == COLUMNS
    assert table.rows == [(2, [GOOD[c] for c in COLUMNS])]
    assert table.stopped_after == 2
    report = run(creditor, data, dry_run=True)
    assert (report.rows, report.created, report.rejected) == (1, 1, 0)
    assert "read up to row 2: 1,000 empty rows follow it" in report.summary()


def test_a_sheet_that_declares_too_small_a_size_is_read_whole(creditor):
    second = {**GOOD, "invoice_number": "F2"}
    table = read_table(workbook(text_row(1, COLUMNS), text_row(2, GOOD.values()), text_row(3, second.values()),
                                dimension="A1:A1"))
    assert table.header == COLUMNS and table.rows == [(2, list(GOOD.values())), (3, list(second.values()))]


def test_rows_after_a_gap_shorter_than_the_limit_are_read(creditor, settings):
    settings.LEDGER_IMPORT_MAX_EMPTY_ROWS = 10
    second = {**GOOD, "invoice_number": "F2"}
    near = read_table(workbook(text_row(1, COLUMNS), text_row(2, GOOD.values()), text_row(12, second.values())))
    assert [number for number, _ in near.rows] == [2, 12] and near.stopped_after is None
    far = read_table(workbook(text_row(1, COLUMNS), text_row(2, GOOD.values()), text_row(13, second.values())))
    assert [number for number, _ in far.rows] == [2] and far.stopped_after == 2


def test_a_header_wider_than_the_limit_is_refused(creditor, settings):
    settings.LEDGER_IMPORT_MAX_COLUMNS = 20
    header = COLUMNS + [f"extra {i}" for i in range(13)]
    for data in (",".join(header).encode() + b"\n", workbook(text_row(1, header))):
        with pytest.raises(ValidationError, match="the header has 21 columns; the limit is 20"):
            read_table(data)


def test_an_import_past_its_time_limit_is_refused_and_stores_nothing(creditor, settings, tmp_path):
    settings.LEDGER_IMPORT_MAX_SECONDS = 0
    with pytest.raises(TimeLimitExceeded, match=r"limit of 0 seconds \(LEDGER_IMPORT_MAX_SECONDS\) while reading "
                                                r"line 2; nothing was stored"):
        run(creditor, csv_of(GOOD))
    path = tmp_path / "ledger.csv"
    path.write_bytes(csv_of(GOOD))
    with pytest.raises(CommandError, match="LEDGER_IMPORT_MAX_SECONDS"):
        call_command("import_ledger", str(path), "--creditor", "acme", stdout=io.StringIO(), stderr=io.StringIO())
    assert stored(creditor) == (0, 0, 0, 0)


def test_time_running_out_while_storing_rolls_back_what_was_written(creditor, monkeypatch):
    check = Deadline.check

    def late(self, where, row=None):
        if where == "storing the rows":
            self.ends = 0.0  # the monotonic clock is past it
        return check(self, where, row)

    monkeypatch.setattr(Deadline, "check", late)
    with pytest.raises(TimeLimitExceeded, match="while storing the rows"):
        run(creditor, csv_of(GOOD, {**GOOD, "invoice_number": "F2"}))
    assert stored(creditor) == (0, 0, 0, 0)


def test_an_unknown_column_is_named_in_the_output_and_the_record_but_imported_around(creditor, tmp_path):
    data = ("kundnummer;namn;Säljare;fakturanummer;fakturadatum;förfallodatum;belopp;Projekt\n"
            "42;Anna Andersson;Kalle;F1;2026-09-01;2026-10-01;1250,00;P7\n").encode()
    report = run(creditor, data)
    assert (report.created, report.rejected, report.ignored_columns) == (1, 0, ["Säljare", "Projekt"])
    with creditor_scope(creditor):
        assert LedgerImport.objects.get().ignored_columns == ["Säljare", "Projekt"]
        assert Invoice.objects.get().amount == Decimal("1250.00")
    path = tmp_path / "ledger.csv"
    path.write_bytes(data.replace(b"F1", b"F2"))
    for dry_run in (["--dry-run"], []):
        out = io.StringIO()
        call_command("import_ledger", str(path), "--creditor", "acme", *dry_run, stdout=out, stderr=io.StringIO())
        assert out.getvalue().splitlines()[:2] == ["ignored column: Säljare", "ignored column: Projekt"]
    sheet = Workbook()
    sheet.active.append(["Säljare", *COLUMNS])
    sheet.active.append(["Kalle", *(GOOD | {"invoice_number": "F3"}).values()])
    xlsx = io.BytesIO()
    sheet.save(xlsx)
    assert run(creditor, xlsx.getvalue(), dry_run=True).notes() == ["ignored column: Säljare"]
