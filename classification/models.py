"""Credit reports bought about a creditor's debtors, and the creditor's classification rules."""
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.tenancy import TenantManager


class CreditReport(models.Model):
    """What a credit bureau said about one identity number on one day (kreditupplysning)."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+", db_index=False)
    identity_number = models.CharField(max_length=13, help_text="Canonical, as on the debtor")
    score = models.PositiveSmallIntegerField(help_text="0 (worst) to 100 (best)")
    risk_class = models.PositiveSmallIntegerField(help_text="1 (lowest risk) to 5 (highest)")
    payment_remarks = models.PositiveIntegerField(help_text="Betalningsanmärkningar")
    reported_on = models.DateField()
    source = models.CharField(max_length=50, help_text="The bureau or file it came from")
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["identity_number", "-reported_on"]
        constraints = [
            models.UniqueConstraint(fields=["creditor", "identity_number", "reported_on", "source"],
                                    name="credit_report_once"),
            models.CheckConstraint(condition=Q(score__lte=100), name="credit_report_score_range"),
            models.CheckConstraint(condition=Q(risk_class__gte=1, risk_class__lte=5), name="credit_report_class_range"),
        ]

    def __str__(self) -> str:
        return f"{self.identity_number} {self.reported_on}: class {self.risk_class}, score {self.score}"


class ClassificationRules(models.Model):
    """A creditor's thresholds for calling a debtor a risk. An empty threshold switches its rule off."""

    creditor = models.OneToOneField("creditors.Creditor", on_delete=models.PROTECT, related_name="classification_rules")
    risk_class_from = models.PositiveSmallIntegerField(
        null=True, blank=True, default=4, help_text="Risk when the credit report's risk class is at least this (1–5)")
    score_below = models.PositiveSmallIntegerField(
        null=True, blank=True, default=None, help_text="Risk when the credit score is below this (0–100)")
    payment_remarks_over = models.PositiveSmallIntegerField(
        null=True, blank=True, default=0, help_text="Risk when the report has more payment remarks than this")
    late_days = models.PositiveSmallIntegerField(default=14, help_text="An invoice paid this many days late is late")
    late_of_last = models.PositiveSmallIntegerField(default=5, help_text="…looking at this many latest invoices")
    late_count = models.PositiveSmallIntegerField(
        null=True, blank=True, default=3, help_text="Risk when at least this many of them were late")
    broken_plans_from = models.PositiveSmallIntegerField(
        null=True, blank=True, default=1, help_text="Risk after this many broken payment plans in 12 months")
    broken_promises_from = models.PositiveSmallIntegerField(
        null=True, blank=True, default=2, help_text="Risk after this many broken promises to pay in 12 months")
    payment_orders_from = models.PositiveSmallIntegerField(
        null=True, blank=True, default=1, help_text="Risk after this many cases reached a payment order in 12 months")
    updated_at = models.DateTimeField(auto_now=True)
    reclassified_on = models.DateField(null=True, blank=True, editable=False,
                                       help_text="The last day the daily cycle reclassified the debtors")
    reclassified_at = models.DateTimeField(null=True, blank=True, editable=False,
                                           help_text="When that reclassification started: facts written since are new")

    objects = TenantManager()

    class Meta:
        verbose_name_plural = "classification rules"
        constraints = [
            models.CheckConstraint(condition=Q(risk_class_from__isnull=True) | Q(risk_class_from__gte=1,
                                                                                  risk_class_from__lte=5),
                                   name="rules_risk_class_range"),
            models.CheckConstraint(condition=Q(score_below__isnull=True) | Q(score_below__lte=101),
                                   name="rules_score_range"),
            models.CheckConstraint(condition=Q(late_of_last__gte=1, late_of_last__lte=50), name="rules_window_range"),
            models.CheckConstraint(condition=Q(late_count__isnull=True) | Q(late_count__gte=1),
                                   name="rules_late_count_positive"),
        ]

    def __str__(self) -> str:
        return f"Classification rules of {self.creditor}"

    def clean(self) -> None:
        if self.late_count is not None and self.late_of_last and self.late_count > self.late_of_last:
            raise ValidationError({"late_count": f"at most {self.late_of_last}: the number of invoices looked at"})
