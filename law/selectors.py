"""Reads of the legal figures: the rule pack the engine and the balances are handed."""
from .fees import FeeCaps
from .interest import ReferenceRates
from .models import FeeCap, ReferenceRate
from .pack import RulePack


def reference_rates() -> ReferenceRates:
    return ReferenceRates(tuple(ReferenceRate.objects.values_list("valid_from", "rate")))


def fee_caps() -> FeeCaps:
    return FeeCaps(tuple(FeeCap.objects.values_list("kind", "valid_from", "amount")))


def rule_pack() -> RulePack:
    return RulePack(fee_caps=fee_caps(), rates=reference_rates())
