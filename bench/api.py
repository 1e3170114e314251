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
   Goal: p99 < 50 ms.
2. `POST /api/v1/invoices/` with 1 000 new invoices, `--posts` times (each a new set): the time
   each takes. Goal: < 3 s.

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
from urllib.parse import urlsplit, urlunsplit

from common import ROOT, host_speed, scratch_database

ledger_bench = importlib.import_module("import")  # bench/import.py: its name is a Python keyword
DAY = ledger_bench.DAY
GET_P99_GOAL_MS = 50
POST_GOAL_S = 3.0
INVOICES_PER_POST = 1_000
START_TIMEOUT_S = 60
POST_RUNS = itertools.count()  # each POST's invoices are new ones


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
    from cases.models import Case

    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="Bench ERP")
        ids = list(Case.objects.values_list("id", flat=True))
    return token, ids


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
    env = dict(os.environ, DATABASE_URL=scratch_url(database_name, conn_max_age), DJANGO_SETTINGS_MODULE="config.settings.local",
               DEBUG="false", FORDRA_API_RATE="1000000/sec", FORDRA_API_ANON_RATE="1000000/sec",
               ALLOWED_HOSTS="127.0.0.1", LOG_LEVEL="WARNING")
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


def load_gets(port: int, token: str, ids: list[int], connections: int, seconds: float, results) -> None:
    """In the second process: `connections` threads asking for random cases until `seconds` have passed."""
    stop_at = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        mine, bad = [], []
        while time.monotonic() < stop_at:
            status, took = _request(port, "GET", f"/api/v1/cases/{rng.choice(ids)}/", token)
            (mine if status == 200 else bad).append(took if status == 200 else status)
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


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (the Dockerfile's 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--posts", type=int, default=3, help="POSTs of 1 000 invoices per server")
    parser.add_argument("--conn-max-age", type=lambda text: [int(v) for v in text.split(",")], default=[0, 60],
                        help="CONN_MAX_AGE of each server started in turn (0: a connection per request, the default)")
    args = parser.parse_args()
    print(host_speed())
    with scratch_database() as connection:
        import dunning.steps
        # The cycle queues its letters for rendering after commit; with no broker here Celery would
        # render them inline (bench/letters.py measures that). Here they stay pending.
        dunning.steps.letters_render_after_commit = lambda **kwargs: None
        token, ids = build(cases=args.cases)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        name = connection.settings_dict["NAME"]
        connection.close()
        for conn_max_age in args.conn_max_age:
            server, port = start_gunicorn(database_name=name, workers=args.workers, conn_max_age=conn_max_age)
            try:
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
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    loader = spawn.Process(target=load_gets, args=(port, token, ids, args.connections, args.seconds, results))
    loader.start()
    outcome = results.get(timeout=args.seconds + 120)
    loader.join(timeout=30)
    latencies = [took * 1000 for took in outcome["latencies"]]
    failed = f"; {len(outcome['failures'])} failed: {sorted(set(outcome['failures']))}" if outcome["failures"] else ""
    print(f"GET /api/v1/cases/{{id}}/, {args.connections} connections, {outcome['elapsed']:.0f} s: "
          f"{len(latencies) / outcome['elapsed']:.0f} requests/s, p50 {statistics.median(latencies):.1f} ms, "
          f"p99 {percentile(latencies, 0.99):.1f} ms (goal < {GET_P99_GOAL_MS} ms){failed}")
    single = [_request(port, "GET", f"/api/v1/cases/{random.choice(ids)}/", token)[1] * 1000 for _ in range(50)]
    print(f"GET /api/v1/cases/{{id}}/, 1 connection: p50 {statistics.median(single):.1f} ms, "
          f"p99 {percentile(single, 0.99):.1f} ms")
    for _ in range(args.posts):
        run = next(POST_RUNS)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            status, took = pool.apply(post_invoices, (port, token, run))
        verdict = "" if status == 201 else f" — answered {status}"
        print(f"POST /api/v1/invoices/, {INVOICES_PER_POST:,} new invoices: {took:.2f} s "
              f"(goal < {POST_GOAL_S:.0f} s){verdict}")


if __name__ == "__main__":
    sys.exit(main())
