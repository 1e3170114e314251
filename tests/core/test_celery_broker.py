"""Tasks travel through the real broker to a real worker, and run in their creditor's scope."""
import threading

import pytest
from django.conf import settings

from cases.models import Case
from config.celery import app
from core.tasks import TenantTask
from tests.factories import make_case

pytestmark = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL.startswith("redis://"),
    reason="needs Redis: set CELERY_BROKER_URL=redis://… (.ci/run does)",
)

seen: dict[int, list[int]] = {}
done = threading.Event()


@app.task(base=TenantTask, name="tests.record_visible_cases")
def record_visible_cases(*, creditor_id):
    seen[creditor_id] = [case.pk for case in Case.objects.all()]
    done.set()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the shipped rule pack
def test_a_task_goes_through_redis_to_a_worker_in_its_scope(creditor, other_creditor):
    from celery.contrib.testing.worker import start_worker

    mine = make_case(creditor)
    make_case(other_creditor)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        record_visible_cases.delay(creditor_id=creditor.pk)
        assert done.wait(timeout=20), "the worker never ran the task"
    assert seen[creditor.pk] == [mine.pk]
