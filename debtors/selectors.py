"""Reads about debtors. Tenant scope is already active; another creditor's debtor is not found."""
from django.db.models import Q, QuerySet

from core.errors import NotFound, ValidationError
from core.identity import parse_identity_number

from .models import Debtor


def debtor_list(*, category: str | None = None, vip: bool | None = None, text: str = "") -> QuerySet[Debtor]:
    """The debtors, narrowed by category, VIP, and a search `text`: a part of the name, the
    customer number, or the identity number however written."""
    debtors = Debtor.objects.all()
    text = " ".join(text.split())
    if text:
        match = Q(name__icontains=text) | Q(customer_number__iexact=text)
        try:
            match |= Q(identity_number=parse_identity_number(text).canonical)
        except (ValidationError, ValueError):
            pass  # not an identity number
        debtors = debtors.filter(match)
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
