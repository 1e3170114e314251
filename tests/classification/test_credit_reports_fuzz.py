"""Credit-report files: any bytes end in a report or the import's own refusal, never in
another exception; hostile values are rejected with row, column, value and reason."""
import csv
import datetime
import io

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from classification.credit_reports import CreditReportsRejected, credit_reports_import
from classification.models import CreditReport
from core.errors import ApplicationError
from core.filereport import FileReport
from core.tenancy import creditor_scope
from tests.intake.test_fuzz import mutated, zip_mutated

TODAY = datetime.date(2026, 11, 23)
HEADER = ["identity_number", "score", "risk_class", "payment_remarks", "reported_on", "source", "Handläggare"]
VALID = {"identity_number": "19790305-1238", "score": "38", "risk_class": "4", "payment_remarks": "2",
         "reported_on": "2026-11-16", "source": "UC", "Handläggare": "Eva"}
HOSTILE = ["١٢", "１２", "1e3", "NaN", "-1", "99999999999", "2147483648", "00010101", "99991231", "9999-12-31",
           "２０２６-１１-１６", "\x00", "\x1b", "x" * 300, "", "556016-0680", "7903051238", "١٩٧٩٠٣٠٥١٢٣٨", "²" * 10]
texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20), st.from_regex(r"[0-9\-]{1,13}", fullmatch=True))


def run(creditor, data: bytes, **options):
    with creditor_scope(creditor):
        return credit_reports_import(creditor=creditor, data=data, name="reports.csv", today=TODAY, **options)


def stored(creditor) -> int:
    with creditor_scope(creditor):
        return CreditReport.objects.count()


def csv_of(*rows: dict) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows([row[column] for column in HEADER] for row in rows)
    return buffer.getvalue().encode()


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("score", "١٢", "must be a whole number from 0 to 100"),
    ("risk_class", "３", "must be a whole number from 1 to 5"),
    ("payment_remarks", "1e3", "must be a whole number, 0 or more"),
    ("identity_number", "١٩٧٩٠٣٠٥١٢٣٨", "may hold only the digits 0-9"),
    ("identity_number", "²²²²²²²²²²", "may hold only the digits 0-9"),
    ("reported_on", "0001-01-01", "is before 1900-01-01"),
    ("reported_on", "9999-12-31", "is after today (2026-11-23)"),
    ("reported_on", "２０２６-１１-１６", "is not a date"),
    ("source", "U\x1bC", "control character U+001B"),
])
def test_a_hostile_value_rejects_its_row_by_row_column_value_and_reason(creditor, column, value, reason):
    with pytest.raises(CreditReportsRejected) as rejected:
        run(creditor, csv_of({**VALID, column: value}))
    [problem] = rejected.value.report.problems
    shown = value.encode("unicode_escape").decode("ascii") if not value.isprintable() else value
    assert (problem.row, problem.column, problem.value) == (2, column, shown)
    assert reason in problem.reason
    assert stored(creditor) == 0


def test_an_unknown_column_is_named_and_the_file_imported(creditor):
    report = run(creditor, csv_of(VALID))
    assert (report.created, report.ignored_columns) == (1, ["Handläggare"])
    assert report.summary().splitlines() == ["ignored column: Handläggare",
                                             "reports.csv: 1 rows — created 1, unchanged 0, rejected 0"]


@st.composite
def csv_files(draw):
    header = draw(st.just(HEADER) | st.permutations(HEADER) | st.lists(texts, max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";"])))
    writer.writerow(header)
    for _ in range(draw(st.integers(1, 4))):
        row = dict(VALID)
        for column in draw(st.lists(st.sampled_from(HEADER), max_size=3)):
            row[column] = draw(texts)
        writer.writerow([row.get(column, "") for column in header])
    data = buffer.getvalue().encode(draw(st.sampled_from(["utf-8", "cp1252"])), errors="replace")
    return draw(mutated(data))


@st.composite
def xlsx_files(draw):
    sheet = Workbook()
    sheet.active.append(HEADER)
    values = st.one_of(texts.filter(str.isprintable), st.integers(-(10 ** 20), 10 ** 20),
                       st.floats(allow_nan=True, allow_infinity=True), st.dates(min_value=datetime.date(1900, 1, 1)),
                       st.none())
    for _ in range(draw(st.integers(1, 3))):
        row = dict(VALID)
        for column in draw(st.lists(st.sampled_from(HEADER), max_size=3)):
            row[column] = draw(values)
        sheet.active.append([row[column] for column in HEADER])
    buffer = io.BytesIO()
    sheet.save(buffer)
    return draw(st.just(buffer.getvalue()) | mutated(buffer.getvalue()) | zip_mutated(buffer.getvalue()))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=csv_files() | xlsx_files() | st.binary(max_size=200))
@example(data=b"\xef\xbb\xbf\xff")
@example(data=b"PK\x03\x04")
def test_any_file_ends_in_a_report_or_a_refusal(creditor, data):
    try:
        report = run(creditor, data, dry_run=True, skip_invalid=True)
    except CreditReportsRejected as rejected:
        report = rejected.report
    except ApplicationError as refused:
        assert refused.message
        event(f"refused: {refused.code}")
        report = None
    if report is not None:
        assert isinstance(report, FileReport)
        assert all(p.row >= 1 and p.column and p.reason and len(p.value) <= 41 for p in report.problems)
        event("some stored" if report.created else "none stored")
    assert stored(creditor) == 0
