"""CSV files people open in a spreadsheet: every CSV Fordra writes goes through here.

A spreadsheet (Excel, LibreOffice Calc, Google Sheets) runs a cell whose text begins
with `=`, `+`, `-` or `@` as a formula, and skips a leading tab or carriage return
before it looks. A debtor who calls himself `=HYPERLINK("http://x","y")` would run that
on the desk of whoever opens the mail house's manifest or a case export. The rule is
OWASP's for CSV injection: a text cell that begins with one of those six characters gets
a single quote (`'`) in front, which spreadsheets read as "this cell is text". The
quote stays visible to a program that reads the file as plain CSV.

Only text is escaped. An `int` or a finite `Decimal` is written as it is, so a negative
amount stays `-12.50`, a number the spreadsheet can add up. Dates and times are ISO
8601; None is an empty cell. Everything else is text: `str(value)`, escaped.

Lines end in CRLF as RFC 4180 says. (With `\\n` alone Python's csv module leaves a
carriage return inside a value unquoted, and the row falls apart when read back.)
The writers are thin wrappers over the csv module's and write row by row to any
file-like object, so a large export streams.

(core/bulk.py's COPY buffer is also written with the csv module, but it is PostgreSQL's
input, never a file a person opens: it must carry values exactly, and does not come here.)
"""
import csv
import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
LINE_END = "\r\n"


def escape(text: str) -> str:
    """The text as a spreadsheet shows it and never runs it."""
    return TEXT_MARK + text if text.startswith(FORMULA_STARTS) else text


def cell(value) -> str:
    """One value as the text of its cell."""
    if value is None:
        return ""
    if isinstance(value, Decimal) and value.is_finite() or isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.date):  # and datetime.datetime
        return value.isoformat()
    return escape(str(value))


class Writer:
    """`csv.writer` whose rows' values pass through `cell`."""

    def __init__(self, stream, **fmtparams):
        self._rows = csv.writer(stream, lineterminator=LINE_END, **fmtparams)

    def writerow(self, values: Iterable):
        return self._rows.writerow([cell(value) for value in values])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for values in rows:
            self.writerow(values)


class DictWriter:
    """`csv.DictWriter` whose values pass through `cell`. A key that is not a field is an
    error (as csv.DictWriter's default); a missing one is an empty cell."""

    def __init__(self, stream, fieldnames: Sequence[str], **fmtparams):
        self.fieldnames = list(fieldnames)
        self._known = set(self.fieldnames)
        self._rows = Writer(stream, **fmtparams)

    def writeheader(self):
        return self._rows.writerow(self.fieldnames)

    def writerow(self, row: Mapping):
        unknown = row.keys() - self._known
        if unknown:
            raise ValueError(f"not fields of this CSV: {', '.join(sorted(map(str, unknown)))}")
        return self._rows.writerow([row.get(name) for name in self.fieldnames])

    def writerows(self, rows: Iterable[Mapping]) -> None:
        for row in rows:
            self.writerow(row)
