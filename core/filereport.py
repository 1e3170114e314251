"""What an imported file's rows got wrong, in the words a user acts on: row, column, value, reason.

Shared by every file import (the ledger, credit reports): a row's `RowError`, the file's
`FileReport` with its `Problem`s, and `FileRejected` when nothing was stored.
"""
import datetime
import unicodedata
from dataclasses import dataclass, field
from typing import ClassVar

from django.conf import settings

from .errors import ValidationError

# The dates a file may hold: the due date plus a ladder's days, interest and limitation
# periods must stay within what `datetime.date` holds.
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)

SHOWN = 40


@dataclass(frozen=True)
class RowError(Exception):
    """A row's field that is wrong: `reason` in English (the commands, the API), and `code`
    with its `params` (name, value pairs) for a page that says it in another language."""

    column: str
    value: str
    reason: str
    code: str = ""
    params: tuple = ()

    def __post_init__(self):
        if len(self.value) > SHOWN:
            object.__setattr__(self, "value", self.value[:SHOWN] + "…")
        if len(self.reason) > 5 * SHOWN:  # a reason that quotes the value
            object.__setattr__(self, "reason", self.reason[:5 * SHOWN] + "…")


def check_characters(raw: dict[str, str]) -> None:
    """Control characters and lone surrogates: no one typed them (a byte Windows-1252 does
    not define reads as one), PostgreSQL refuses some, and a letter would print them. Tab
    and line breaks are kept (an address)."""
    for field, value in raw.items():
        if not value.isprintable():
            bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r"), None)
            if bad is not None:
                raise RowError(field, value.encode("unicode_escape").decode("ascii"),
                               f"holds the control character U+{ord(bad):04X}", "control_character",
                               (("character", f"U+{ord(bad):04X}"),))


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    reason: str
    code: str = ""  # and params: as RowError's
    params: tuple = ()

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "reason": self.reason}

    def __str__(self) -> str:
        value = f" {self.value!r}" if self.value else ""
        return f"row {self.row}, {self.column}{value}: {self.reason}"


@dataclass
class FileReport:
    """What an import of a checked file did (ledger, credit reports): its counts and problems."""

    name: str
    format: str = ""
    encoding: str = ""
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)  # named in the header, read by no field
    stopped_after: int | None = None  # an XLSX read no further than this row: empty rows followed
    counted: ClassVar[tuple[str, ...]] = ("created", "unchanged")  # in the summary's order

    @property
    def rejected(self) -> int:
        return len({p.row for p in self.problems})

    def notes(self) -> list[str]:
        """What the import left alone, in lines a user reads: not errors, but not silent either."""
        notes = [f"ignored column: {name}" for name in self.ignored_columns]
        if self.stopped_after is not None:
            notes.append(f"read up to row {self.stopped_after:,}: {settings.LEDGER_IMPORT_MAX_EMPTY_ROWS:,} empty rows "
                         f"follow it, and the sheet was not read past them (LEDGER_IMPORT_MAX_EMPTY_ROWS)")
        return notes

    def summary(self) -> str:
        """The notes, then one line of counts."""
        mode = " (dry run: nothing stored)" if self.dry_run else ""
        counts = ", ".join(f"{name} {getattr(self, name)}" for name in self.counted)
        return "\n".join([*self.notes(), f"{self.name}: {self.rows} rows — {counts}, rejected {self.rejected}{mode}"])


class FileRejected(ValidationError):
    """The file has problems and `skip_invalid` was not given: nothing was stored."""

    rejected_code = "file_rejected"

    def __init__(self, report: FileReport):
        self.report = report
        super().__init__(f"{report.rejected} of {report.rows} rows rejected; nothing was stored",
                         detail=[p.as_dict() for p in report.problems], code=self.rejected_code)
