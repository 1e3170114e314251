from creditors.commands import TenantCommand
from creditors.services import api_client_create


class Command(TenantCommand):
    help = "Create an API client for a creditor and print its token, once."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--name", required=True)

    def handle_command(self, *args, creditor, name, **options):
        _client, token = api_client_create(creditor=creditor, name=name)
        self.stdout.write(token)
