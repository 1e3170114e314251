"""Tenant scope: every tenant-owned model is queried through a django-scopes manager.

The dimension is `creditor`. A query with no active scope raises `ScopeError`.
django-scopes treats a scope value of None as "no filter", so every entry point goes
through `creditor_scope`, which refuses None. `scopes_disabled()` is for the few jobs
that truly cross creditors (agency views, the daily cycle's creditor loop); grep for it.
"""
from contextlib import contextmanager

from django_scopes import ScopedManager, scope, scopes_disabled  # noqa: F401

SCOPE_DIMENSION = "creditor"


def TenantManager(_manager_class=None):
    """The manager every tenant-owned model uses as `objects`."""
    if _manager_class is None:
        return ScopedManager(creditor="creditor")
    return ScopedManager(_manager_class=_manager_class, creditor="creditor")


@contextmanager
def creditor_scope(creditor):
    """Enter one creditor's scope. `creditor` is a Creditor or its id, never None.

    The scope holds the id: every query in it filters by it, and a model instance costs
    Django more to resolve into the filter (the daily cycle sends ~22 queries per creditor)."""
    creditor_id = getattr(creditor, "pk", creditor)
    if creditor_id is None:
        raise ValueError("creditor_scope needs a saved creditor; None would mean every tenant")
    with scope(creditor=creditor_id):
        yield


def is_tenant_model(model) -> bool:
    """A model is tenant-owned when it has a `creditor` foreign key."""
    try:
        field = model._meta.get_field("creditor")
    except Exception:
        return False
    return field.is_relation and field.related_model._meta.label == "creditors.Creditor"
