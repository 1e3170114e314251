from core.commands import FordraCommand
from creditors.services import creditor_create


class Command(FordraCommand):
    help = "Create a creditor with the default policy for each category; prints its id."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True)
        parser.add_argument("--org-number", required=True, metavar="NNNNNN-NNNN")
        parser.add_argument("--bankgiro", default="", metavar="NNN-NNNN")
        parser.add_argument("--admin-email", default="", metavar="EMAIL")

    def handle_command(self, *args, **options):
        creditor = creditor_create(
            slug=options["slug"],
            name=options["name"],
            org_number=options["org_number"],
            bankgiro=options["bankgiro"],
            admin_email=options["admin_email"],
        )
        self.stdout.write(str(creditor.pk))
