"""Reads about cases. Tenant scope is already active; another creditor's case is not found."""
import datetime

from django.db.models import QuerySet

from core.errors import NotFound

from .limitation import limitation_date
from .models import Case


def case_queryset() -> QuerySet[Case]:
    return Case.objects.select_related("invoice", "debtor")


def case_get(case_id) -> Case:
    try:
        return case_queryset().get(pk=case_id)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such case.") from None


def case_list(*, stage: str | None = None) -> QuerySet[Case]:
    cases = case_queryset()
    if stage:
        cases = cases.filter(stage=stage)
    return cases


def case_limitation(case: Case) -> datetime.date:
    sent = [letter.sent_on for letter in case.letters.all()]  # the case's letters, if already fetched
    paid = list(case.payments.values_list("paid_on", flat=True))
    return limitation_date(arose_on=case.invoice.invoice_date, is_consumer=case.debtor.is_consumer, demands_sent=sent,
                           paid_on=paid)
