"""`import_credit_reports FILE --creditor SLUG [--dry-run] [--skip-invalid]`."""
from pathlib import Path

from django.core.management.base import CommandError

from classification.credit_reports import CreditReportsRejected, credit_reports_import
from core.commands import TenantCommand

SHOWN_PROBLEMS = 200


class Command(TenantCommand):
    help = "Import credit reports from a CSV file; nothing is stored if a row is rejected."

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
            report = credit_reports_import(creditor=creditor, data=data, name=file.name, dry_run=dry_run,
                                           skip_invalid=skip_invalid)
        except CreditReportsRejected as rejected:
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
