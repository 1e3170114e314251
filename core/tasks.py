"""The Celery task base class: tasks take ids, and enter their creditor's scope themselves."""
from celery import Task

from .tenancy import creditor_scope


class TenantTask(Task):
    """A task called with `creditor_id=…` runs inside that creditor's scope.

    Tasks stay thin: load by id, call one service, and retry only transient errors.
    """

    abstract = True

    def __call__(self, *args, **kwargs):
        creditor_id = kwargs.get("creditor_id")
        if creditor_id is None:
            raise TypeError(f"{self.name} is a tenant task and needs creditor_id=…")
        with creditor_scope(creditor_id):
            return super().__call__(*args, **kwargs)
