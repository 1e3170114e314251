"""Credit reports in: from a file a bureau or the creditor exports, or from a bureau directly.

    credit_reports_import(creditor=…, data=…, name=…, dry_run=False, skip_invalid=False) -> CreditImportReport
    credit_reports_fetch(creditor=…, bureau=…, identity_numbers=…, on=…) -> int

Both work like the ledger import (`intake.service`), whose reader and `Problem`
they share: everything is checked before anything is written, a problem names row,
column, value and reason, and a problem anywhere stores nothing (an import told to skip
invalid rows stores the others). A report is what a bureau said about one identity
number on one day, so a stored report never changes: the same report again counts as
unchanged, and the same identity number, day and source with other values is refused
rather than overwriting the evidence a classification was made on. Run inside the
creditor's scope.
"""
import dataclasses
import datetime
import re
from contextlib import contextmanager
from pathlib import PurePath

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, ValidationError
from core.filereport import EARLIEST, FileRejected, FileReport, Problem, RowError, check_characters
from core.identity import parse_identity_number
from debtors.models import Debtor
from core.tables import Deadline, header_positions, ignored_columns, read_table

from .bureau import CreditBureau, ReportData
from .models import CreditReport
from .services import reclassify

# field → accepted header names (lower case; spaces, dashes and underscores are equal).
COLUMNS = {
    "identity_number": ("identity_number", "personnummer", "organisationsnummer", "orgnr", "org_number"),
    "score": ("score", "kreditbetyg"),
    "risk_class": ("risk_class", "riskklass"),
    "payment_remarks": ("payment_remarks", "betalningsanmärkningar", "betalningsanmarkningar", "anmärkningar",
                        "anmarkningar"),
    "reported_on": ("reported_on", "rapportdatum", "datum"),
    "source": ("source", "källa", "kalla"),
}
REQUIRED = ("identity_number", "score", "risk_class", "payment_remarks", "reported_on")
# column → (lowest, highest, what the user is told); remarks stop where the database column does.
RANGES = {"score": (0, 100, "a whole number from 0 to 100"),
          "risk_class": (1, 5, "a whole number from 1 to 5"),
          "payment_remarks": (0, 2_147_483_647, "a whole number, 0 or more")}
SOURCE_LENGTH = CreditReport._meta.get_field("source").max_length
VALUES = ("score", "risk_class", "payment_remarks")
# Identity numbers per query when comparing with what is stored.
CHUNK = 2000


CreditImportReport = FileReport


class CreditReportsRejected(FileRejected):
    rejected_code = "credit_reports_rejected"


def credit_reports_import(*, creditor, data: bytes, name: str = "credit reports", dry_run: bool = False,
                          skip_invalid: bool = False, today: datetime.date | None = None) -> CreditImportReport:
    """A CSV (or XLSX) of credit reports; `source` defaults to the file name without its suffix."""
    today = today or timezone.localdate()
    deadline = Deadline()
    report = CreditImportReport(name=name, dry_run=dry_run)
    if not data.lstrip(b"\xef\xbb\xbf").strip():
        raise ValidationError("the file is empty: it needs a header row and one row per credit report")
    table = read_table(data, deadline=deadline)
    report.format, report.encoding, report.rows = table.format, table.encoding, len(table.rows)
    report.stopped_after = table.stopped_after
    positions = header_positions(table.header, COLUMNS, REQUIRED)
    report.ignored_columns = ignored_columns(table.header, positions)
    source = PurePath(name).stem.strip()[:SOURCE_LENGTH] or "csv"
    entries = []
    for number, values in table.rows:
        deadline.check("checking row", number)
        try:
            entries.append((number, _checked(_parsed(values, positions, source), today, "today")))
        except RowError as error:
            report.problems.append(Problem(number, error.column, error.value, error.reason))
    entries = _drop(entries, _duplicates(entries), report.problems)
    with _one_transaction():
        new, report.unchanged, conflicts = _compare(creditor, entries)
        report.problems = sorted(report.problems + conflicts, key=lambda p: p.row)
        if report.problems and not skip_invalid:
            raise CreditReportsRejected(report)
        report.created = _insert(creditor, new, today)
        deadline.check("storing the reports")  # the last moment: past it, the transaction rolls back
        if dry_run:
            transaction.set_rollback(True)
    return report


def credit_reports_fetch(*, creditor, bureau: CreditBureau, identity_numbers, on: datetime.date) -> int:
    """Ask the bureau about these identity numbers as of `on` and store what it answers;
    returns how many reports were new. An answer that cannot be stored stores nothing."""
    asked, invalid = set(), []
    for text in identity_numbers:
        try:
            asked.add(parse_identity_number(text).canonical)
        except ValidationError as error:
            invalid.append(error.message)
    if invalid:
        raise ValidationError(f"cannot ask the bureau: {'; '.join(invalid)}", detail=invalid)
    if not asked:
        return 0
    entries, problems = [], []
    for number, data in enumerate(bureau.reports(sorted(asked), on), start=1):
        try:
            checked = _checked(data, on, "the day asked about")
            if checked.identity_number not in asked:
                raise RowError("identity_number", data.identity_number, "was not asked about")
            entries.append((number, checked))
        except RowError as error:
            problems.append(Problem(number, error.column, error.value, error.reason))
    entries = _drop(entries, _duplicates(entries), problems)
    with _one_transaction():
        new, _, conflicts = _compare(creditor, entries)
        problems += conflicts
        if problems:
            raise ValidationError(f"the bureau {bureau.name} answered with {len(problems)} report(s) that cannot be "
                                  f"stored; nothing was stored", detail=[p.as_dict() for p in problems],
                                  code="credit_bureau_rejected")
        return _insert(creditor, new, on)


def _parsed(values: list[str], positions: dict[str, int], default_source: str) -> ReportData:
    text = {column: values[i].strip() if i < len(values) else "" for column, i in positions.items()}
    check_characters(text)
    for column in REQUIRED:
        if not text[column]:
            raise RowError(column, "", "is required")
    return ReportData(identity_number=text["identity_number"], score=_integer("score", text["score"]),
                      risk_class=_integer("risk_class", text["risk_class"]),
                      payment_remarks=_integer("payment_remarks", text["payment_remarks"]),
                      reported_on=_date(text["reported_on"]), source=text.get("source") or default_source)


def _integer(column: str, text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,10}", text):
        raise RowError(column, text, f"must be {RANGES[column][2]}")
    return int(text)


def _date(text: str) -> datetime.date:
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{8}", text):
        try:
            return datetime.date.fromisoformat(text if "-" in text else f"{text[:4]}-{text[4:6]}-{text[6:]}")
        except ValueError:
            pass
    raise RowError("reported_on", text, "is not a date: write YYYY-MM-DD or YYYYMMDD")


def _checked(report: ReportData, latest: datetime.date, latest_label: str) -> ReportData:
    """The report with its identity number canonical; raises RowError for the first value that is wrong."""
    if not report.identity_number.isascii():
        raise RowError("identity_number", report.identity_number, "may hold only the digits 0-9, '-' or '+'")
    try:
        identity = parse_identity_number(report.identity_number).canonical
    except ValidationError as error:
        raise RowError("identity_number", report.identity_number, error.message) from None
    for column, (lowest, highest, described) in RANGES.items():
        value = getattr(report, column)
        if not isinstance(value, int) or isinstance(value, bool) or not lowest <= value <= highest:
            raise RowError(column, str(value), f"must be {described}")
    if report.reported_on > latest:
        raise RowError("reported_on", report.reported_on.isoformat(), f"is after {latest_label} ({latest})")
    if report.reported_on < EARLIEST:
        raise RowError("reported_on", report.reported_on.isoformat(), f"is before {EARLIEST}")
    source = report.source.strip()
    if not source:
        raise RowError("source", "", "is required")
    if len(source) > SOURCE_LENGTH:
        raise RowError("source", source[:40] + "…", f"is longer than {SOURCE_LENGTH} characters")
    return dataclasses.replace(report, identity_number=identity, source=source)


def _duplicates(entries: list[tuple[int, ReportData]]) -> list[Problem]:
    """The same identity number, day and source twice: one of the two would be lost."""
    problems, first = [], {}
    for row, report in entries:
        key = (report.identity_number, report.reported_on, report.source)
        if key in first:
            problems.append(Problem(row, "identity_number", report.identity_number,
                                    f"reported on {report.reported_on} by {report.source} already in row {first[key]}"))
        else:
            first[key] = row
    return problems


def _compare(creditor, entries: list[tuple[int, ReportData]]) -> tuple[list[ReportData], int, list[Problem]]:
    """(reports not stored yet, how many are stored already, those stored with other values)."""
    identities = sorted({report.identity_number for _, report in entries})
    stored = {}
    for start in range(0, len(identities), CHUNK):
        for identity, reported_on, source, *values in (
                CreditReport.objects.filter(creditor=creditor, identity_number__any=identities[start:start + CHUNK])
                .values_list("identity_number", "reported_on", "source", *VALUES)):
            stored[identity, reported_on, source] = dict(zip(VALUES, values))
    new, unchanged, problems = [], 0, []
    for row, report in entries:
        before = stored.get((report.identity_number, report.reported_on, report.source))
        if before is None:
            new.append(report)
            continue
        changed = next((column for column in VALUES if getattr(report, column) != before[column]), None)
        if changed is None:
            unchanged += 1
        else:
            problems.append(Problem(row, changed, str(getattr(report, changed)),
                                    f"{report.source} reported {report.identity_number} on {report.reported_on} "
                                    f"already, with {changed} {before[changed]}; a stored report is not changed"))
    return new, unchanged, problems


def _insert(creditor, reports: list[ReportData], on: datetime.date) -> int:
    """Store the new reports and reclassify their debtors at once: a report that makes a
    debtor a risk should speed up its cases before the next daily cycle, not after."""

    CreditReport.objects.bulk_create(
        [CreditReport(creditor=creditor, **dataclasses.asdict(report)) for report in reports], batch_size=CHUNK)
    identities = sorted({report.identity_number for report in reports})
    for start in range(0, len(identities), CHUNK):
        reclassify(creditor=creditor, on=on,
                   debtors=Debtor.objects.filter(identity_number__any=identities[start:start + CHUNK]))
    return len(reports)


def _drop(entries: list, problems: list[Problem], into: list[Problem]) -> list:
    into += problems
    bad = {p.row for p in problems}
    return [(row, report) for row, report in entries if row not in bad]


@contextmanager
def _one_transaction():
    """When another import stores the same report between our check and our insert, the
    unique constraint refuses ours; the user is told to run it again."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        raise Conflict("another import stored some of these credit reports at the same time; nothing was "
                       "stored: run it again (what is stored by then counts as unchanged)",
                       code="credit_reports_concurrent") from error
