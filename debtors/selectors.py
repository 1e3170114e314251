"""Reads about debtors. Tenant scope is already active; another creditor's debtor is not found."""
from django.db.models import QuerySet

from core.errors import NotFound

from .models import Debtor


def debtor_list(*, category: str | None = None, vip: bool | None = None) -> QuerySet[Debtor]:
    debtors = Debtor.objects.all()
    if category:
        debtors = debtors.filter(category=category)
    if vip is not None:
        debtors = debtors.filter(vip=vip)
    return debtors


def debtor_get(debtor_id) -> Debtor:
    try:
        return Debtor.objects.get(pk=debtor_id)
    except (Debtor.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such debtor.") from None
