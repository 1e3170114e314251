"""The daily reclassification at scale: 100 000 debtors of one creditor, a year of history each.

    DATABASE_URL=postgres://… .venv/bin/python bench/reclassify.py [--debtors 100000] [--profile]

Every debtor has 1–11 invoices over the last year (6 on average): the older ones paid
(on time or late, `Invoice.paid_on`, no case, as the ledger import stores them), the
newest one or two open, with a case on the normal ladder; some have credit reports,
closed cases that reached a collection demand or a payment order, broken promises,
disputes, a VIP designation or a manual override (built by `reclassify_data.py`). All start as `normal`, as they are
the day classification ships, so the first run moves a good share of them (writing
events and replanning their cases); a second run the same day changes nothing: the
steady daily cost.

Prints the build time (not part of the goal), then per run: time, debtors/s, the moves
per (old, new), the SQL statements it sent (and the slowest of them) and where the time
went. Goal (2 cores): the first run under 30 s, in set-based queries. Runs on a scratch
database it creates and drops. `--profile` runs the first reclassification under cProfile;
`--gc-off` switches Python's cyclic garbage collector off for the runs, to show its share.
"""
import argparse
import cProfile
import datetime
import gc
import pstats
import time
from collections import Counter, defaultdict
from contextlib import contextmanager

from common import scratch_database
from reclassify_data import DAY, build

NEXT_DAY = DAY + datetime.timedelta(days=1)


class Statements:
    """Every statement the connection sends, counted and timed below Django (bulk_set and insert_rows
    use the raw psycopg2 cursor, which CaptureQueriesContext and execute_wrapper do not see)."""

    def __init__(self):
        self.count = 0
        self.fetches = 0  # FETCHes of a server-side cursor (QuerySet.iterator)
        self.seconds = defaultdict(float)
        self.calls = Counter()

    def record(self, sql, seconds: float, statement: bool = True) -> None:
        if isinstance(sql, bytes):
            sql = sql.decode()
        key = " ".join(str(sql).split())[:110]
        self.seconds[key] += seconds
        if statement:
            self.count += 1
            self.calls[key] += 1
        else:
            self.fetches += 1


@contextmanager
def statements_counted(connection):
    import psycopg2.extensions

    counter = Statements()

    class CountingCursor(psycopg2.extensions.cursor):
        sql = ""

        def execute(self, sql, args=None):
            start = time.perf_counter()
            try:
                return super().execute(sql, args)
            finally:
                self.sql = sql
                counter.record(sql, time.perf_counter() - start)

        def executemany(self, sql, args):
            start = time.perf_counter()
            try:
                return super().executemany(sql, args)
            finally:
                counter.record(sql, time.perf_counter() - start)

        def copy_expert(self, sql, file, size=8192):
            start = time.perf_counter()
            try:
                return super().copy_expert(sql, file, size)
            finally:
                counter.record(sql, time.perf_counter() - start)

        def fetchmany(self, size=None):
            start = time.perf_counter()
            try:
                return super().fetchmany(size) if size is not None else super().fetchmany()
            finally:
                if self.name:
                    counter.record(self.sql, time.perf_counter() - start, statement=False)

    connection.ensure_connection()
    raw = connection.connection
    previous, raw.cursor_factory = raw.cursor_factory, CountingCursor
    try:
        yield counter
    finally:
        raw.cursor_factory = previous


@contextmanager
def phases_timed():
    """Seconds spent in reclassify's parts, by wrapping the names classification.services calls."""
    from classification import services

    seconds = Counter()
    names = ["features_for", "_write", "cases_replan", "insert_rows", "bulk_set"]
    originals = {name: getattr(services, name) for name in names}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[name] += time.perf_counter() - start
        return wrapper

    for name, function in originals.items():
        setattr(services, name, timed(name, function))
    try:
        yield seconds
    finally:
        for name, function in originals.items():
            setattr(services, name, function)


def run(connection, creditor, label: str, profiler=None, daily=None):
    """One reclassification of the creditor on DAY (or the daily cycle's pass on `daily`), timed,
    its statements counted; prints its figures."""
    from classification.services import reclassify, reclassify_daily
    from core.tenancy import creditor_scope

    with creditor_scope(creditor), phases_timed() as phases, statements_counted(connection) as statements:
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        report = reclassify_daily(creditor=creditor, on=daily) if daily else reclassify(creditor=creditor, on=DAY)
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - start
    moves = ", ".join(f"{old}→{new} {n:,}" for (old, new), n in sorted(report.changed.items())) or "none"
    print(f"{label}: {elapsed:6.2f} s  {report.debtors / elapsed:,.0f} debtors/s  {report.debtors:,} debtors, "
          f"moved {report.moved:,} ({moves}), reasons updated {report.reasons_updated:,}"
          + ("  [under cProfile]" if profiler else ""))
    in_driver = sum(statements.seconds.values())
    print(f"  {statements.count} SQL statements (+ {statements.fetches} server-side cursor fetches), "
          f"{in_driver:.2f} s of it in psycopg2's execute and fetch (the server's work and the transfer)")
    features, write = phases["features_for"], phases["_write"]
    print(f"  features_for {features:.2f} s · reading the debtors and classify {elapsed - features - write:.2f} s · "
          f"writes {write:.2f} s (of which replan {phases['cases_replan']:.2f} s, bulk_set {phases['bulk_set']:.2f} s, "
          f"events COPY {phases['insert_rows']:.2f} s)")
    for sql, seconds in sorted(statements.seconds.items(), key=lambda item: -item[1])[:6]:
        print(f"    {seconds:6.2f} s  ×{statements.calls[sql] or 1:<4} {sql}")
    return report, elapsed, statements


def settle(connection) -> None:
    """VACUUM ANALYZE, as autovacuum would have by the next cycle: a freshly copied or updated
    table would otherwise be vacuumed (and its hint bits written) during the measurement."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--debtors", type=int, default=100_000)
    parser.add_argument("--profile", action="store_true", help="run the first reclassification under cProfile and "
                                                               "print where it spends its time")
    parser.add_argument("--gc-off", action="store_true", help="switch Python's cyclic garbage collector off during "
                                                              "the runs, to see its share of the time")
    args = parser.parse_args()
    with scratch_database() as connection:
        from django.utils import timezone

        from cases.models import CaseEvent
        from classification.models import ClassificationRules
        from classification.services import CHANGED
        from core.tenancy import creditor_scope

        start = time.perf_counter()
        creditor = build(args.debtors)
        settle(connection)
        print(f"built in {time.perf_counter() - start:.1f} s (not part of the goal)")
        profiler = cProfile.Profile() if args.profile else None
        if args.gc_off:
            gc.disable()
        first, seconds, _ = run(connection, creditor, "first run (all start normal)", profiler)
        with creditor_scope(creditor):
            events = CaseEvent.objects.filter(code=CHANGED).count()
        print(f"  {events:,} category-changed events written; goal < 30 s: {'met' if seconds < 30 else 'MISSED'}")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        settle(connection)
        with creditor_scope(creditor):
            ClassificationRules.objects.get_or_create(creditor=creditor)
        started = timezone.now()  # after the rules were stored: they have not changed since this pass
        again, _, _ = run(connection, creditor, "second run, same day")
        assert again.moved == 0 and again.reasons_updated == 0, "a second run on the same day changed debtors"
        # The second run was a full pass on DAY: recorded as the daily cycle's would be, the next
        # day's pass reclassifies only the debtors whose facts or dates moved, and a seventh by turns.
        with creditor_scope(creditor):
            ClassificationRules.objects.filter(creditor=creditor).update(reclassified_on=DAY, reclassified_at=started)
        settle(connection)
        run(connection, creditor, "the daily pass, the next day", daily=NEXT_DAY)


if __name__ == "__main__":
    main()
