"""Management command helpers for one creditor: a `--creditor SLUG` that enters the tenant
scope, and a file import through a service that checks every row first."""
from pathlib import Path

from django.core.management.base import CommandError

from core.commands import FordraCommand
from core.errors import ApplicationError
from core.tenancy import creditor_scope

from .selectors import creditor_by_slug


class TenantCommand(FordraCommand):
    """A command that works on one creditor, named by `--creditor SLUG`."""

    def add_arguments(self, parser):
        parser.add_argument("--creditor", required=True, metavar="SLUG")

    def handle(self, *args, **options):
        try:
            creditor = creditor_by_slug(options["creditor"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        options["creditor"] = creditor
        with creditor_scope(creditor):
            return super().handle(*args, **options)


class FileImportCommand(TenantCommand):
    """`FILE --creditor SLUG [--dry-run] [--skip-invalid]`: one file through an import
    service that checks every row first. Problems go to stderr with row, column, value and
    reason; a rejected file exits with status 1. A subclass names the service (`run_import`)
    and the exception it raises when it stores nothing (`rejected`)."""

    rejected: type[ApplicationError]
    shown_problems = 200

    def run_import(self, *, creditor, data: bytes, name: str, dry_run: bool, skip_invalid: bool):
        raise NotImplementedError  # pragma: no cover - abstract

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, store nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="import the valid rows, report the rest")

    def handle_command(self, *args, creditor, file: Path, dry_run: bool, skip_invalid: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        try:
            report = self.run_import(creditor=creditor, data=data, name=file.name, dry_run=dry_run,
                                     skip_invalid=skip_invalid)
        except self.rejected as rejected:
            self._problems(rejected.report)
            self.stderr.write(rejected.report.summary())
            raise CommandError(f"{rejected.message}; fix the rows or use --skip-invalid") from None
        self._problems(report)
        self.stdout.write(report.summary())

    def _problems(self, report) -> None:
        for problem in report.problems[:self.shown_problems]:
            self.stderr.write(f"rejected: {problem}")
        if len(report.problems) > self.shown_problems:
            self.stderr.write(f"… and {len(report.problems) - self.shown_problems} more problems")
