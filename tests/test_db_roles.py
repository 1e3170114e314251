"""The app's PostgreSQL role (core's grant_app_role): it reads and writes, appends to the ledger,
and can neither change nor empty the append-only tables nor disable their triggers. The tables'
owner (the test database's role, as the migrations' in production) cannot TRUNCATE them by a slip
either: only a session that says `fordra.allow_truncate = on` may (the test runner's flush).

The test connects as a role of its own, made here; the database role the suite runs as must be
allowed to create roles (CREATEROLE: .ci/run gives it).
"""
import secrets
from io import StringIO

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tests.factories import make_case

# serialized_rollback: the flush after each test leaves the database as the next serialized test expects it
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

APPEND_ONLY = ["cases_caseevent", "cases_ledgerentry", "creditors_auditevent"]


@pytest.fixture
def app_role(db):
    """A login role for the app, dropped again with whatever was granted to it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.fail("the suite's database role may not create roles: ALTER ROLE … CREATEROLE (.ci/run does)")
        name, password = f"{connection.settings_dict['NAME']}_app_{secrets.token_hex(3)}", secrets.token_hex(16)
        cursor.execute(f"CREATE ROLE {name} LOGIN PASSWORD %s", [password])
    yield name, password
    with connection.cursor() as cursor:  # DROP OWNED BY needs membership in the role: revoke one by one
        cursor.execute("SELECT current_database()")
        database = cursor.fetchone()[0]
        for statement in (f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}",
                          f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {name}",
                          f"REVOKE ALL ON SCHEMA public FROM {name}", f'REVOKE ALL ON DATABASE "{database}" FROM {name}',
                          f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM {name}",
                          f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM {name}",
                          f"DROP ROLE {name}"):
            cursor.execute(statement)


def connect_as(name, password):
    settings = connection.settings_dict
    app = psycopg2.connect(dbname=settings["NAME"], user=name, password=password, host=settings["HOST"] or None,
                           port=settings["PORT"] or None)
    app.autocommit = True
    return app


def refused(app, sql, *params) -> str:
    with pytest.raises(psycopg2.Error) as error, app.cursor() as cursor:
        cursor.execute(sql, params)
    return str(error.value)


@pytest.fixture
def entry(creditor):
    make_case(creditor, amount="1000.00")
    return count("SELECT min(id) FROM cases_ledgerentry")


def count(sql, *params) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_the_app_role_appends_to_the_ledger_and_changes_nothing_in_it(app_role, entry):
    out = StringIO()
    call_command("grant_app_role", app_role[0], stdout=out)
    assert "cases_caseevent, cases_ledgerentry, creditors_auditevent" in out.getvalue()
    app = connect_as(*app_role)
    with app.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_ledgerentry")
        assert cursor.fetchone()[0] >= 1
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'cases_ledgerentry' "
                       "AND column_name <> 'id'")
        columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
        cursor.execute(f"INSERT INTO cases_ledgerentry ({columns}) SELECT {columns} FROM cases_ledgerentry "
                       f"WHERE id = %s RETURNING id", [entry])
        assert cursor.fetchone()[0] != entry
        # An ordinary table: the app changes it as it always has.
        cursor.execute("UPDATE cases_case SET id = id")
    assert "permission denied" in refused(app, "UPDATE cases_ledgerentry SET text = 'x' WHERE id = %s", entry)
    assert "permission denied" in refused(app, "DELETE FROM cases_ledgerentry WHERE id = %s", entry)
    for table in APPEND_ONLY:
        assert "permission denied" in refused(app, f"TRUNCATE {table}")
        assert "must be owner" in refused(app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert "must be owner" in refused(app, f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    assert "must be owner" in refused(app, "DROP TABLE cases_ledgerentry")
    app.close()
    assert count("SELECT count(*) FROM cases_ledgerentry WHERE id = %s", entry) == 1


def test_granting_twice_changes_nothing_and_a_new_table_is_the_apps_too(app_role, entry):
    call_command("grant_app_role", app_role[0], stdout=StringIO())
    call_command("grant_app_role", app_role[0], stdout=StringIO())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE fordra_later (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, note text)")
    app = connect_as(*app_role)
    try:
        with app.cursor() as cursor:
            cursor.execute("INSERT INTO fordra_later (note) VALUES ('x') RETURNING id")
            cursor.execute("UPDATE fordra_later SET note = 'y'")
        assert "permission denied" in refused(app, "UPDATE cases_caseevent SET code = code")
    finally:
        app.close()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE fordra_later")


def test_the_command_refuses_a_role_that_could_undo_the_rules(app_role):
    with pytest.raises(CommandError, match="no PostgreSQL role"):
        call_command("grant_app_role", "no_such_role_here")
    with pytest.raises(CommandError, match="owns"):
        call_command("grant_app_role", connection.settings_dict["USER"])


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_even_the_owner_cannot_truncate_an_append_only_table_by_a_slip(table, entry):
    with pytest.raises(Exception, match="append-only: TRUNCATE refused"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("SET LOCAL fordra.allow_truncate = off")  # a session as production opens it
        cursor.execute(f"TRUNCATE {table} CASCADE")
    assert count("SELECT count(*) FROM cases_ledgerentry") >= 1


def test_an_append_only_table_without_a_truncate_trigger_is_named(app_role):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE fordra_later_log (id bigint PRIMARY KEY)")
        cursor.execute("CREATE TRIGGER fordra_later_log_append_only BEFORE UPDATE OR DELETE ON fordra_later_log "
                       "FOR EACH ROW EXECUTE FUNCTION fordra_refuse_change()")
    try:
        with pytest.raises(CommandError, match="fordra_later_log append-only without a BEFORE TRUNCATE"):
            call_command("grant_app_role", app_role[0], stdout=StringIO())
        app = connect_as(*app_role)  # granted all the same: SELECT and INSERT only
        assert "permission denied" in refused(app, "DELETE FROM fordra_later_log")
        app.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE fordra_later_log")
