"""Fee caps and the other fixed figures of the law, as data with valid_from.

Which fee a step may charge, and when, is decided by the engine (`dunning.engine`);
this module only answers "what is the cap for this fee on this day".
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

# Inkassolagen 5 § with god inkassosed: a collection demand gives at least 8 days.
MIN_COLLECTION_DEMAND_TERM_DAYS = 8
# A broken promise to pay resumes the ladder this many bank days after the promised date.
PROMISE_GRACE_BANK_DAYS = 2


class MissingFeeCap(Exception):
    pass


@dataclass(frozen=True)
class FeeCaps:
    caps: tuple[tuple[str, datetime.date, Decimal], ...]  # (fee kind, valid_from, cap)

    def cap(self, kind: str, on: datetime.date) -> Decimal:
        """The cap in force for `kind` on `on`: the latest one whose valid_from is not after it."""
        in_force = [(valid_from, amount) for k, valid_from, amount in self.caps if k == kind and valid_from <= on]
        if not in_force:
            raise MissingFeeCap(f"no legal cap for {kind} on {on}: add it in the admin (Fee caps)")
        return max(in_force)[1]
