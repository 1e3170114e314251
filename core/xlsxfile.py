"""XLSX files people open in a spreadsheet, by the rule of `core.csvfile`: text never runs.

openpyxl writes a text that begins with `=` as a formula. Here every text cell is written
with the type "string" (and without the control characters XML cannot hold), so
`=HYPERLINK(…)` shows as those characters and runs nothing; unlike CSV, no quote mark is
needed. An `int` or a finite `Decimal` is a number the spreadsheet can add up, a date is a
date, None an empty cell; everything else is text, `str(value)`.
"""
import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font


class Writer:
    """One sheet, written row by row (openpyxl's write-only mode: memory holds no cells)."""

    def __init__(self, title: str = "Blad1"):
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet(title[:31])

    def writerow(self, values, *, bold: bool = False) -> None:
        self._sheet.append([self._cell(value, bold) for value in values])

    def writerows(self, rows) -> None:
        for values in rows:
            self.writerow(values)

    def save(self, stream) -> None:
        self._book.save(stream)

    def _cell(self, value, bold: bool):
        if value is None:
            return None
        if isinstance(value, Decimal) and value.is_finite() or isinstance(value, int) and not isinstance(value, bool):
            cell = WriteOnlyCell(self._sheet, value=value)
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
        else:
            cell = WriteOnlyCell(self._sheet, value=None)
            cell.value, cell.data_type = ILLEGAL_CHARACTERS_RE.sub("", str(value)), "s"
        if bold:
            cell.font = Font(bold=True)
        return cell
