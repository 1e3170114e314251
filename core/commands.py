"""Management command helper: an ApplicationError turned into a one-line error with exit status 1.
(`creditors.commands` adds `--creditor SLUG`, which enters the tenant scope.)"""
from django.core.management.base import BaseCommand, CommandError

from .errors import ApplicationError


class FordraCommand(BaseCommand):
    """Runs `handle_command`; an ApplicationError becomes `CommandError` (exit status 1)."""

    def handle(self, *args, **options):
        try:
            return self.handle_command(*args, **options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def handle_command(self, *args, **options):  # pragma: no cover - abstract
        raise NotImplementedError
