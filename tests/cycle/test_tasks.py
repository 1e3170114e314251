"""The beat's entry point fans out one task per creditor, each in its own scope."""
import datetime

import pytest

from config.celery import app
from core.tenancy import creditor_scope
from cycle.tasks import run_daily_cycle
from dunning.models import AppliedStep
from tests.factories import make_case


@pytest.fixture
def eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def test_daily_cycle_runs_every_creditor(eager, creditor, other_creditor):
    make_case(creditor, due_date=datetime.date(2026, 3, 2))
    make_case(other_creditor, due_date=datetime.date(2026, 3, 2))
    assert run_daily_cycle.apply(kwargs={"day": "2026-03-12"}).get() == 2
    for each in (creditor, other_creditor):
        with creditor_scope(each):
            assert AppliedStep.objects.filter(applied_on=datetime.date(2026, 3, 12)).count() == 1


def test_the_beat_schedules_the_daily_cycle():
    entry = app.conf.beat_schedule["daily-dunning-cycle"]
    assert entry["task"] == run_daily_cycle.name
