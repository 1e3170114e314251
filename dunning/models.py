"""Policies: per creditor and category, an ordered ladder of steps."""
from django.db import models
from django.db.models import Q

from core.money import MoneyField
from core.tenancy import TenantManager
from debtors.models import Category


class Action(models.TextChoices):
    REMINDER = "reminder", "Reminder"  # påminnelse
    PHONE_CALL = "phone_call", "Phone call"
    COLLECTION_DEMAND = "collection_demand", "Collection demand"  # inkassokrav
    PAYMENT_ORDER = "payment_order", "Payment order"  # betalningsföreläggande


class Anchor(models.TextChoices):
    DUE_DATE = "due_date", "days after the due date"
    PREVIOUS_DEADLINE = "previous_deadline", "days after the previous step's deadline"


class Policy(models.Model):
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.CASCADE, related_name="policies")
    category = models.CharField(max_length=6, choices=Category.choices)
    min_collection_amount = MoneyField(default=100, help_text="No collection demand below this principal")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(fields=["creditor", "category"], name="policy_unique_category"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="policy_category_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.creditor} · {self.category}"


class PolicyStep(models.Model):
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.CASCADE, related_name="+")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    anchor = models.CharField(max_length=20, choices=Anchor.choices)
    offset_days = models.PositiveSmallIntegerField()
    term_days = models.PositiveSmallIntegerField(default=0, help_text="The payment term the step's letter gives")
    fee_amount = MoneyField(default=0)
    requires_approval = models.BooleanField(default=False)

    objects = TenantManager()

    class Meta:
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_step_unique_number"),
            models.CheckConstraint(condition=Q(action__in=Action.values), name="policy_step_action_valid"),
            models.CheckConstraint(condition=Q(fee_amount__gte=0), name="policy_step_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.action}"
