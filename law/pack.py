"""The rule pack handed to the engine: every legal figure it needs, loaded once per cycle."""
from dataclasses import dataclass

from .fees import FeeCaps
from .interest import ReferenceRates


@dataclass(frozen=True)
class RulePack:
    fee_caps: FeeCaps
    rates: ReferenceRates
