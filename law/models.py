"""The legal figures as data: fee caps and Riksbanken's reference rates.

Data, not code, so an operator corrects a figure in the admin when the law or the rate
changes. The tables were created under `dunning` and moved here without moving data
(migration 0001, state only): they keep their names.
"""
from django.db import models
from django.db.models import Q

from core.money import MoneyField, bounded

from .actions import FeeKind


class FeeCap(models.Model):
    """A legal cap on a fee, in force from `valid_from`. Data, so an operator can correct it."""

    kind = models.CharField(max_length=20, choices=FeeKind.choices())
    valid_from = models.DateField()
    amount = MoneyField()
    source = models.CharField(max_length=200, help_text="The statute that sets it")

    class Meta:
        db_table = "dunning_feecap"  # moved from dunning: the table kept its name
        ordering = ["kind", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["kind", "valid_from"], name="fee_cap_unique"), bounded("amount")]

    def __str__(self) -> str:
        return f"{self.kind} ≤ {self.amount} from {self.valid_from}"


class ReferenceRate(models.Model):
    """Riksbanken's reference rate for the half-year starting `valid_from` (räntelagen 9 §)."""

    valid_from = models.DateField(unique=True)
    rate = models.DecimalField(max_digits=5, decimal_places=2, help_text="Percent")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        db_table = "dunning_referencerate"
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__day=1) & (Q(valid_from__month=1) | Q(valid_from__month=7)),
                name="reference_rate_half_year_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.rate} %"
