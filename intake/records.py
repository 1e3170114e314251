"""Invoices given as records (the API's `POST /invoices/`), not as a file: the ledger file's checks.

    invoices_import(creditor=…, records=[{…}, …], actor=…) -> LedgerImportReport

A record is a dict with the ledger file's fields (`intake.rows.COLUMNS`, by their English
names). Each value is turned into the text a ledger cell would hold and checked by the same
`parse_row`, then the rows go through the ledger import's own checks and writes
(`intake.service.rows_import`): all or nothing, and the same invoice twice changes nothing.
A problem's `row` is the record's index in the list (from 0).

Amounts are decimal strings (`"1250.50"`) or JSON numbers read as Decimal (`api.parsers`):
a binary float is refused, never rounded. Yes-or-no fields take JSON booleans (or the
file's `yes`/`no`); `null` is the same as leaving the field out. A field the file does not
know is refused: in a record it is a typing error, not an ERP's extra column.
"""
import datetime
import hashlib
import json
from decimal import Decimal

from django.utils import timezone

from core.filereport import Problem, RowError
from core.tables import Deadline

from .rows import COLUMNS, LedgerRow, parse_row
from .service import LedgerImportReport, rows_import

FIELDS = tuple(COLUMNS)
POSITIONS = {field: index for index, field in enumerate(FIELDS)}
AMOUNTS = {"amount", "open_amount"}
YES_OR_NO = {"reminder_fee_agreed", "vip"}
FORMAT = "api"


def invoices_import(*, creditor, records: list, actor=None, name: str = "API", today: datetime.date | None = None,
                    dry_run: bool = False) -> LedgerImportReport:
    """Check and store the records (LedgerRejected, naming each record's problems, stores nothing)."""
    today = today or timezone.localdate()
    report = LedgerImportReport(name=name, format=FORMAT, rows=len(records), dry_run=dry_run)
    present = _given_by_all(records)
    rows: list[LedgerRow] = []
    for index, record in enumerate(records):
        try:
            rows.append(parse_row(index, record_values(record), POSITIONS, today=today))
        except RowError as error:
            report.problems.append(Problem(index, error.column, error.value, error.reason, error.code, error.params))
    return rows_import(creditor=creditor, rows=rows, present=present, report=report,
                       sha256=_digest(records), skip_invalid=False, today=today, actor=actor, deadline=Deadline(),
                       progress=_no_progress)


def _given_by_all(records: list) -> set[str]:
    """The fields every record gives: only those change a stored debtor. A list where one
    customer's record has an e-mail address and another's has none must not erase the
    other's stored address (a ledger file has one header for all rows; records do not)."""
    given = [{field for field, value in record.items() if value is not None}
             for record in records if isinstance(record, dict)]
    return set.intersection(*given) if given else set()


def record_values(record) -> list[str]:
    """The record as a ledger row's cells, in `FIELDS` order; RowError for a value of the wrong type."""
    if not isinstance(record, dict):
        raise RowError("", _shown(record), "must be an object with the invoice's fields", "not_an_object")
    unknown = sorted(set(record) - set(POSITIONS), key=str)
    if unknown:
        raise RowError(str(unknown[0]), "", f"is not a field of an invoice (the fields are: {', '.join(FIELDS)})",
                       "unknown_field")
    return [_text(field, record.get(field)) for field in FIELDS]


def _text(field: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        if field in YES_OR_NO:
            return "yes" if value else "no"
        raise RowError(field, _shown(value), "must be a string", "type")
    if field in AMOUNTS and isinstance(value, (int, Decimal)):
        return format(value, "f")  # never "1E+3": the amount check then says what is wrong with the number
    if field in AMOUNTS and isinstance(value, float):
        raise RowError(field, _shown(value), "must be a decimal string such as \"1250.50\"", "type")
    if not isinstance(value, str):
        expected = "a decimal string such as \"1250.50\"" if field in AMOUNTS else (
            "true or false" if field in YES_OR_NO else "a string")
        raise RowError(field, _shown(value), f"must be {expected}", "type")
    return value


def _shown(value) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)


def _digest(records: list) -> str:
    """The records' SHA-256 as canonical JSON: the audit trail's fingerprint of what was sent."""
    return hashlib.sha256(json.dumps(records, default=str, sort_keys=True).encode()).hexdigest()


def _no_progress(stage: str, done: int, total: int) -> None:
    pass
