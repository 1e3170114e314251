"""`import_ledger FILE --creditor SLUG [--dry-run] [--skip-invalid]` (CONTRACT.md)."""
from creditors.commands import FileImportCommand
from intake.service import LedgerRejected, ledger_import


class Command(FileImportCommand):
    help = "Import invoices from a CSV or XLSX ledger file; nothing is stored if a row is rejected."
    rejected = LedgerRejected

    def run_import(self, **kwargs):
        return ledger_import(**kwargs)
