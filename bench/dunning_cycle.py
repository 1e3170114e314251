"""The daily cycle at scale: 100 000 open cases across 100 creditors, 10 % due today.

    DATABASE_URL=postgres://… .venv/bin/python bench/dunning_cycle.py [--cases 100000] [--creditors 100]
        [--history 100000]

The database also holds a year of history, as a live one does: closed, paid cases with the
reminder each was sent (its applied step, fee and letter). Without it the tables of applied
steps and letters start empty, and PostgreSQL keeps whatever plan it first chose for their
foreign-key checks: a scan of a table that was one page long, still used when it has grown.

Prints steps applied per second; the time of the next bank day's cycle, on which nothing is
due and the day's work is the daily reclassification (the real quiet day); the time of
the same day's cycle run again (the reclassification already done: only the due-case
lookup); and the ratio of Fordra's time per step to a bare-SQL floor that inserts the same
ledger entries and events in one statement each. Goals (2 cores): ≥ 2 000 steps/s, a day
with nothing due under 3 s, within 10× of the floor. Runs on a scratch database it creates
and drops.
"""
import argparse
import cProfile
import datetime
import functools
import multiprocessing
import pstats
import time
from decimal import Decimal
from statistics import median

from common import copy_database, drop_database, host_speed, scratch_database

DAY = datetime.date(2026, 11, 23)  # a Monday
DUE_TODAY = DAY - datetime.timedelta(days=10)  # the normal ladder's reminder fires 10 days after the due date
DUE_LATER = DAY - datetime.timedelta(days=3)
# The next bank day: the reminders sent on DAY have a deadline days away and the other open
# cases fall due a week on, so nothing is due; the day's work is the daily reclassification.
QUIET_DAY = DAY + datetime.timedelta(days=1)


def build(n_cases: int, n_creditors: int) -> list:
    from django_scopes import scopes_disabled

    from cases.models import Case, EntryKind, LedgerEntry
    from cases.ocr import ocr_reference
    from creditors.services import creditor_create
    from debtors.models import Debtor

    orgs = ["556703-7485", "556036-0793", "556016-0680", "556012-5790", "556056-6258"]
    per_creditor = n_cases // n_creditors
    creditors = []
    with scopes_disabled():
        for c in range(n_creditors):
            creditors.append(creditor_create(slug=f"bench-{c:03d}", name=f"Bench {c}", org_number=orgs[c % 5],
                                             bankgiro="5050-1055"))
        for creditor in creditors:
            debtors = Debtor.objects.bulk_create(
                Debtor(creditor=creditor, customer_number=f"{d:06d}", name=f"Kund {d}", customer_type="consumer",
                       address=f"Storgatan {d}", postal_code="111 22", city="Stockholm")
                for d in range(per_creditor // 2))
            invoices = _invoices(creditor, [d.pk for d in debtors], "B", Decimal("1000.00"),
                                 [DUE_TODAY if i % 10 == 0 else DUE_LATER for i in range(per_creditor)])
            cases = Case.objects.bulk_create(
                (Case(creditor=creditor, invoice=inv, debtor_id=inv.debtor_id, ocr_reference=ocr_reference(inv.pk),
                      opened_on=inv.due_date + datetime.timedelta(days=1), next_action="reminder",
                      next_step_on=inv.due_date + datetime.timedelta(days=10)) for inv in invoices), batch_size=2000)
            LedgerEntry.objects.bulk_create(
                (LedgerEntry(creditor=creditor, case=case, kind=EntryKind.PRINCIPAL, component="principal",
                             amount=inv.amount, booked_on=inv.invoice_date) for case, inv in zip(cases, invoices)),
                batch_size=2000)
    return creditors


def history(creditors, n_cases: int) -> None:
    """Closed cases, each with its reminder step, fee, letter and the payment that closed it."""
    from django_scopes import scopes_disabled

    from cases.models import Case, Component, EntryKind, LedgerEntry
    from cases.ocr import ocr_reference
    from cases.stages import ClosedReason, Stage
    from debtors.models import Debtor
    from dunning.models import AppliedStep
    from letters.models import Letter, LetterKind, LetterStatus

    per_creditor = n_cases // len(creditors)
    fee = Decimal("60.00")
    with scopes_disabled():
        for creditor in creditors:
            debtor_ids = list(Debtor.objects.filter(creditor=creditor).values_list("pk", flat=True))
            invoices = _invoices(creditor, debtor_ids, "H", Decimal("500.00"),
                                 [DAY - datetime.timedelta(days=400 - i % 330) for i in range(per_creditor)])
            cases = Case.objects.bulk_create(
                (Case(creditor=creditor, invoice=inv, debtor_id=inv.debtor_id, ocr_reference=ocr_reference(inv.pk),
                      opened_on=inv.due_date + datetime.timedelta(days=1), stage=Stage.CLOSED,
                      closed_reason=ClosedReason.PAID, closed_on=inv.due_date + datetime.timedelta(days=25))
                 for inv in invoices), batch_size=2000)
            entries, steps = [], []
            for case, inv in zip(cases, invoices):
                sent = inv.due_date + datetime.timedelta(days=10)
                entries += [
                    LedgerEntry(creditor=creditor, case=case, kind=EntryKind.PRINCIPAL, component=Component.PRINCIPAL,
                                amount=inv.amount, booked_on=inv.invoice_date),
                    LedgerEntry(creditor=creditor, case=case, kind=EntryKind.REMINDER_FEE, component=Component.FEES,
                                amount=fee, booked_on=sent, reference="step 1"),
                    LedgerEntry(creditor=creditor, case=case, kind=EntryKind.PAYMENT, component=Component.FEES,
                                amount=-fee, booked_on=case.closed_on, applies_to=EntryKind.REMINDER_FEE),
                    LedgerEntry(creditor=creditor, case=case, kind=EntryKind.PAYMENT, component=Component.PRINCIPAL,
                                amount=-inv.amount, booked_on=case.closed_on),
                ]
                steps.append(AppliedStep(creditor=creditor, case=case, sequence=1, category="normal", ladder_step=1,
                                         action="reminder", applied_on=sent,
                                         deadline=sent + datetime.timedelta(days=10)))
            LedgerEntry.objects.bulk_create(entries, batch_size=2000)
            steps = AppliedStep.objects.bulk_create(steps, batch_size=2000)
            Letter.objects.bulk_create(
                (Letter(creditor=creditor, case_id=step.case_id, step=step, kind=LetterKind.REMINDER, language="sv",
                        sent_on=step.applied_on, deadline=step.deadline, ocr_reference=case.ocr_reference,
                        bankgiro="5050-1055", recipient={"name": "Kund"}, amounts={"total": str(inv.amount + fee)},
                        total=inv.amount + fee, status=LetterStatus.RENDERED)
                 for step, case, inv in zip(steps, cases, invoices)), batch_size=2000)


def _invoices(creditor, debtor_ids: list[int], prefix: str, base: Decimal, dues: list[datetime.date]) -> list:
    """One invoice per due date, to the debtors in turn, numbered `prefix` + creditor + serial."""
    from cases.models import Invoice

    return Invoice.objects.bulk_create(
        (Invoice(creditor=creditor, debtor_id=debtor_ids[i % len(debtor_ids)],
                 invoice_number=f"{prefix}{creditor.pk:03d}-{i:06d}", invoice_date=due - datetime.timedelta(days=30),
                 due_date=due, amount=base + i % 977, reminder_fee_agreed=True) for i, due in enumerate(dues)),
        batch_size=2000)


def classify(creditors) -> None:
    """Debtors come classified from their import; the busy cycle then measures the daily
    reclassification's steady cost (features and rules, nothing to write), not a first one."""
    from classification.services import reclassify
    from core.tenancy import creditor_scope

    for creditor in creditors:
        with creditor_scope(creditor):
            reclassify(creditor=creditor, on=DAY)


def cycle(creditors, day: datetime.date = DAY) -> int:
    from cycle.run import run_cycle

    return sum(run_cycle(creditor=creditor, day=day).steps for creditor in creditors)


def explain(creditor) -> None:
    from django.db import transaction

    from core.tenancy import creditor_scope
    from dunning.steps import due_cases

    with transaction.atomic(), creditor_scope(creditor):
        print(due_cases(creditor, DAY, 0).explain(analyze=True))


def floor(connection) -> float:
    """The same fee entries and events as the cycle wrote today, inserted again by one committed
    INSERT … SELECT each: what the database alone needs for the rows (it is a scratch database)."""
    from django.db import transaction

    start = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("""
                INSERT INTO cases_ledgerentry (creditor_id, case_id, kind, component, amount, currency, booked_on,
                                               text, reference, applies_to, created_at)
                SELECT creditor_id, case_id, kind, component, amount, currency, booked_on, text, reference,
                       applies_to, created_at
                FROM cases_ledgerentry WHERE booked_on = %s AND component = 'fees'""", [DAY])
            cursor.execute("""
                INSERT INTO cases_caseevent (creditor_id, case_id, at, "on", actor, code, text, data)
                SELECT creditor_id, case_id, at, "on", actor, code, text, data
                FROM cases_caseevent WHERE code LIKE 'dunning.%%'""")
    return time.perf_counter() - start


def cycle_in_processes(creditors, workers: int, day: datetime.date = DAY) -> int:
    """The cycle as production runs it: creditors shared among worker processes (Celery's fan-out)."""
    from django.db import connections

    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return sum(pool.map(functools.partial(_cycle_one, day=day), [c.pk for c in creditors], chunksize=1))


def _cycle_one(creditor_id: int, day: datetime.date) -> int:
    from creditors.models import Creditor
    from cycle.run import run_cycle

    return run_cycle(creditor=Creditor.objects.get(pk=creditor_id), day=day).steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--creditors", type=int, default=100)
    parser.add_argument("--history", type=int, default=100_000, help="closed cases, each with a step and a letter")
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes for the busy cycle and the next bank day (default: 2 cores)")
    parser.add_argument("--profile", action="store_true", help="print where the busy cycle spends its time (1 process)")
    parser.add_argument("--explain", action="store_true", help="print the plan of the cycle's case selection")
    parser.add_argument("--runs", type=int, default=1,
                        help="measure this many times, each on a fresh copy of the data built once")
    args = parser.parse_args()
    with scratch_database() as connection:
        # The cycle only queues its letters for rendering (a worker's job, after commit, measured by
        # bench/letters.py); with no broker here Celery would render them inline, inside this figure.
        import dunning.steps

        dunning.steps.letters_render_after_commit = lambda **kwargs: None
        start = time.perf_counter()
        creditors = build(args.cases, args.creditors)
        history(creditors, args.history)
        classify(creditors)
        print(f"built {args.cases} open cases and {args.history} closed ones across {args.creditors} creditors "
              f"in {time.perf_counter() - start:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if args.explain:
            explain(creditors[len(creditors) // 2])
            from django.db import reset_queries

            from cycle.run import run_cycle

            connection.force_debug_cursor = True
            reset_queries()
            start = time.perf_counter()
            run_cycle(creditor=creditors[0], day=DAY)
            print(f"one creditor: {time.perf_counter() - start:.3f} s")
            for query in connection.queries:
                print(query["time"], query["sql"][:150])
            connection.force_debug_cursor = False
        # Worker processes are long-lived in production: the `holidays` package (0.15-0.3 s to
        # import all its countries) is loaded once at start, here in the parent before the fork.
        from law.bankdays import is_bank_day

        is_bank_day(DAY)
        if args.runs == 1:
            measure(connection, creditors, args)
        else:  # each run on a copy of the data as built: the host's speed drifts more than one run shows
            name = connection.settings_dict["NAME"]
            built = f"{name}_built"
            copy_database(connection, name, built)
            try:
                results = []
                for run in range(args.runs):
                    copy_database(connection, built, name)
                    print(f"run {run + 1} of {args.runs}")
                    results.append(measure(connection, creditors, args))
            finally:
                drop_database(connection, built)
            summary(results)


def measure(connection, creditors, args) -> tuple[float, float, float, float]:
    """One busy cycle, the same day's cycle again, the floor, then the next bank day with nothing
    due; prints and returns (steps/s, quiet day s, same day again s, × floor). `creditors` as
    built: a copy of the database holds the same rows under the same ids."""
    print(host_speed())
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    steps = cycle(creditors) if args.workers == 1 or profiler else cycle_in_processes(creditors, args.workers)
    busy = time.perf_counter() - start
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    start = time.perf_counter()
    again = cycle(creditors)
    same_day = time.perf_counter() - start
    assert again == 0, "a second cycle on the same day applied steps"
    floor_seconds = floor(connection)  # before the quiet day, which writes no fees but may write events
    start = time.perf_counter()
    quiet = (cycle(creditors, QUIET_DAY) if args.workers == 1
             else cycle_in_processes(creditors, args.workers, QUIET_DAY))
    quiet_day = time.perf_counter() - start
    assert quiet == 0, f"{quiet} steps were due on {QUIET_DAY}, the day meant to have none"
    print(f"cycle with {steps} steps due, {args.workers} worker process(es): {busy:.2f} s = "
          f"{steps / busy:,.0f} steps/s (goal ≥ 2 000)")
    print(f"next bank day, nothing due, the daily reclassification, {args.workers} worker process(es): "
          f"{quiet_day:.2f} s (goal < 3 s)")
    print(f"the same day's cycle again (reclassification already done): {same_day:.2f} s")
    print(f"bare-SQL floor for the same entries and events: {floor_seconds:.3f} s = "
          f"{steps / floor_seconds:,.0f} steps/s; Fordra takes {busy / floor_seconds:.1f}x the floor's time "
          f"(goal ≤ 10x)")
    return steps / busy, quiet_day, same_day, busy / floor_seconds


def summary(results) -> None:
    rates, quiets, agains, ratios = zip(*results)
    print(f"{len(results)} runs: {min(rates):,.0f}-{max(rates):,.0f} steps/s (median {median(rates):,.0f}); "
          f"next day with nothing due {min(quiets):.2f}-{max(quiets):.2f} s (median {median(quiets):.2f}); "
          f"same day again {min(agains):.2f}-{max(agains):.2f} s; "
          f"{min(ratios):.1f}-{max(ratios):.1f}x the floor (median {median(ratios):.1f}x)")


if __name__ == "__main__":
    main()
