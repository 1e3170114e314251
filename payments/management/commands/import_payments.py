"""`import_payments FILE [--format bgmax|camt054|csv] [--creditor SLUG]` (CONTRACT.md)."""
from pathlib import Path

from django.core.management.base import CommandError

from core.commands import FordraCommand
from creditors.selectors import creditor_by_slug
from payments.importing import payments_import


class Command(FordraCommand):
    help = ("Import a payment file, match each payment by OCR reference and allocate it; unmatched payments are "
            "kept for an agent.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", choices=["bgmax", "camt054", "csv"], help="detected when omitted")
        parser.add_argument("--creditor", metavar="SLUG",
                            help="the file is this creditor's own (a CSV export): match only its cases")

    def handle_command(self, *args, file: Path, format: str | None, creditor: str | None, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}") from None
        summary = payments_import(data=data, name=file.name, format=format,
                                  creditor=creditor_by_slug(creditor) if creditor else None)
        self.stdout.write(str(summary))
