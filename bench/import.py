"""Money in at scale: a 100 000-row ledger CSV, and a BgMax file of 100 000 payments.

    DATABASE_URL=postgres://… .venv/bin/python bench/import.py [--rows 100000] [--payments 100000] [--no-analyze]

Prints the time to import the ledger (every row new), to import it again (every row
unchanged), and to import, match and allocate the BgMax file, which comes once the
ledger's rows are analysed (`_analyzed`). Goals (this machine): ledger under 20 s,
payments under 60 s. Runs on a scratch database it creates and drops.
"""
import argparse
import cProfile
import datetime
import os
import pstats
import time
from decimal import Decimal

from common import host_speed, scratch_database

from tests.payments.bgmax_files import bgmax_file

DAY = datetime.date(2026, 11, 23)


def ledger_csv(rows: int, *, addressed: bool = False) -> bytes:
    """`addressed`: with street and postal code, so the cycle can send letters (no address, no step)."""
    head, street = (";adress;postnummer", ";Storgatan {n};702 10") if addressed else ("", "")
    lines = ["kundnummer;namn;kundtyp;personnummer;fakturanummer;fakturadatum;förfallodatum;belopp;ort" + head]
    for i in range(rows):
        due = DAY - datetime.timedelta(days=i % 60)
        lines.append(f"{i // 2:07d};Kund {i // 2};privatperson;;F{i:08d};{due - datetime.timedelta(days=30)};{due};"
                     f"{1 + i % 9} {i % 1000:03d},{i % 100:02d};Örebro" + street.format(n=i // 2))
    return ("\n".join(lines) + "\n").encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--profile", choices=["ledger", "payments"], help="print where one import spends its time")
    parser.add_argument("--no-analyze", action="store_true",
                        help="send the payment file at once, before PostgreSQL has statistics on the ledger's rows")
    args = parser.parse_args()
    print(host_speed())
    profiler = cProfile.Profile() if args.profile else None
    with scratch_database():
        from cases.models import Case
        from core.tenancy import creditor_scope
        from creditors.services import creditor_create
        from intake.service import ledger_import

        creditor = creditor_create(slug="bench", name="Bench AB", org_number="556703-7485", bankgiro="5050-1055")
        data = ledger_csv(args.rows)
        with creditor_scope(creditor):
            started = time.perf_counter()
            with _profiled(profiler if args.profile == "ledger" else None):
                report = ledger_import(creditor=creditor, data=data, name="bench.csv", today=DAY)
            first = time.perf_counter() - started
            print(f"ledger, {report.rows:,} rows new:       {first:6.1f} s  ({report.rows / first:,.0f} rows/s) "
                  f"created {report.created:,}  goal < 20 s")
            started = time.perf_counter()
            report = ledger_import(creditor=creditor, data=data, name="bench.csv", today=DAY)
            again = time.perf_counter() - started
            print(f"ledger, {report.rows:,} rows unchanged: {again:6.1f} s  unchanged {report.unchanged:,}")
            cases = list(Case.objects.order_by("id").values_list("ocr_reference", "invoice__amount")[:args.payments])
        if not args.payments:
            return
        payments = [(ocr, amount if i % 3 else amount / 2 if i % 2 else amount + 10)
                    for i, (ocr, amount) in enumerate(cases)]
        payments = [(ocr, Decimal(amount).quantize(Decimal("0.01"))) for ocr, amount in payments]
        if not args.no_analyze:
            _analyzed()
        payment_run(bgmax_file(payments, bankgiro=creditor.bankgiro, day=DAY),
                    profiler if args.profile == "payments" else None)


class _profiled:
    def __init__(self, profiler):
        self.profiler = profiler

    def __enter__(self):
        if self.profiler:
            self.profiler.enable()

    def __exit__(self, *exc):
        if self.profiler:
            self.profiler.disable()
            pstats.Stats(self.profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(45)


def _analyzed() -> None:
    """A bank file comes a day or more after the ledger that opened its cases. By then
    autovacuum has analysed the new rows (it does within a minute of the commit); ANALYZE
    stands for that here, instead of racing it. Without statistics, PostgreSQL plans the
    batches' id lookups on tables it takes to be small as scans of them (--no-analyze)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def payment_run(data: bytes, profiler=None) -> None:
    from payments.importing import payments_import

    started = time.perf_counter()
    with _profiled(profiler):
        summary = payments_import(data=data, name="bench.bgmax")
    elapsed = time.perf_counter() - started
    print(f"BgMax, {summary.count:,} payments:        {elapsed:6.1f} s  ({summary.count / elapsed:,.0f} payments/s) "
          f"{summary}  goal < 60 s")


if __name__ == "__main__":
    main()
