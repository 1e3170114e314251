from creditors.commands import TenantCommand
from creditors.models import ApiScopes
from creditors.services import api_client_create


class Command(TenantCommand):
    help = "Create an API client for a creditor and print its token, once."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--name", required=True)
        parser.add_argument("--scope", action="append", choices=["read", "write"], dest="scopes",
                            help="what the key may do; repeat for both (default: read and write)")

    def handle_command(self, *args, creditor, name, scopes=None, **options):
        chosen = set(scopes or ["read", "write"])
        scopes = " ".join(scope for scope in ("read", "write") if scope in chosen)
        _client, token = api_client_create(creditor=creditor, name=name, scopes=ApiScopes(scopes))
        self.stdout.write(token)
