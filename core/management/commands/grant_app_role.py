"""Give the app's PostgreSQL role what it needs and no more; run as the tables' owner, after migrate.

Production runs with two roles (README, "Production"): the owner, whose `DATABASE_URL` the
migrations run with, and the app's role, which gunicorn, the workers and beat connect as. The
app's role does not own a table, so it cannot ALTER one, nor disable a trigger. Here it gets:

- CONNECT on the database and USAGE on the schema;
- SELECT, INSERT, UPDATE, DELETE on every table, but only SELECT and INSERT on the append-only ones
  (every table with an `<table>_append_only` trigger: the case ledger, the case events, the audit
  trail) and TRUNCATE on none;
- USAGE and SELECT on the sequences;
- the same on the tables and sequences the owner creates later (default privileges), so a new
  table works before this runs again; run it after every migrate all the same, since only this
  takes UPDATE and DELETE back on a new append-only table (its row trigger refuses them meanwhile).

Idempotent: every run revokes the tables' privileges and grants them again, in one transaction.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction

APPEND_ONLY_TABLES = """
SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE NOT t.tgisinternal AND t.tgname = c.relname || '_append_only' AND n.nspname = current_schema()
ORDER BY c.relname
"""


WITHOUT_TRUNCATE_TRIGGER = """
SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)
AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = c.relname || '_no_truncate')
ORDER BY c.relname
"""


def quoted(connection, name: str) -> str:
    return connection.ops.quote_name(name)


def grant_app_role(*, role: str, using: str = "default") -> list[str]:
    """Grant `role` the app's privileges on the current schema; return the append-only tables."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise CommandError("grant_app_role is for PostgreSQL: SQLite has no roles.")
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        if found is None:
            raise CommandError(f"There is no PostgreSQL role {role!r}: create it first (CREATE ROLE … LOGIN).")
        if found[0]:
            raise CommandError(f"{role!r} is a superuser: the append-only rules cannot bind it. Use a plain role.")
        cursor.execute("SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                       "WHERE r.rolname = %s AND c.relnamespace = current_schema()::regnamespace", [role])
        if cursor.fetchone()[0]:
            raise CommandError(f"{role!r} owns tables here: an owner may disable the append-only triggers. "
                               f"Run the migrations as another role and give that one the tables.")
        cursor.execute("SELECT current_database(), current_schema(), current_user")
        database, schema, owner = cursor.fetchone()
        cursor.execute("SELECT pg_has_role(%s, n.nspowner, 'MEMBER') OR pg_has_role(%s, current_user, 'MEMBER') "
                       "FROM pg_namespace n WHERE n.nspname = current_schema()", [role, role])
        if cursor.fetchone()[0]:
            raise CommandError(f"{role!r} owns the schema {schema!r} or is a member of the owner {owner!r}: it could "
                               f"drop the tables or disable their triggers. Use a role of its own.")
        cursor.execute(APPEND_ONLY_TABLES)
        append_only = [name for (name,) in cursor.fetchall()]
        app, schema_q, owner_q = quoted(connection, role), quoted(connection, schema), quoted(connection, owner)
        statements = [
            f"GRANT CONNECT ON DATABASE {quoted(connection, database)} TO {app}",
            f"GRANT USAGE ON SCHEMA {schema_q} TO {app}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema_q} FROM {app}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema_q} TO {app}",
            *(f"REVOKE UPDATE, DELETE ON {schema_q}.{quoted(connection, table)} FROM {app}" for table in append_only),
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema_q} FROM {app}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema_q} TO {app}",
            (f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} "
             f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}"),
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA {schema_q} GRANT USAGE, SELECT ON SEQUENCES TO {app}",
        ]
        for statement in statements:
            cursor.execute(statement)
        cursor.execute(WITHOUT_TRUNCATE_TRIGGER, [append_only])
        unguarded = [name for (name,) in cursor.fetchall()]
    if unguarded:
        # The app's role cannot TRUNCATE them (no privilege); the owner could, by a slip.
        raise CommandError(f"Privileges granted, but {', '.join(unguarded)} append-only without a BEFORE TRUNCATE "
                           f"trigger: add `<table>_no_truncate` (cases/migrations/0019_append_only_truncate.py).")
    return append_only


class Command(BaseCommand):
    help = ("Grant the app's PostgreSQL role its privileges (no UPDATE, DELETE or TRUNCATE on the append-only "
            "tables); run as the tables' owner after every migrate.")

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role gunicorn, the workers and beat connect as, e.g. fordra_app")
        parser.add_argument("--database", default="default")

    def handle(self, *args, role, database, **options):
        append_only = grant_app_role(role=role, using=database)
        self.stdout.write(f"Granted {role} the app's privileges; append-only (SELECT, INSERT): "
                          f"{', '.join(append_only) or 'none found'}.")
