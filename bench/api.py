"""The REST API under load: gunicorn on PostgreSQL, asked from a second process over loopback (issue #22).

    DATABASE_URL=postgres://… .venv/bin/python bench/api.py [--cases 5000] [--workers 3]
        [--connections 32] [--seconds 15] [--posts 3]

Builds a creditor with `--cases` cases from bench/import.py's ledger file and runs the daily
cycle on them once (reminders: events, fees, letter records), on a scratch database it creates
and drops. Starts gunicorn itself (`--workers` sync workers, as the Dockerfile runs it) on a free
port of 127.0.0.1 against that database, with DEBUG off and no request rate. Then, from a second
process (threads, one connection per request: a sync worker closes each one):

1. `GET /api/v1/cases/{id}/` at `--connections` concurrent connections for `--seconds`, random
   ids: requests/s, p50 and p99 latency as the client sees it (queueing in gunicorn included).
   Goal: p99 < 50 ms. First each connection asks again as soon as it has its answer (the
   server's throughput; with 32 always waiting, p99 under 50 ms needs over 640 requests/s),
   then the same connections together offer `--rates` requests/s on a fixed schedule, each
   request timed from when it was due: the load at which the goal holds.
2. `POST /api/v1/invoices/` with 1 000 new invoices, `--posts` times (each a new set): the time
   each takes. Goal: < 3 s.
3. Staying in step (`updated_since`, one request at a time, the median of five): the first page
   of 1 000 of a whole sync of cases and of debtors, and a poll that finds the 50 cases touched
   after the build (a note each). Run it with `--cases 100000` to see it at a large creditor.

Celery: with CELERY_BROKER_URL set, gunicorn queues its tasks there (nothing consumes them
here); without, they run inside the request, as on the embedded default.
"""
import argparse
import http.client
import importlib
import itertools
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import quote, urlsplit, urlunsplit

from common import ROOT, host_speed, scratch_database

ledger_bench = importlib.import_module("import")  # bench/import.py: its name is a Python keyword
DAY = ledger_bench.DAY
GET_P99_GOAL_MS = 50
POST_GOAL_S = 3.0
INVOICES_PER_POST = 1_000
START_TIMEOUT_S = 60
POST_RUNS = itertools.count()  # each POST's invoices are new ones
TOUCHED = 50  # cases changed after the build: what a poll finds


def build(*, cases: int):
    from core.tenancy import creditor_scope
    from creditors.services import api_client_create, creditor_create
    from cycle.run import run_cycle
    from intake.service import ledger_import

    creditor = creditor_create(slug="bench", name="Bench AB", org_number="556703-7485", bankgiro="5050-1055")
    started = time.perf_counter()
    with creditor_scope(creditor):
        ledger_import(creditor=creditor, data=ledger_bench.ledger_csv(cases, addressed=True), name="bench.csv",
                      today=DAY)
    steps = run_cycle(creditor=creditor, day=DAY).steps
    print(f"built: {cases:,} cases, {steps:,} steps in {time.perf_counter() - started:.0f} s")
    from django.utils import timezone

    from cases.models import Case
    from cases.services import case_note_add

    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="Bench ERP")
        ids = list(Case.objects.values_list("id", flat=True))
        since = timezone.now()
        for case in Case.objects.filter(pk__in=random.Random(7).sample(ids, min(TOUCHED, len(ids)))):
            case_note_add(case=case, text="Bench: changed after the build", on=DAY)
    return token, ids, since


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scratch_url(database_name: str, conn_max_age: int) -> str:
    """DATABASE_URL naming the scratch database; django-environ reads CONN_MAX_AGE from its query."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    query = f"conn_max_age={conn_max_age}&conn_health_checks=true" if conn_max_age else ""
    return urlunsplit(parts._replace(path=f"/{database_name}", query=query))


def start_gunicorn(*, database_name: str, workers: int, conn_max_age: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = dict(os.environ, DATABASE_URL=scratch_url(database_name, conn_max_age),
               DJANGO_SETTINGS_MODULE="config.settings.local", DEBUG="false",
               FORDRA_API_RATE="1000000/sec", FORDRA_API_ANON_RATE="1000000/sec",
               ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="ERROR")  # the 404s asked on purpose log warnings
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"], cwd=ROOT, env=env)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz")


def _request(port: int, method: str, path: str, token: str, body: bytes | None = None) -> tuple[int, float]:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def load_gets(port: int, token: str, ids: list[int], connections: int, seconds: float, results,
              rate: float | None = None) -> None:
    """In the second process: `connections` threads asking for random cases until `seconds` have
    passed, each as soon as its last answer came (`rate` None), or together `rate` requests a
    second on a fixed schedule, each request's time counted from when it was due (a request
    held up behind a slow one counts the wait, as a client on that schedule would see it)."""
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        mine, bad = [], []
        interval = connections / rate if rate else 0.0
        due = time.monotonic() + interval * seed / connections
        while due < stop_at:
            if rate:
                time.sleep(max(0.0, due - time.monotonic()))
            started = due if rate else time.monotonic()
            status, _took = _request(port, "GET", f"/api/v1/cases/{rng.choice(ids)}/", token)
            took = time.monotonic() - started
            (mine if status == 200 else bad).append(took if status == 200 else status)
            due = due + interval if rate else time.monotonic()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put({"latencies": latencies, "failures": failures, "elapsed": time.perf_counter() - started})


def invoices(run: int) -> bytes:
    rows = [{"customer_number": f"API-{run}-{i % 300}", "customer_name": f"API-kund {run}-{i % 300}",
             "invoice_number": f"API-{run}-{i:05d}", "invoice_date": "2026-10-01", "due_date": "2026-10-31",
             "amount": f"{100 + i % 9000}.50", "address": "Storgatan 1", "postal_code": "111 22", "city": "Stockholm"}
            for i in range(INVOICES_PER_POST)]
    return json.dumps(rows).encode()


def post_invoices(port: int, token: str, run: int) -> tuple[int, float]:
    return _request(port, "POST", "/api/v1/invoices/", token, invoices(run))


def measure_sync(port: int, token: str, since) -> None:
    print("-- staying in step (updated_since), one request at a time")

    def median_ms(path: str) -> tuple[float, int]:
        runs = [_request_json(port, path, token) for _ in range(5)]
        return statistics.median(took for took, _ in runs) * 1000, len(runs[-1][1]["results"])

    epoch = "updated_since=2000-01-01T00:00:00Z&page_size=1000"
    for resource in ("cases", "debtors"):
        took, found = median_ms(f"/api/v1/{resource}/?{epoch}")
        print(f"GET /api/v1/{resource}/?updated_since=(the start): first page of {found:,}: {took:.0f} ms")
    stamp = quote(since.isoformat())
    took, found = median_ms(f"/api/v1/cases/?updated_since={stamp}&page_size=1000")
    print(f"GET /api/v1/cases/?updated_since=(after the build): {found} changed cases: {took:.0f} ms")


def _request_json(port: int, path: str, token: str) -> tuple[float, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
        response = connection.getresponse()
        body = response.read()
        took = time.perf_counter() - started
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
        return took, json.loads(body)
    finally:
        connection.close()


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (the Dockerfile's 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--posts", type=int, default=3, help="POSTs of 1 000 invoices per server")
    parser.add_argument("--rates", type=lambda text: [float(v) for v in text.split(",") if v], default=[25, 50, 75],
                        help="after the run as fast as answered, runs at these fixed rates (requests/s in all)")
    parser.add_argument("--conn-max-age", type=lambda text: [int(v) for v in text.split(",")], default=[0, 60],
                        help="CONN_MAX_AGE of each server started in turn (0: a connection per request, the default)")
    args = parser.parse_args()
    print(host_speed())
    with scratch_database() as connection:
        import dunning.steps
        # The cycle queues its letters for rendering after commit; with no broker here Celery would
        # render them inline (bench/letters.py measures that). Here they stay pending.
        dunning.steps.letters_render_after_commit = lambda **kwargs: None
        token, ids, since = build(cases=args.cases)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        name = connection.settings_dict["NAME"]
        connection.close()
        for turn, conn_max_age in enumerate(args.conn_max_age):
            server, port = start_gunicorn(database_name=name, workers=args.workers, conn_max_age=conn_max_age)
            try:
                if turn == 0:  # before any POST adds cases: the poll then finds the touched ones alone
                    measure_sync(port, token, since)
                measure(port, token, ids, args, conn_max_age)
            finally:
                server.terminate()
                server.wait(timeout=30)


def measure(port: int, token: str, ids: list[int], args, conn_max_age: int) -> None:
    connections = "a database connection per request" if not conn_max_age else \
        f"database connections kept {conn_max_age} s"
    print(f"-- gunicorn, {args.workers} sync workers, {connections}")
    for _ in range(3 * args.workers):  # warm each worker: imports, the first query's plan
        _request(port, "GET", f"/api/v1/cases/{ids[0]}/", token)
    for rate in [None, *args.rates]:
        spawn = multiprocessing.get_context("spawn")
        results = spawn.Queue()
        loader = spawn.Process(target=load_gets,
                               args=(port, token, ids, args.connections, args.seconds, results, rate))
        loader.start()
        outcome = results.get(timeout=args.seconds + 120)
        loader.join(timeout=30)
        latencies = [took * 1000 for took in outcome["latencies"]]
        failures = outcome["failures"]
        failed = f"; {len(failures)} failed: {sorted(set(failures))}" if failures else ""
        load = "as fast as answered" if rate is None else f"{rate:g} requests/s offered"
        print(f"GET /api/v1/cases/{{id}}/, {args.connections} connections, {load}, {outcome['elapsed']:.0f} s: "
              f"{len(latencies) / outcome['elapsed']:.0f} requests/s, p50 {statistics.median(latencies):.1f} ms, "
              f"p99 {percentile(latencies, 0.99):.1f} ms (goal < {GET_P99_GOAL_MS} ms){failed}")
    single = [_request(port, "GET", f"/api/v1/cases/{random.choice(ids)}/", token)[1] * 1000 for _ in range(50)]
    print(f"GET /api/v1/cases/{{id}}/, 1 connection: p50 {statistics.median(single):.1f} ms, "
          f"p99 {percentile(single, 0.99):.1f} ms")
    # The floor: the same path through gunicorn, middleware, the key's check and one query, with no case to read.
    floor = [_request(port, "GET", "/api/v1/cases/999999999/", token)[1] * 1000 for _ in range(50)]
    print(f"GET /api/v1/cases/999999999/ (no such case: a 404), 1 connection: p50 {statistics.median(floor):.1f} ms")
    for _ in range(args.posts):
        run = next(POST_RUNS)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            status, took = pool.apply(post_invoices, (port, token, run))
        verdict = "" if status == 201 else f" — answered {status}"
        print(f"POST /api/v1/invoices/, {INVOICES_PER_POST:,} new invoices: {took:.2f} s "
              f"(goal < {POST_GOAL_S:.0f} s){verdict}")


if __name__ == "__main__":
    sys.exit(main())
