"""Turn an uploaded ledger file into rows of text: CSV or XLSX, told apart by content.

Everything downstream sees strings, as the creditor's ERP wrote them, so a customer
number `00123` keeps its zeros and an amount is parsed once, by `core.money`. A file is
refused whole, with the reason, when it is too large, has too many rows, or is an XLSX
whose content would unpack beyond the configured size (a zip bomb).
"""
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from core.errors import ValidationError

XLSX, CSV = "xlsx", "csv"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Table:
    format: str
    encoding: str  # "" for XLSX
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as the user sees it, values)


def read_table(data: bytes) -> Table:
    """The file's header and rows; raises ValidationError for a file that cannot be read."""
    if len(data) > settings.LEDGER_IMPORT_MAX_BYTES:
        raise ValidationError(f"the file is {len(data):,} bytes; the limit is {settings.LEDGER_IMPORT_MAX_BYTES:,}")
    table = _read_xlsx(data) if data.startswith(ZIP_MAGIC) else _read_csv(data)
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
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
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


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    if "\x00" in text:
        raise ValidationError("the file is neither CSV text nor an XLSX workbook")
    reader = csv_reader(text)
    header, rows = [], []
    try:
        for values in reader:
            if not header:
                header = [v.strip() for v in values]
                continue
            if any(v.strip() for v in values):
                rows.append((reader.line_num, values))
            if len(rows) > settings.LEDGER_IMPORT_MAX_ROWS:
                break
    except csv.Error as exc:
        raise ValidationError(f"line {reader.line_num}: the CSV cannot be read ({exc})") from None
    return Table(CSV, encoding, header, rows)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
        names = set(archive.namelist())
    except zipfile.BadZipFile:
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
    try:
        sheet = workbook.worksheets[0]
        header, rows = [], []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = [_cell_text(value) for value in cells]
            if not header:
                header = [v.strip() for v in values]
                while header and not header[-1]:
                    header.pop()
                continue
            if any(v.strip() for v in values):
                rows.append((number, values))
            if len(rows) > settings.LEDGER_IMPORT_MAX_ROWS:
                break
    finally:
        workbook.close()
    return Table(XLSX, "", header, rows)


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
        number = Decimal(repr(value))
        return str(number.to_integral_value()) if number == number.to_integral_value() else format(number, "f")
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
