"""Letters at scale: render 1 000 letters of each kind in one long-lived process.

    .venv/bin/python bench/letters.py [--per-kind 1000] [--workers 2]
    DATABASE_URL=postgres://… .venv/bin/python bench/letters.py   (a scratch PostgreSQL database)

Prints letters/s per kind and in all, peak memory, and the floor: bare WeasyPrint
rendering the same final HTML with the same stylesheets, fonts and PDF/A options, but
without templates, database, sandbox bookkeeping, storage or hashing. Then the same
letters again in `--workers` processes (one creditor each). Goals: within 1.25× of the
floor per core, and ≥ 1.8× the one-process rate with two processes. Without DATABASE_URL
it runs on a scratch SQLite file; files go to a scratch MEDIA_ROOT either way.
"""
import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: this file's name would hide the `letters` app
SCRATCH = Path(tempfile.mkdtemp(prefix="fordra-bench-letters-"))
os.environ["MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ.setdefault("LOG_LEVEL", "WARNING")
KINDS = ["reminder", "collection_demand", "payment_order_notice", "payment_plan"]


@contextmanager
def database():
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        from bench.common import scratch_database

        with scratch_database() as connection:
            yield connection
        return
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    # Worker processes share the file: each short write transaction takes the lock at BEGIN
    # and waits for it, instead of failing when two read transactions both try to write.
    connection.settings_dict["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

    call_command("migrate", verbosity=0)
    yield connection


def build(per_kind: int, n_creditors: int) -> list:
    """`per_kind` letters of each kind, spread over `n_creditors` creditors and 50 debtors each."""
    import datetime
    from decimal import Decimal

    from core.tenancy import creditor_scope
    from dunning.balances import case_letter_record
    from letters.models import Letter
    from tests.factories import DebtorFactory, make_case, make_creditor

    orgs = ["556703-7485", "556036-0793", "556016-0680", "556012-5790"]
    sent_on, deadline = datetime.date(2026, 11, 23), datetime.date(2026, 12, 7)
    creditors = [make_creditor(f"bench-{c}", f"Bench Bygg {c} AB", orgs[c % 4], "5050-1055") for c in range(n_creditors)]
    for creditor in creditors:
        with creditor_scope(creditor):
            values = []
            for d in range(50):
                debtor = DebtorFactory(creditor=creditor, name=f"Kund Nummer {d} Åkesson", address=f"Storgatan {d}",
                                       postal_code="123 45", city="Västerås", language="sv" if d % 3 else "en")
                case = make_case(creditor, amount=Decimal("1000.00") + d * 37, debtor=debtor,
                                 due_date=datetime.date(2026, 10, 1))
                for kind in KINDS:
                    value = case_letter_record(case=case, kind=kind, sent_on=sent_on, deadline=deadline)
                    if kind == "payment_plan":
                        half = (value["total"] / 2).quantize(Decimal("0.01"))
                        value["amounts"]["instalments"] = [{"due_on": "2026-12-28", "amount": str(half)},
                                                           {"due_on": "2027-01-28", "amount": str(value["total"] - half)}]
                    values.append(value)
            share = per_kind // n_creditors
            Letter.objects.bulk_create([Letter(**values[(i * len(KINDS) + k) % len(values)] | {"kind": kind})
                                        for k, kind in enumerate(KINDS) for i in range(share)], batch_size=1000)
    return creditors


def reset(creditors) -> None:
    from django_scopes import scopes_disabled

    from letters.models import Letter

    with scopes_disabled():
        Letter.objects.update(status="pending", pdf="", sha256="", rendered_at=None, printed=None,
                              template_version="", variant="")


def render_fordra(creditors) -> dict[str, tuple[int, float]]:
    """Each kind through the service that the worker runs: lock, freeze, render, store, hash."""
    from core.tenancy import creditor_scope
    from letters.models import Letter
    from letters.rendering import letter_render

    timings = {}
    for kind in KINDS:
        count, started = 0, time.perf_counter()
        for creditor in creditors:
            with creditor_scope(creditor):
                for letter_id in Letter.objects.filter(kind=kind, status="pending").values_list("id", flat=True):
                    count += letter_render(letter_id=letter_id).status == "rendered"
        timings[kind] = (count, time.perf_counter() - started)
    return timings


def render_floor(creditors) -> dict[str, tuple[int, float]]:
    """Bare WeasyPrint on the same final HTML (made beforehand, not timed), same options."""
    from weasyprint import HTML

    from core.tenancy import creditor_scope
    from letters.models import Letter
    from letters.pdf import PDF_VARIANT, font_config, stylesheets
    from letters.rendering import letter_html
    from letters.sandbox import ASSET_ORIGIN, SandboxFetcher

    timings = {}
    for kind in KINDS:
        pages = []
        for creditor in creditors:
            with creditor_scope(creditor):
                for letter in Letter.objects.filter(kind=kind).select_related("creditor"):
                    pages.append((letter_html(letter), stylesheets(letter.template_version, letter.variant)))
        started = time.perf_counter()
        for html, css in pages:
            HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=SandboxFetcher()).write_pdf(
                font_config=font_config(), stylesheets=list(css), pdf_variant=PDF_VARIANT)
        timings[kind] = (len(pages), time.perf_counter() - started)
    return timings


def _render_one_creditor(creditor_id: int) -> tuple[int, int]:
    from django.db import connection

    from core.tenancy import creditor_scope
    from letters.rendering import letters_render_pending

    connection.close()  # a fresh connection per process
    with creditor_scope(creditor_id):
        count = letters_render_pending(creditor_id=creditor_id)
    return count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def render_in_processes(creditors, workers: int) -> tuple[int, float, int]:
    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_render_one_creditor, [c.pk for c in creditors], chunksize=1)
    return sum(n for n, _ in results), time.perf_counter() - started, max(kb for _, kb in results)


def report(label: str, timings: dict[str, tuple[int, float]]) -> float:
    total = sum(n for n, _ in timings.values())
    seconds = sum(s for _, s in timings.values())
    kinds = ", ".join(f"{kind} {n / s:.1f}/s" for kind, (n, s) in timings.items())
    print(f"{label}: {total} letters in {seconds:.1f} s = {total / seconds:.1f} letters/s ({kinds})")
    return seconds / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with database():
        creditors = build(args.per_kind, max(args.workers, 1))
        from letters.pdf import stylesheets

        stylesheets("v1", "standard")  # the process's one-time set-up: fonts registered, CSS parsed
        print(f"{args.per_kind} letters of each kind, {len(creditors)} creditors, "
              f"WeasyPrint with libharfbuzz-subset: {Path('/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0').exists()}")
        fordra = report("Fordra, 1 process", render_fordra(creditors))
        print(f"peak memory, 1 process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        floor = report("floor (bare WeasyPrint, same HTML), 1 process", render_floor(creditors))
        print(f"Fordra / floor per letter: {fordra / floor:.2f}× (goal ≤ 1.25×)")
        if args.workers > 1:
            reset(creditors)
            count, seconds, peak_kb = render_in_processes(creditors, args.workers)
            rate = count / seconds
            print(f"Fordra, {args.workers} processes: {count} letters in {seconds:.1f} s = {rate:.1f} letters/s, "
                  f"{rate * fordra:.2f}× one process (goal ≥ 1.8×), peak memory per process {peak_kb / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
