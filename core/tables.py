"""Turn an uploaded ledger file into rows of text: CSV or XLSX, told apart by content.

Everything downstream sees strings, as the creditor's ERP wrote them, so a customer
number `00123` keeps its zeros and an amount is parsed once, by `core.money`. A file is
refused whole, with the reason, when it is too large, has too many rows or columns, is
an XLSX whose content would unpack beyond the configured size (a zip bomb), or takes
longer to import than the configured time (`Deadline`).

An XLSX sheet declares its own size (`<dimension ref="A1:XFD200000">`), and openpyxl
pads every row to it: 1.6 KB that declares 16 384 columns and 200 000 rows took minutes.
So the declared size is ignored, only the header's columns are read, and reading stops
after `LEDGER_IMPORT_MAX_EMPTY_ROWS` empty rows in a row (the table says where).
"""
import csv
import datetime
import io
import math
import re
import time
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from .errors import ApplicationError, ValidationError

XLSX, CSV = "xlsx", "csv"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Table:
    format: str
    encoding: str  # "" for XLSX
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, values: at most one per header column)
    stopped_after: int | None = None  # XLSX: the last row read before a run of empty rows ended the reading


class TimeLimitExceeded(ValidationError):
    code = "import_time_limit"


class Deadline:
    """The time an import may take (`LEDGER_IMPORT_MAX_SECONDS`): a file that would tie up
    a worker for longer is refused, and the caller's transaction stores nothing of it."""

    def __init__(self, seconds: float | None = None):
        self.seconds = settings.LEDGER_IMPORT_MAX_SECONDS if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def check(self, where: str, row: int | None = None) -> None:
        """Raises TimeLimitExceeded once the time is up; `where` (and `row`) say what the import was doing."""
        if time.monotonic() >= self.ends:
            at = f" {row:,}" if row is not None else ""
            raise TimeLimitExceeded(f"the import took longer than its limit of {self.seconds:g} seconds "
                                    f"(LEDGER_IMPORT_MAX_SECONDS) while {where}{at}; nothing was stored: split "
                                    f"the file into smaller ones")


def read_table(data: bytes, *, deadline: Deadline | None = None) -> Table:
    """The file's header and rows; raises ValidationError for a file that cannot be read."""
    deadline = deadline or Deadline()
    if len(data) > settings.LEDGER_IMPORT_MAX_BYTES:
        raise ValidationError(f"the file is {len(data):,} bytes; the limit is {settings.LEDGER_IMPORT_MAX_BYTES:,}")
    table = _read_xlsx(data, deadline) if data.startswith(ZIP_MAGIC) else _read_csv(data, deadline)
    if not table.header:
        raise ValidationError("the file is empty: it needs a header row and one row per invoice")
    if len(table.rows) > settings.LEDGER_IMPORT_MAX_ROWS:
        raise ValidationError(f"the file has {len(table.rows):,} rows; the limit is "
                              f"{settings.LEDGER_IMPORT_MAX_ROWS:,} (split it)")
    return table


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM), else Windows-1252, else ISO-8859-1.

    Windows-1252 and ISO-8859-1 agree on å, ä, ö; they differ in 0x80–0x9F, where
    Windows-1252 has €, quotes and dashes and ISO-8859-1 only control characters, so a
    file that Windows-1252 cannot decode is read as ISO-8859-1.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ValidationError(f"the file starts as UTF-8 but byte {exc.start + 3:,} is not UTF-8") from None
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def csv_reader(text: str):
    """A csv.reader with the delimiter the header line uses: `;` (Swedish Excel) or `,`."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _header(values: list[str]) -> list[str]:
    """The header row's names up to its last non-empty one; refused past the column limit."""
    header = [v.strip() for v in values]
    while header and not header[-1]:
        header.pop()
    if len(header) > settings.LEDGER_IMPORT_MAX_COLUMNS:
        raise ValidationError(f"the header has {len(header):,} columns; the limit is "
                              f"{settings.LEDGER_IMPORT_MAX_COLUMNS:,} (LEDGER_IMPORT_MAX_COLUMNS)")
    return header


def _read_csv(data: bytes, deadline: Deadline) -> Table:
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise ValidationError("the file is neither CSV text nor an XLSX workbook")
    reader = csv_reader(text)
    header, rows = [], []
    try:
        for values in reader:
            if not header:
                header = _header(values)
                continue
            deadline.check("reading line", reader.line_num)
            values = values[:len(header)]
            if any(v.strip() for v in values):
                rows.append((reader.line_num, values))
            if len(rows) > settings.LEDGER_IMPORT_MAX_ROWS:
                break
    except csv.Error as exc:
        raise ValidationError(f"line {reader.line_num}: the CSV cannot be read ({exc})") from None
    return Table(CSV, encoding, header, rows)


def _read_xlsx(data: bytes, deadline: Deadline) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
        names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise ValidationError("the file looks like an XLSX workbook but is not a valid zip archive") from None
    if "xl/workbook.xml" not in names:
        raise ValidationError("the file is a zip archive but not an XLSX workbook")
    if unpacked > settings.LEDGER_IMPORT_MAX_XLSX_UNPACKED:
        raise ValidationError(f"the workbook unpacks to {unpacked:,} bytes; the limit is "
                              f"{settings.LEDGER_IMPORT_MAX_XLSX_UNPACKED:,}")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ValidationError(f"the XLSX workbook cannot be read ({exc.__class__.__name__}: {exc})") from None
    sheet_rows = _SheetRows()
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the size the sheet declares is a claim, not its content
        return sheet_rows.read(sheet, deadline)
    except ApplicationError:
        raise
    except Exception as exc:  # a cell openpyxl cannot convert (a date past year 9999, a number "inf")
        raise ValidationError(f"the XLSX workbook cannot be read after row {sheet_rows.last:,} "
                              f"({exc.__class__.__name__}: {exc})") from None
    finally:
        workbook.close()


class _SheetRows:
    """The first sheet's header and rows, reading only the header's columns, and stopping
    after `LEDGER_IMPORT_MAX_EMPTY_ROWS` empty rows in a row: openpyxl yields a row for
    every number a sheet skips (`<row r="1000000000">`)."""

    def __init__(self):
        self.last = 0  # the last row read, for an error in the next one
        self.stopped_after: int | None = None

    def read(self, sheet, deadline: Deadline) -> Table:
        header = []
        for self.last, values in self._numbered(sheet.iter_rows(values_only=True), 1, deadline):
            header = _header([_cell_text(value) for value in values])
            break
        if not header:
            return Table(XLSX, "", [], [])
        header_row, rows = self.last, []
        found = self._numbered(sheet.iter_rows(min_row=header_row + 1, max_col=len(header), values_only=True),
                               header_row + 1, deadline)
        for self.last, values in found:
            rows.append((self.last, [_cell_text(value) for value in values]))
            if len(rows) > settings.LEDGER_IMPORT_MAX_ROWS:
                break
        return Table(XLSX, "", header, rows, stopped_after=self.stopped_after)

    def _numbered(self, cells_by_row, first: int, deadline: Deadline):
        """(row number, values) of the non-empty rows."""
        self.stopped_after, empty = None, 0
        for number, values in enumerate(cells_by_row, start=first):
            deadline.check("reading row", number)
            if any(value is not None and (value.strip() if isinstance(value, str) else True) for value in values):
                empty = 0
                yield number, values
                continue
            empty += 1
            if empty >= settings.LEDGER_IMPORT_MAX_EMPTY_ROWS:
                self.stopped_after = number - empty
                return


def _cell_text(value) -> str:
    """A cell as the text a user sees: dates as ISO, whole numbers without `.0`.

    Excel stores numbers as binary floats; the shortest repr of the float is the number
    the user typed, so an amount never passes through float arithmetic here."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return repr(value)  # "inf", "nan": the amount check says what is wrong with it
        number = Decimal(repr(value))  # written out, never "1E+16": the amount check shows the value as typed
        return format(number.to_integral_value() if number == number.to_integral_value() else number, "f")
    return str(value)


def _header_key(header: str) -> str:
    return re.sub(r"[\s\-_]+", "_", header.strip().lower())


def header_positions(header: list[str], columns: dict[str, tuple[str, ...]], required) -> dict[str, int]:
    """Field → column index, by the accepted header names of each field (`columns`; case,
    spaces, dashes and underscores do not matter); a ValidationError names missing or
    repeated columns."""
    alias = {_header_key(name): field for field, names in columns.items() for name in names}
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        field = alias.get(_header_key(name))
        if field is None:
            continue
        if field in positions:
            raise ValidationError(f"columns {header[positions[field]]!r} and {name!r} both give {field}")
        positions[field] = index
    missing = [field for field in required if field not in positions]
    if missing:
        raise ValidationError(f"the header lacks required column(s): {', '.join(missing)} "
                              f"(found: {', '.join(h for h in header if h) or 'nothing'})")
    return positions


# A header name as a notice repeats it: ERP exports have had 300-character ones.
IGNORED_NAME_LENGTH = 60


def ignored_columns(header: list[str], positions: dict[str, int]) -> list[str]:
    """The named columns no field reads, in file order: the import ignores them and says so."""
    used = set(positions.values())
    return [name if len(name) <= IGNORED_NAME_LENGTH else name[:IGNORED_NAME_LENGTH] + "…"
            for index, name in enumerate(header) if name and index not in used]
