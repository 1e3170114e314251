"""Dunning's background work: a new ladder applied to a large category's open cases."""
from celery import shared_task

from core.tasks import TenantTask

from .planning import replan_open_cases


@shared_task(base=TenantTask, name="dunning.replan_category")
def replan_category(*, creditor_id: int, category: str) -> int:
    """Plan the category's open cases again under its ladder as it now stands. Running it twice
    does no harm: each run plans from the ladder and the cases' facts of its own moment."""
    return replan_open_cases(category=category)


def replan_after_commit(*, creditor_id: int, category: str) -> None:
    replan_category.delay(creditor_id=creditor_id, category=category)
