"""Balances, always derived from the ledger: never stored, so they cannot drift."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from core.money import ZERO

from .models import Component, LedgerEntry


@dataclass(frozen=True)
class Balance:
    principal: Decimal = ZERO
    fees: Decimal = ZERO
    interest: Decimal = ZERO
    overpayment: Decimal = ZERO  # what is owed back to the debtor, as a positive amount

    @property
    def total(self) -> Decimal:
        return self.principal + self.fees + self.interest

    @classmethod
    def from_sums(cls, sums: dict[str, Decimal]) -> "Balance":
        return cls(
            principal=sums.get(Component.PRINCIPAL, ZERO),
            fees=sums.get(Component.FEES, ZERO),
            interest=sums.get(Component.INTEREST, ZERO),
            overpayment=-sums.get(Component.OVERPAYMENT, ZERO),
        )


def _component_sums(entries) -> dict[int, dict[str, Decimal]]:
    rows = entries.values("case_id", "component").annotate(total=Sum("amount")).order_by()
    sums: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        sums.setdefault(row["case_id"], {})[row["component"]] = row["total"]
    return sums


def case_balance(case, *, as_of: datetime.date | None = None) -> Balance:
    """The case's posted balance, counting entries booked up to and including `as_of`."""
    return case_balances([case.pk], as_of=as_of)[case.pk]


def case_balances(case_ids, *, as_of: datetime.date | None = None) -> dict[int, Balance]:
    """Balances of many cases in one query."""
    case_ids = list(case_ids)
    entries = LedgerEntry.objects.filter(case_id__in=case_ids)
    if as_of is not None:
        entries = entries.filter(booked_on__lte=as_of)
    sums = _component_sums(entries)
    return {case_id: Balance.from_sums(sums.get(case_id, {})) for case_id in case_ids}
