"""`export_cases --creditor SLUG [--as-of YYYY-MM-DD] [--format jsonl|csv] [--language sv|en] [--output FILE]`
(CONTRACT.md)."""
import argparse
import datetime
import os
from pathlib import Path

from django.core.management.base import CommandError

from api.export import FORMATS, cases_export, export_as_of
from cases.timeline import DEFAULT_LANGUAGE, LANGUAGES
from creditors.commands import TenantCommand
from law.interest import MissingReferenceRate


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date, YYYY-MM-DD") from None


class Command(TenantCommand):
    help = ("One line per case with the fields of the API's case resource, balances as of a date. "
            "jsonl (default): the resource as GET /api/v1/cases/{id}/ answers it, amounts as strings, with "
            "events and letters (not limitation_date). csv: balance and next_step flattened into "
            "balance_principal, balance_fees, balance_interest, balance_total, next_step_action, next_step_date; "
            "amounts as numbers; no events or letters; text that a spreadsheet would run as a formula "
            "(beginning with = + - @, a tab or a carriage return) gets a leading '.")

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="balances as of this day (default today)")
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument("--language", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                            help="the language of the events' text (jsonl; default sv)")
        parser.add_argument("--output", type=Path, metavar="FILE",
                            help="write here instead of stdout (a CSV file starts with a UTF-8 BOM, for Excel); "
                                 "the file appears only once the export is complete")

    def handle_command(self, *args, creditor, as_of, format, output, language, **options):
        as_of = export_as_of(as_of)
        try:
            if output is None:
                count = cases_export(stream=_Stdout(self.stdout), format=format, as_of=as_of, language=language)
            else:
                count = self._to_file(output, format=format, as_of=as_of, language=language)
        except MissingReferenceRate as exc:  # a gap among the rates before the day
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"{count} cases of {creditor.slug} as of {as_of}")

    def _to_file(self, output: Path, *, format: str, as_of: datetime.date, language: str) -> int:
        partial = output.with_name(output.name + ".partial")
        # Excel reads a CSV without a byte-order mark as Windows-1252: Åsa would be Ã…sa.
        encoding = "utf-8-sig" if format == "csv" else "utf-8"
        try:
            with open(partial, "w", encoding=encoding, newline="") as stream:
                count = cases_export(stream=stream, format=format, as_of=as_of, language=language)
            os.replace(partial, output)
        except OSError as exc:
            raise CommandError(f"{exc.filename or partial}: {exc.strerror}") from None
        finally:
            partial.unlink(missing_ok=True)
        return count


class _Stdout:
    """The command's stdout as a file for the writers: each write as it is, no line ending added."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")
