"""`import_ledger FILE --creditor SLUG [--dry-run] [--skip-invalid]` (CONTRACT.md)."""
from pathlib import Path

from django.core.management.base import CommandError

from core.commands import TenantCommand
from creditors.ledger.service import LedgerRejected, ledger_import

SHOWN_PROBLEMS = 200


class Command(TenantCommand):
    help = "Import invoices from a CSV or XLSX ledger file; nothing is stored if a row is rejected."

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
            report = ledger_import(creditor=creditor, data=data, name=file.name, dry_run=dry_run,
                                   skip_invalid=skip_invalid)
        except LedgerRejected as rejected:
            self._problems(rejected.report)
            self.stderr.write(rejected.report.summary())
            raise CommandError(f"{rejected.message}; fix the rows or use --skip-invalid") from None
        self._problems(report)
        self.stdout.write(report.summary())

    def _problems(self, report) -> None:
        for problem in report.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(f"rejected: {problem}")
        if len(report.problems) > SHOWN_PROBLEMS:
            self.stderr.write(f"… and {len(report.problems) - SHOWN_PROBLEMS} more problems")
