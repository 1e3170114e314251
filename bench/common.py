"""Shared set-up for benchmarks: Django on a throw-away PostgreSQL database."""
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def host_speed() -> str:
    """A line saying how fast this machine runs Python right now. This VM's speed drifts
    (a 20-million-step loop has taken 0.85-1.9 s), so the benches print it beside their figures."""
    start = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return f"host: a 20-million-step Python loop took {time.perf_counter() - start:.2f} s"


@contextmanager
def scratch_database():
    """Set Django up on a scratch, migrated copy of DATABASE_URL's database; drop it after."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    # Measured as production runs: with DEBUG on, Django records every query it sends
    # (15-20 % of the daily cycle's time). DEBUG=true in the environment turns it back on.
    os.environ.setdefault("DEBUG", "false")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://user:password@host:port/name")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    old_name = settings.DATABASES["default"]["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)



def copy_database(connection, source: str, target: str) -> None:
    """(Re)create database `target` as a copy of `source` (CREATE DATABASE … TEMPLATE). Neither
    may have a connection open: Django's is closed first and reopens on its next query.

    The files are copied (PostgreSQL 15's default copies through shared buffers and leaves
    the whole database dirty in them, to be written out during the next run), so a run
    starts with nothing to write back and its data in the OS's cache."""
    from django.db import connections

    connections.close_all()
    strategy = " STRATEGY = FILE_COPY" if connection.pg_version >= 150000 else ""
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"{strategy}')


def drop_database(connection, name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
