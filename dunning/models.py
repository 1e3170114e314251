"""Policies: per creditor and category, an ordered ladder of steps."""
from django.db import models
from django.db.models import Q

from cases.models import FEE_KINDS
from core.money import MoneyField, bounded
from core.tenancy import TenantManager
from debtors.models import Category


# A call tried more often than this is a harassment risk, and the ladder has waited long enough.
MAX_CALL_RETRIES = 10


class Action(models.TextChoices):
    REMINDER = "reminder", "Påminnelse"
    PHONE_CALL = "phone_call", "Telefonsamtal"
    COLLECTION_DEMAND = "collection_demand", "Inkassokrav"
    PAYMENT_ORDER = "payment_order", "Betalningsföreläggande"


class Anchor(models.TextChoices):
    DUE_DATE = "due_date", "dagar efter förfallodagen"
    PREVIOUS_DEADLINE = "previous_deadline", "dagar efter föregående stegs sista betalningsdag"


class Policy(models.Model):
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.CASCADE, related_name="policies")
    category = models.CharField(max_length=6, choices=Category.choices)
    min_collection_amount = MoneyField(default=100, help_text="No collection demand below this principal")
    late_payment_compensation = models.BooleanField(
        default=True, help_text="Charge a business debtor förseningsersättning instead of reminder and collection fees")
    contractual_interest_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        help_text="A higher agreed interest rate, in percent a year, instead of the reference rate + 8")
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(fields=["creditor", "category"], name="policy_unique_category"),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="policy_category_valid"),
            bounded("min_collection_amount"),
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
    call_retries = models.PositiveSmallIntegerField(
        default=2, help_text="A phone call: how often an unanswered call is tried again (the next bank day each "
                             "time) before the ladder goes on. Other steps ignore it")

    objects = TenantManager()

    class Meta:
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_step_unique_number"),
            models.CheckConstraint(condition=Q(action__in=Action.values), name="policy_step_action_valid"),
            models.CheckConstraint(condition=Q(fee_amount__gte=0), name="policy_step_fee_not_negative"),
            models.CheckConstraint(condition=Q(call_retries__lte=MAX_CALL_RETRIES),
                                   name="policy_step_call_retries_max"),
            bounded("fee_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.action}"


class FeeCap(models.Model):
    """A legal cap on a fee, in force from `valid_from`. Data, so an operator can correct it."""

    kind = models.CharField(max_length=20, choices=[(kind.value, kind.label) for kind in FEE_KINDS])
    valid_from = models.DateField()
    amount = MoneyField()
    source = models.CharField(max_length=200, help_text="The statute that sets it")

    class Meta:
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
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__day=1) & (Q(valid_from__month=1) | Q(valid_from__month=7)),
                name="reference_rate_half_year_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.rate} %"


class AppliedStep(models.Model):
    """A step the daily cycle applied to a case. Unique per (case, sequence): exactly once."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="applied_steps",
                             db_index=False)  # applied_step_once starts with it
    sequence = models.PositiveSmallIntegerField(help_text="1 for the case's first step, 2 for its second, …")
    category = models.CharField(max_length=6, choices=Category.choices)
    ladder_step = models.PositiveSmallIntegerField(help_text="The policy step's number in that category's ladder")
    action = models.CharField(max_length=20, choices=Action.choices)
    applied_on = models.DateField()
    deadline = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="applied_step_once")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.action} {self.applied_on}"
