from io import StringIO

from django.core.management import call_command


def test_models_and_migrations_agree(db):
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())
