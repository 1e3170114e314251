from django.apps import AppConfig
from django.db.models.signals import post_migrate

APPEND_ONLY_TABLES = ("cases_ledgerentry", "cases_caseevent")


def ensure_sqlite_append_only(sender, using, **kwargs):
    """SQLite rebuilds a table to alter it, dropping its triggers; put them back after every migrate.

    (PostgreSQL alters tables in place and keeps the triggers of migration 0003.)
    """
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_append_only BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END"
            )


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases"

    def ready(self):
        post_migrate.connect(ensure_sqlite_append_only, sender=self)
        from . import event_texts  # noqa: F401  registers the timeline's sentences for cases' codes
