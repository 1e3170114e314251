"""Two cycles at once on PostgreSQL: SKIP LOCKED shares the work, every step is applied once."""
import datetime
import threading
import time

import pytest
from django.db import connections

from cases.models import LedgerEntry
from core.tenancy import creditor_scope
from cycle.run import run_cycle
from dunning.models import AppliedStep
from letters.models import Letter
from tests.factories import make_case

D = datetime.date
CASES = 120


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the shipped rule pack
def test_two_concurrent_cycles_apply_each_step_exactly_once(creditor, monkeypatch):
    import dunning.steps

    monkeypatch.setattr(dunning.steps, "BATCH_SIZE", 10)  # many small batches…
    apply_batch = dunning.steps._apply_batch

    def slow_apply_batch(*args, **kwargs):  # …each holding its locks a while, so the two workers surely overlap
        time.sleep(0.05)
        apply_batch(*args, **kwargs)

    monkeypatch.setattr(dunning.steps, "_apply_batch", slow_apply_batch)
    for _ in range(CASES):
        make_case(creditor, due_date=D(2026, 3, 2), reminder_fee_agreed=True)
    reports, errors = [], []
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            reports.append(run_cycle(creditor=creditor, day=D(2026, 3, 12)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(r.steps for r in reports) == CASES
    assert all(r.steps > 0 for r in reports), "SKIP LOCKED should let both workers take batches"
    with creditor_scope(creditor):
        assert AppliedStep.objects.count() == CASES
        assert LedgerEntry.objects.filter(kind="reminder_fee").count() == CASES
        assert Letter.objects.count() == CASES
    assert run_cycle(creditor=creditor, day=D(2026, 3, 12)).steps == 0


def test_the_database_refuses_a_second_application_of_the_same_step(creditor):
    from django.db import IntegrityError, transaction

    case = make_case(creditor, due_date=D(2026, 3, 2))
    with creditor_scope(creditor):
        AppliedStep.objects.create(creditor=creditor, case=case, sequence=1, category="normal", ladder_step=1,
                                   action="reminder", applied_on=D(2026, 3, 12))
        with pytest.raises(IntegrityError), transaction.atomic():
            AppliedStep.objects.create(creditor=creditor, case=case, sequence=1, category="normal", ladder_step=1,
                                       action="reminder", applied_on=D(2026, 3, 12))
