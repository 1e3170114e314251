"""How a payment is split: costs first (oldest fee first), then interest, then principal.

Established Swedish practice and what the letters say (LAW.md). Whatever is left over is
an overpayment, recorded as owed back to the debtor: never kept, never dropped. Pure.
"""
from dataclasses import dataclass
from decimal import Decimal

from core.money import ZERO


@dataclass(frozen=True)
class Outstanding:
    fees: tuple[tuple[str, Decimal], ...]  # (fee kind, amount), oldest first
    interest: Decimal
    principal: Decimal


@dataclass(frozen=True)
class Allocation:
    fees: tuple[tuple[str, Decimal], ...]
    interest: Decimal
    principal: Decimal
    overpayment: Decimal

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.fees), ZERO) + self.interest + self.principal + self.overpayment


def allocate(amount: Decimal, outstanding: Outstanding) -> Allocation:
    if amount <= 0:
        raise ValueError("only a positive amount can be allocated")
    left = amount
    fees = []
    for kind, owed in outstanding.fees:
        part = min(left, max(owed, ZERO))
        if part > 0:
            fees.append((kind, part))
            left -= part
    interest = min(left, max(outstanding.interest, ZERO))
    left -= interest
    principal = min(left, max(outstanding.principal, ZERO))
    left -= principal
    return Allocation(tuple(fees), interest, principal, left)
