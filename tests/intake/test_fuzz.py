"""Any bytes given to the ledger import end in a report or the import's own refusal — the
rejected rows (row, column, value, reason) or a file-level ValidationError — never in
another exception, and a dry run stores nothing. Driven through `ledger_import`, the
service `import_ledger` calls, with --dry-run --skip-invalid so the valid rows of a
file reach the writing code too."""
import csv
import datetime
import io
import zipfile

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cases.models import Case, Invoice
from core.errors import ApplicationError
from core.tenancy import creditor_scope
from debtors.models import Debtor
from intake.models import LedgerImport
from intake.service import LedgerImportReport, LedgerRejected, ledger_import

TODAY = datetime.date(2026, 11, 23)
FUZZ = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
HEADER = ["customer_number", "customer_name", "invoice_number", "invoice_date", "due_date", "amount", "open_amount",
          "paid_on", "customer_type", "identity_number", "email", "currency", "credited_invoice", "vip", "Säljare"]
VALID = {"customer_number": "42", "customer_name": "Anna Andersson", "invoice_number": "F1",
         "invoice_date": "2026-09-01", "due_date": "2026-10-01", "amount": "1250,00", "open_amount": "",
         "paid_on": "", "customer_type": "consumer", "identity_number": "19811218-9876", "email": "",
         "currency": "SEK", "credited_invoice": "", "vip": "", "Säljare": "Kalle"}
HOSTILE = ["1e27", "1e400", "NaN", "-inf", "١٢٣", "１２３", "1_000", "99991231", "9999-12-31", "0001-01-01",
           "1 000 000 000 000,00", "999999999999,99", "-999999999999,99", "0", "-0,00", "0,001", "2026-02-30",
           "\x00", "\x1b", "\ud800", "=HYPERLINK(\"x\")", "x" * 300, "  ", "yes", "company", "F1"]

DATES = ("invoice_date", "due_date", "paid_on")
AMOUNTS = ("amount", "open_amount")
# Dates near the ends of what datetime.date holds, and of the window a ledger row may use.
EDGES = [datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(1899, 12, 31), datetime.date(2101, 1, 1),
         TODAY + datetime.timedelta(days=1)]
dates = st.sampled_from(EDGES) | st.dates()
texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20),
                  st.from_regex(r"-?[0-9 ]{1,16}([,.][0-9]{1,3})?", fullmatch=True),
                  st.from_regex(r"[0-9]{4}-?[0-9]{2}-?[0-9]{2}", fullmatch=True))
date_texts = dates.map(lambda d: d.isoformat() if d.day % 2 else f"{d.year:04}{d.month:02}{d.day:02}") | texts
amount_texts = st.decimals(allow_nan=True, places=2).map(str) | st.integers().map(str) | texts


@st.composite
def ledger_rows(draw, cells, dates, amounts):
    """Rows that start valid, with some cells replaced (a date column by a date, mostly):
    so that some rows get through to the writing."""
    rows = []
    for number in range(draw(st.integers(1, 4))):
        row = {**VALID, "invoice_number": f"F{number}", "customer_number": str(draw(st.integers(1, 3)))}
        for column in draw(st.lists(st.sampled_from(HEADER + [*DATES, *AMOUNTS] * 2), max_size=3)):
            row[column] = draw(dates if column in DATES else amounts if column in AMOUNTS else cells)
        if row["paid_on"] and draw(st.booleans()):
            row["open_amount"] = "0"  # a paid_on counts once nothing is open
        rows.append(row)
    return rows


@st.composite
def csv_files(draw):
    header = draw(st.just(HEADER) | st.permutations(HEADER) | st.lists(texts, max_size=6))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=draw(st.sampled_from([",", ";"])))
    writer.writerow(header)
    for row in draw(ledger_rows(texts, date_texts, amount_texts)):
        writer.writerow([row.get(column, "") for column in header])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    data = buffer.getvalue().encode(encoding, errors="surrogatepass" if encoding.startswith("utf") else "replace")
    return draw(mutated(data))


@st.composite
def mutated(draw, data: bytes):
    """The bytes, or the bytes with some changed, cut short or repeated."""
    # Places are drawn as a share of the length: a workbook's length varies with the time it is saved at.
    place = st.integers(0, 10 ** 6).map(lambda share: share * len(data) // 10 ** 6)
    how = draw(st.sampled_from(["as is", "as is", "flip", "cut", "splice"]))
    if how == "flip" and data:
        changed = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            changed[min(draw(place), len(data) - 1)] = draw(st.integers(0, 255))
        return bytes(changed)
    if how == "cut":
        return data[:draw(place)]
    if how == "splice":
        at = draw(place)
        return data[:at] + draw(st.binary(max_size=40)) + data[at:]
    return data


cell_values = st.one_of(
    texts.filter(lambda t: not ILLEGAL_CHARACTERS_RE.search(t)),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.datetimes(min_value=datetime.datetime(1, 1, 1)),
    st.booleans(),
    st.none())


@st.composite
def xlsx_files(draw):
    sheet = Workbook()
    header = draw(st.just(HEADER) | st.permutations(HEADER))
    sheet.active.append(header)
    for row in draw(ledger_rows(cell_values, dates | cell_values, cell_values)):
        sheet.active.append([row.get(column, "") for column in header])
    buffer = io.BytesIO()
    try:
        sheet.save(buffer)
    except (ValueError, OverflowError, TypeError):  # a date openpyxl cannot write: nothing to test
        sheet = Workbook()
        sheet.save(buffer := io.BytesIO())
    return draw(mutated(buffer.getvalue()) | zip_mutated(buffer.getvalue()))


@st.composite
def zip_mutated(draw, data: bytes):
    """The workbook with one of its parts changed inside the zip: past the zip's own checks."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    victim = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            content = source.read(name)
            archive.writestr(name, draw(mutated(content)) if name == victim else content)
    return out.getvalue()


def import_ends_well(creditor, data: bytes) -> None:
    """The property: a report or the import's own refusal, nothing stored, and each rejected row named."""
    with creditor_scope(creditor):
        try:
            report = ledger_import(creditor=creditor, data=data, name="fuzz", today=TODAY, dry_run=True,
                                   skip_invalid=True)
        except LedgerRejected as rejected:
            report = rejected.report
        except ApplicationError as refused:
            assert refused.message
            event(f"refused: {refused.code}")
            report = None
        if report is not None:
            assert isinstance(report, LedgerImportReport)
            for problem in report.problems:
                assert isinstance(problem.row, int) and problem.row >= 1
                assert problem.column and problem.reason and len(problem.value) <= 41
            assert "\n" in report.summary() or report.summary().startswith("fuzz:")
            event("some rows written" if report.created + report.updated else "every row rejected")
        assert (Debtor.objects.count(), Invoice.objects.count(), Case.objects.count(),
                LedgerImport.objects.count()) == (0, 0, 0, 0)


@FUZZ
@given(data=csv_files())
def test_any_csv_ends_in_a_report_or_a_refusal(creditor, data):
    import_ends_well(creditor, data)


@FUZZ
@given(data=xlsx_files())
@example(data=b"PK\x03\x04")
def test_any_xlsx_ends_in_a_report_or_a_refusal(creditor, data):
    import_ends_well(creditor, data)


@FUZZ
@given(data=st.binary(max_size=300) | st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b))
@example(data=b"\xef\xbb\xbf\xff")
@example(data=b"")
def test_any_bytes_end_in_a_report_or_a_refusal(creditor, data):
    import_ends_well(creditor, data)
