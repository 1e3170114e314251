"""`import_credit_reports FILE --creditor SLUG [--dry-run] [--skip-invalid]`."""
from classification.credit_reports import CreditReportsRejected, credit_reports_import
from creditors.commands import FileImportCommand


class Command(FileImportCommand):
    help = "Import credit reports from a CSV or XLSX file; nothing is stored if a row is rejected."
    rejected = CreditReportsRejected

    def run_import(self, **kwargs):
        return credit_reports_import(**kwargs)
