"""Import a creditor's ledger file: debtors, invoices and cases, atomically and re-runnably.

    ledger_import(creditor=…, data=…, name=…, dry_run=False, skip_invalid=False, progress=None) -> LedgerImportReport

The whole file is read and checked before anything is written; a problem anywhere means
nothing is stored (`LedgerRejected`, with every problem) unless `skip_invalid` is given,
in which case the other rows are imported. A row that matches what is stored changes
nothing, so the same file twice changes nothing.

What a row does to a stored invoice: a lower open amount means the debtor paid the
creditor directly, so the difference is registered as a direct payment today (less what
this file's credit notes on it explain); an open amount of 0 closes the case as paid;
a credit note (a negative amount naming the invoice it credits) reduces its principal
from the credit note's own date (`credited_on`, else its invoice date; even one before the
hand-over), with interest recomputed back to that day.
New invoices go in by bulk insert (`openings`), so a file of 100 000 rows takes seconds.
`progress(stage, done, total)`, if given, is told every CHUNK rows how far the checking
(`"checking"`) and then the storing (`"storing"`) got: a page polls it while a worker imports.
"""
import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases.events import actor_label
from cases.models import Case, EntryKind, Invoice, LedgerEntry
from classification.services import reclassify
from core.bulk import BulkWriter
from core.errors import ApplicationError
from core.filereport import FileRejected, FileReport, Problem, RowError
from core.tables import Deadline, ignored_columns, read_table
from debtors.models import Debtor
from law.selectors import reference_rates
from payments.services import credit_note_apply

from .checks import (
    STORED_FIELDS,
    StoredInvoice,
    against_stored,
    credits_by_invoice,
    within_file,
    without_reference_rates,
)
from .models import LedgerImport
from .openings import Openings, debtors_save, invoices_open
from .rows import LedgerRow, column_positions, parse_row
from .updates import credit_note_reference, invoice_changes, invoice_update

CHUNK = 2000


@dataclass
class LedgerImportReport(FileReport):
    updated: int = 0
    counted = ("created", "updated", "unchanged")
    # row number → "created", "updated" or "unchanged", for each row stored
    outcomes: dict[int, str] = field(default_factory=dict)


class LedgerRejected(FileRejected):
    rejected_code = "ledger_rejected"


def ledger_import(*, creditor, data: bytes, name: str = "ledger", dry_run: bool = False, skip_invalid: bool = False,
                  today: datetime.date | None = None, actor=None,
                  progress: Callable[[str, int, int], None] | None = None) -> LedgerImportReport:
    today = today or timezone.localdate()
    progress = progress or _no_progress
    deadline = Deadline()
    report = LedgerImportReport(name=name, dry_run=dry_run)
    table = read_table(data, deadline=deadline)
    report.format, report.encoding, report.rows = table.format, table.encoding, len(table.rows)
    report.stopped_after = table.stopped_after
    positions = column_positions(table.header)
    report.ignored_columns = ignored_columns(table.header, positions)
    rows: list[LedgerRow] = []
    for done, (number, values) in enumerate(table.rows):
        deadline.check("checking row", number)
        if done % CHUNK == 0:
            progress("checking", done, len(table.rows))
        try:
            rows.append(parse_row(number, values, positions, today=today))
        except RowError as error:
            report.problems.append(Problem(number, error.column, error.value, error.reason, error.code, error.params))
    return rows_import(creditor=creditor, rows=rows, present=set(positions), report=report,
                       sha256=hashlib.sha256(data).hexdigest(), skip_invalid=skip_invalid, today=today, actor=actor,
                       deadline=deadline, progress=progress)


def rows_import(*, creditor, rows: list[LedgerRow], present: set[str], report: LedgerImportReport, sha256: str,
                skip_invalid: bool, today: datetime.date, actor, deadline: Deadline,
                progress: Callable[[str, int, int], None]) -> LedgerImportReport:
    """The checked rows (`report.problems` holds those that failed already) checked across rows and
    against what is stored, then written, all in one transaction; `present`: the fields the rows
    were given (a debtor's field no row gives is left as stored). Shared by the ledger file and the
    API's invoices (`intake.records`)."""
    with transaction.atomic():
        rows = _drop(rows, within_file(rows), report)
        invoices = _stored_invoices(rows)
        applied = _applied_credit_notes(rows)
        rows = _drop(rows, against_stored(rows, invoices=invoices, credited=credits_by_invoice(rows, applied),
                                          applied_credits=applied), report)
        rows = _drop(rows, without_reference_rates(rows, invoices=invoices, rate_starts=_rate_starts(), today=today),
                     report)
        if report.problems and not skip_invalid:
            raise LedgerRejected(report)
        deadline.check("comparing the rows with what is stored")
        _write(creditor, rows, present=present, invoices=invoices, applied=applied, today=today, report=report,
               actor=actor, deadline=deadline, progress=progress)
        if report.problems and not skip_invalid:
            raise LedgerRejected(report)  # a service refused a row while writing: roll everything back
        deadline.check("storing the rows")  # the last moment: past it, the transaction rolls back
        LedgerImport.objects.create(
            creditor=creditor, name=report.name[:255], sha256=sha256, format=report.format,
            actor=actor_label(actor), rows=report.rows, created=report.created, updated=report.updated,
            unchanged=report.unchanged, rejected=report.rejected,
            problems=[p.as_dict() for p in report.problems[:1000]], ignored_columns=report.ignored_columns)
        if report.dry_run:
            transaction.set_rollback(True)
    return report


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


def _drop(rows: list[LedgerRow], problems: list[Problem], report: LedgerImportReport) -> list[LedgerRow]:
    report.problems += problems
    bad = {p.row for p in problems}
    return [row for row in rows if row.row not in bad]


def _stored_invoices(rows: list[LedgerRow]) -> dict[str, StoredInvoice]:
    numbers = sorted({row.invoice_number for row in rows if not row.is_credit_note}
                     | {row.credited_invoice for row in rows if row.is_credit_note})
    found = {}
    for start in range(0, len(numbers), CHUNK):
        stored = Invoice.objects.filter(invoice_number__any=numbers[start:start + CHUNK]).values_list(*STORED_FIELDS)
        found.update((values[1], StoredInvoice(*values)) for values in stored)
    return found


def _rate_starts() -> set[datetime.date]:
    return {valid_from for valid_from, _ in reference_rates().rates}


def _applied_credit_notes(rows: list[LedgerRow]) -> set[str]:
    notes = {credit_note_reference(row.invoice_number): row.invoice_number for row in rows if row.is_credit_note}
    references = sorted(notes)
    applied = set()
    for start in range(0, len(references), CHUNK):
        applied |= set(LedgerEntry.objects.filter(kind=EntryKind.CREDIT, reference__any=references[start:start + CHUNK])
                       .values_list("reference", flat=True))
    return {notes[reference] for reference in applied}


def _write(creditor, rows: list[LedgerRow], *, present: set[str], invoices: dict[str, StoredInvoice],
           applied: set[str], today: datetime.date, report: LedgerImportReport, actor,
           deadline: Deadline, progress: Callable[[str, int, int], None]) -> None:
    credited = credits_by_invoice(rows, applied)
    new_rows = [row for row in rows if not row.is_credit_note and row.invoice_number not in invoices]
    openings = Openings(new_rows, credited)
    # New debtors, invoices and cases go in by COPY on a second thread while the next rows are
    # prepared here, and their keys are checked as they go rather than at COMMIT (core.bulk);
    # the rows after them go through the services, which read them.
    with BulkWriter() as writer:
        debtors, debtors_changed, to_classify = debtors_save(creditor, rows, present, today=today, writer=writer)
        invoices.update(invoices_open(creditor, openings, debtors, today=today, actor=actor, writer=writer))
    new_row_numbers = {row.row for row in new_rows}
    first_row_of_debtor = {}
    for row in rows:
        first_row_of_debtor.setdefault(row.customer_number, row.row)
    # Credit notes first: an open amount of 0 on their invoice would otherwise close it before.
    for done, row in enumerate(sorted(rows, key=lambda r: not r.is_credit_note)):
        deadline.check("storing row", row.row)
        if done % CHUNK == 0:
            progress("storing", done, len(rows))
        debtor_changed = row.customer_number in debtors_changed and first_row_of_debtor[row.customer_number] == row.row
        if row.is_credit_note:
            changed = row.invoice_number not in applied and _guarded(
                report, row, "amount",
                lambda: _credit(row, invoices[row.credited_invoice], today=today, actor=actor))
        elif row.row in new_row_numbers:
            report.created += 1
            report.outcomes[row.row] = "created"
            continue
        elif not invoice_changes(invoices[row.invoice_number], row):
            changed = False
        else:
            changed = _guarded(report, row, "open_amount",
                               lambda: invoice_update(invoices[row.invoice_number], row,
                                                      credited=credited.get(row.invoice_number),
                                                      on=today, actor=actor))
        if changed is None:
            continue
        if row.is_credit_note and changed:
            report.created += 1
            report.outcomes[row.row] = "created"
        elif changed or debtor_changed:
            report.updated += 1
            report.outcomes[row.row] = "updated"
        else:
            report.unchanged += 1
            report.outcomes[row.row] = "unchanged"
    _classify(creditor, to_classify, today=today, actor=actor)


# Debtors per reclassification: the ids go into its queries as a list.
CLASSIFY_CHUNK = 5000


def _classify(creditor, debtor_ids: list[int], *, today: datetime.date, actor) -> None:
    """New debtors get their category now, from the history this file brought (and any
    credit report); so do debtors whose VIP designation the file changed."""
    for start in range(0, len(debtor_ids), CLASSIFY_CHUNK):
        reclassify(creditor=creditor, on=today, debtors=Debtor.objects.filter(pk__any=debtor_ids[start:start + CLASSIFY_CHUNK]),
                   actor=actor)


def _credit(row: LedgerRow, invoice: StoredInvoice, *, today: datetime.date, actor) -> bool:
    """Apply a credit note to the case of `invoice` (stored before, or new in this file)."""
    case = Case.objects.get(invoice_id=invoice.pk)
    credit_note_apply(case=case, amount=-row.amount, on=row.credit_date,
                      reference=credit_note_reference(row.invoice_number), actor=actor)
    return True


def _guarded(report: LedgerImportReport, row: LedgerRow, column: str, work):
    """Run one row's service call; a refusal becomes the row's problem (in a savepoint, so
    with `skip_invalid` the rest stays). Returns None when refused."""
    try:
        with transaction.atomic():
            return work()
    except ApplicationError as error:
        report.problems.append(Problem(row.row, column, "", error.message))
        return None

