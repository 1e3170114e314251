"""`export_cases` of 100 000 cases: time and peak memory, JSON Lines and CSV.

    DATABASE_URL=postgres://… .venv/bin/python bench/export_cases.py [--cases 100000] [--no-cycle]

Builds a creditor with 100 000 cases from bench/import.py's ledger file and runs the
daily cycle on them once (most get a reminder: a letter and its events), and a creditor
with 1 000 cases the same way. Each export runs as users run it, `manage.py
export_cases … --output FILE` in a process of its own, which reports its peak resident
memory (VmHWM) as it ends. The small creditor's figures are the baseline: flat
memory means the two peaks are about the same. Runs on a scratch database it creates
and drops.
"""
import argparse
import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from common import ROOT, host_speed, scratch_database

ledger_bench = importlib.import_module("import")  # bench/import.py: its name is a Python keyword
DAY = ledger_bench.DAY


def build(*, slug: str, org_number: str, bankgiro: str, cases: int, cycle: bool) -> None:
    from core.tenancy import creditor_scope
    from creditors.services import creditor_create
    from cycle.run import run_cycle
    from intake.service import ledger_import

    creditor = creditor_create(slug=slug, name=f"{slug.title()} AB", org_number=org_number, bankgiro=bankgiro)
    started = time.perf_counter()
    with creditor_scope(creditor):
        report = ledger_import(creditor=creditor, data=ledger_bench.ledger_csv(cases, addressed=True),
                               name=f"{slug}.csv", today=DAY)
    steps = run_cycle(creditor=creditor, day=DAY).steps if cycle else 0
    print(f"built {slug}: {report.created:,} cases, {steps:,} steps in {time.perf_counter() - started:.0f} s")


# The command in a process of its own, which reports its peak resident memory (VmHWM).
# Not ru_maxrss from wait4: Linux carries it over exec from the process that forked (or
# vforked) the child, so every export would report this builder's hundreds of megabytes.
CHILD = ("import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.local'); import django; "
         "django.setup(); from django.core.management import call_command; "
         "call_command('export_cases', *sys.argv[1:]); "
         "print(next(line for line in open('/proc/self/status') if line.startswith('VmHWM')), file=sys.stderr)")


def export(*, slug: str, format: str, database_url: str, folder: Path) -> None:
    target = folder / f"{slug}.{format}"
    arguments = ["--creditor", slug, "--as-of", str(DAY), "--format", format, "--output", str(target)]
    started = time.perf_counter()
    finished = subprocess.run([sys.executable, "-c", CHILD, *arguments], cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "DATABASE_URL": database_url})
    elapsed = time.perf_counter() - started
    if finished.returncode:
        sys.exit(f"export_cases failed: {finished.stderr}")
    said, peak = finished.stderr.strip().splitlines()[-2:]
    peak_mb = int(peak.split()[1]) / 1024
    print(f"{format:5} {slug:6}: {elapsed:6.1f} s  peak RSS {peak_mb:6.0f} MB  "
          f"{target.stat().st_size / 1e6:7.1f} MB written  ({said})")


def profile(format: str) -> None:
    import cProfile
    import io
    import pstats

    from core.tenancy import creditor_scope
    from creditors.models import Creditor
    from api.export import cases_export

    profiler = cProfile.Profile()
    with creditor_scope(Creditor.objects.get(slug="bench")):
        profiler.enable()
        cases_export(stream=io.StringIO(), format=format, as_of=DAY)
        profiler.disable()
    pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--no-cycle", action="store_true", help="cases without letters or steps")
    parser.add_argument("--profile", choices=["jsonl", "csv"], help="print where one export spends its time")
    args = parser.parse_args()
    print(host_speed())
    with scratch_database():
        from django.conf import settings

        # The cycle queues its letters for rendering after commit; with no broker here Celery would
        # render them inline, for hours (bench/letters.py measures rendering). Exported, they are queued.
        import dunning.steps

        dunning.steps.letters_render_after_commit = lambda **kwargs: None

        build(slug="bench", org_number="556703-7485", bankgiro="5050-1055", cases=args.cases,
              cycle=not args.no_cycle)
        build(slug="small", org_number="556036-0793", bankgiro="5402-9681", cases=1_000, cycle=not args.no_cycle)
        if args.profile:
            return profile(args.profile)
        url = urlsplit(os.environ["DATABASE_URL"])
        database_url = urlunsplit(url._replace(path="/" + settings.DATABASES["default"]["NAME"]))
        with tempfile.TemporaryDirectory() as folder:
            for format in ("jsonl", "csv"):
                for slug in ("small", "bench"):
                    export(slug=slug, format=format, database_url=database_url, folder=Path(folder))


if __name__ == "__main__":
    main()
