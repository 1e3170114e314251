"""Management command helpers: a `--creditor SLUG` that enters the tenant scope, and
ApplicationError turned into a one-line error with exit status 1."""
from django.core.management.base import BaseCommand, CommandError

from .errors import ApplicationError
from .tenancy import creditor_scope


class FordraCommand(BaseCommand):
    """Runs `handle_command`; an ApplicationError becomes `CommandError` (exit status 1)."""

    def handle(self, *args, **options):
        try:
            return self.handle_command(*args, **options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def handle_command(self, *args, **options):  # pragma: no cover - abstract
        raise NotImplementedError


class TenantCommand(FordraCommand):
    """A command that works on one creditor, named by `--creditor SLUG`."""

    def add_arguments(self, parser):
        parser.add_argument("--creditor", required=True, metavar="SLUG")

    def handle(self, *args, **options):
        from creditors.selectors import creditor_by_slug

        try:
            creditor = creditor_by_slug(options["creditor"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        options["creditor"] = creditor
        with creditor_scope(creditor):
            return super().handle(*args, **options)
