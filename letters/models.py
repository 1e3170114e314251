"""A letter is a record first: what was sent, to whom, with which amounts and deadline.

The daily cycle creates it in the same transaction as its step; rendering to PDF comes
after commit (the letters work).
"""
from django.db import models

from core.tenancy import TenantManager


class LetterKind(models.TextChoices):
    REMINDER = "reminder", "Påminnelse"
    COLLECTION_DEMAND = "collection_demand", "Inkassokrav"
    PAYMENT_ORDER_NOTICE = "payment_order_notice", "Underrättelse om betalningsföreläggande"
    PAYMENT_PLAN = "payment_plan", "Avbetalningsplan"


class LetterStatus(models.TextChoices):
    PENDING = "pending", "Väntar på rendering"
    RENDERED = "rendered", "Renderat"


class Letter(models.Model):
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    step = models.OneToOneField("dunning.AppliedStep", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="letter")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    language = models.CharField(max_length=2)
    sent_on = models.DateField()
    deadline = models.DateField(null=True, blank=True)
    ocr_reference = models.CharField(max_length=25)
    bankgiro = models.CharField(max_length=9, blank=True)
    recipient = models.JSONField(help_text="Name and address as printed")
    amounts = models.JSONField(help_text="Principal, each fee, interest with its periods, total: as printed")
    total = models.DecimalField(max_digits=14, decimal_places=2)
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["sent_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.sent_on} (case {self.case_id})"
