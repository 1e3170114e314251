"""The creditor portal's pages at 100 000 cases: server time, p50 and p95 (issue #20: < 300 ms).

    DATABASE_URL=postgres://… .venv/bin/python bench/portal.py [--cases 100000] [--requests 40]

Builds a creditor with 100 000 cases from bench/import.py's ledger file (50 000 debtors)
and runs the daily cycle on them once (most get a reminder: a letter, a fee, events), and
a second creditor with 1 000 cases. Then asks each page `--requests` times through Django's
test client, as a signed-in member of the large creditor: the whole request, middleware,
tenant scope, queries and template, in this process (server time, no network), with
DEBUG off. Each page's ids and search texts vary from request to request. Runs on a
scratch database it creates and drops.
"""
import argparse
import importlib
import random
import statistics
import time

from common import host_speed, scratch_database

ledger_bench = importlib.import_module("import")  # bench/import.py: its name is a Python keyword
DAY = ledger_bench.DAY
GOAL_MS = 300


def build(*, slug: str, org_number: str, bankgiro: str, cases: int) -> None:
    from core.tenancy import creditor_scope
    from creditors.services import creditor_create
    from cycle.run import run_cycle
    from intake.service import ledger_import

    creditor = creditor_create(slug=slug, name=f"{slug.title()} AB", org_number=org_number, bankgiro=bankgiro)
    started = time.perf_counter()
    with creditor_scope(creditor):
        ledger_import(creditor=creditor, data=ledger_bench.ledger_csv(cases, addressed=True), name=f"{slug}.csv",
                      today=DAY)
    steps = run_cycle(creditor=creditor, day=DAY).steps
    print(f"built {slug}: {cases:,} cases, {steps:,} steps in {time.perf_counter() - started:.0f} s")
    return creditor


def pages(creditor, rng: random.Random) -> dict:
    """Page → a function that gives the next URL to ask for."""
    from cases.models import Case
    from core.tenancy import creditor_scope

    with creditor_scope(creditor):
        ids = list(Case.objects.values_list("id", flat=True))
        samples = list(Case.objects.filter(pk__in=rng.sample(ids, 200)).values_list(
            "ocr_reference", "invoice__invoice_number", "debtor__customer_number"))
    return {
        "case list, first page": lambda: "/cases/",
        "case list, page 500, by amount": lambda: f"/cases/?sort=-amount&page={rng.randint(400, 600)}",
        "case list, filtered (stage, 31-60 days)": lambda: "/cases/?stage=reminder&overdue=31-60&sort=due",
        "search: a name (substring)": lambda: f"/cases/?q=Kund+{rng.randint(1000, 49999)}",
        "search: an OCR reference": lambda: f"/cases/?q={rng.choice(samples)[0]}",
        "search: an invoice number": lambda: f"/cases/?q={rng.choice(samples)[1]}",
        "case page": lambda: f"/cases/{rng.choice(ids)}/",
        "debtor list, page 100": lambda: f"/debtors/?page={rng.randint(50, 150)}",
        "overview (no goal set)": lambda: "/",
        "overview's balances, fetched after it": lambda: "/overview/outstanding",
    }


def measure(client, url_of, requests: int) -> list[float]:
    client.get(url_of())  # warm: templates compiled, the plan cached
    times = []
    for _ in range(requests):
        url = url_of()
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def explain(client, url: str, connection) -> None:
    """The request's queries by time, and the slowest one's plan (EXPLAIN ANALYZE)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))
    print(f"    {len(queries)} queries; slowest {', '.join(query['time'] for query in queries[:4])} s")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + queries[0]["sql"])
        for (line,) in cursor.fetchall():
            print("      " + line)


def profile_overview(creditor) -> None:
    import cProfile
    import pstats

    from core.tenancy import creditor_scope
    from portal.selectors import portfolio_outstanding

    profiler = cProfile.Profile()
    with creditor_scope(creditor):
        started = time.perf_counter()
        profiler.runcall(portfolio_outstanding, DAY)
        print(f"portfolio_outstanding: {time.perf_counter() - started:.1f} s (profiled)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def replan(creditor, runs: int = 3) -> None:
    """Saving a ladder: the request (the steps replaced, the replan queued: the category has more
    than REPLAN_INLINE open cases) and the worker's replan of the category's open cases
    (`dunning.planning.replan_open_cases`), for the normal ladder, its first step moved a day and back."""
    import dunning.services
    from cases.models import Case
    from cases.stages import OPEN_STAGES
    from core.tenancy import creditor_scope
    from dunning.models import Policy
    from dunning.planning import replan_open_cases
    from dunning.services import policy_replace_steps
    from portal.policy_forms import FIELDS

    queued = []
    dunning.services.replan_after_commit = lambda **task: queued.append(task)  # the worker's part is timed below
    with creditor_scope(creditor):
        policy = Policy.objects.get(category="normal")
        ladder = [{name: getattr(step, name) for name in ("number", *FIELDS)}
                  for step in policy.steps.order_by("number")]
        count = Case.objects.filter(stage__in=OPEN_STAGES, debtor__category="normal").count()
        saves, replans = [], []
        for run in range(runs):
            ladder[0]["offset_days"] += 1 if run % 2 == 0 else -1
            started = time.perf_counter()
            policy_replace_steps(policy=policy, steps=ladder)
            saves.append(time.perf_counter() - started)
            started = time.perf_counter()
            replan_open_cases(category="normal")
            replans.append(time.perf_counter() - started)
    print(f"saving the normal ladder ({count:,} open cases): the request {statistics.median(saves) * 1000:.0f} ms "
          f"p50 ({len(queued)} replans queued); the worker's replan {', '.join(f'{t:.1f}' for t in replans)} s "
          f"(median {statistics.median(replans):.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--explain", action="store_true", help="print each page's slowest query and its plan")
    parser.add_argument("--profile-overview", action="store_true",
                        help="profile the overview's balances once, then stop")
    parser.add_argument("--replan", action="store_true", help="time saving a ladder (the replan), then stop")
    args = parser.parse_args()
    print(host_speed())
    with scratch_database() as connection:
        from django.conf import settings
        from django.test import Client

        from core.tenancy import creditor_scope
        from creditors.models import Role
        from creditors.services import membership_add

        settings.ALLOWED_HOSTS = ["testserver"]
        import dunning.steps
        # The cycle queues its letters for rendering after commit; with no broker here Celery would
        # render them inline, for hours (bench/letters.py measures rendering). Here they stay pending.
        dunning.steps.letters_render_after_commit = lambda **kwargs: None
        creditor = build(slug="bench", org_number="556703-7485", bankgiro="5050-1055", cases=args.cases)
        build(slug="small", org_number="556036-0793", bankgiro="5402-9681", cases=1_000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with creditor_scope(creditor):
            user = membership_add(creditor=creditor, email="bench@bench.se", role=Role.STAFF,
                                  password="a-long-bench-password").user
        if args.profile_overview:
            profile_overview(creditor)
            return
        if args.replan:
            replan(creditor)
            return
        client = Client()
        client.force_login(user)
        rng = random.Random(20)
        print(f"{'page':42} {'p50':>8} {'p95':>8}  (ms, {args.requests} requests each; goal < {GOAL_MS} ms)")
        for name, url_of in pages(creditor, rng).items():
            times = sorted(measure(client, url_of, args.requests))
            p50, p95 = statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]
            verdict = "ok" if p95 < GOAL_MS else "SLOW"
            print(f"{name:42} {p50:8.1f} {p95:8.1f}  {verdict}")
            if args.explain:
                explain(client, url_of(), connection)


if __name__ == "__main__":
    main()
