"""A letter is a record first: what was sent, to whom, with which amounts and deadline.

The daily cycle creates it in the same transaction as its step (status pending). After
commit a task renders it once to PDF/A, stores the file under MEDIA_ROOT and keeps its
SHA-256: the archived bytes are the letter as sent. Everything the template printed
beyond the record (creditor letterhead, agency, claim) is frozen in `printed` at that
first render, and `template_version` and `variant` name the template, so rendering the
same letter again produces the same text.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.money import bounded
from core.tenancy import TenantManager


class LetterKind(models.TextChoices):
    REMINDER = "reminder", _("Påminnelse")
    COLLECTION_DEMAND = "collection_demand", _("Inkassokrav")
    PAYMENT_ORDER_NOTICE = "payment_order_notice", _("Underrättelse om betalningsföreläggande")
    PAYMENT_PLAN = "payment_plan", _("Avbetalningsplan")


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("Väntar på rendering")
    RENDERED = "rendered", _("Renderat")
    FAILED = "failed", _("Rendering misslyckades")


class Variant(models.TextChoices):
    """The letter designs a creditor can choose: the same text, another look."""

    STANDARD = "standard", _("Standard (sans-serif)")
    CLASSIC = "classic", _("Klassisk (serif)")


def letter_upload_to(letter, filename: str) -> str:
    return f"letters/{letter.creditor_id}/{letter.sent_on:%Y/%m}/{filename}"


class Letter(models.Model):
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+",
                                 db_index=False)  # letter_creditor_status starts with it
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
    # Filled by the first render. The daily cycle inserts rows with raw SQL naming only the
    # record's columns, so these carry database defaults.
    printed = models.JSONField(null=True, blank=True,
                               help_text="Creditor, agency and claim details as printed, frozen at the first render")
    template_version = models.CharField(max_length=20, blank=True, db_default="")
    variant = models.CharField(max_length=20, blank=True, db_default="")
    pdf = models.FileField(upload_to=letter_upload_to, blank=True, db_default="", max_length=200)
    sha256 = models.CharField(max_length=64, blank=True, db_default="")
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_error = models.CharField(max_length=500, blank=True, db_default="")
    # Set when the mail house or the e-mail server reports the letter undeliverable
    # (dunning.returns.letter_returned): its step is then no step, and its fees not owed.
    returned_on = models.DateField(null=True, blank=True)
    returned_reason = models.CharField(max_length=200, blank=True, db_default="")
    fees_waived = models.JSONField(null=True, blank=True, help_text="The fee kinds written off when it came back")

    objects = TenantManager()

    class Meta:
        ordering = ["sent_on", "id"]
        indexes = [
            models.Index(fields=["creditor", "status"], name="letter_creditor_status"),
            # The daily cycle asks each batch of cases for their returned letters: few, so a small index.
            models.Index(fields=["case"], condition=models.Q(returned_on__isnull=False), name="letter_returned"),
            # The API's sync: the letters written or rendered since a time (api/letters.py).
            models.Index(fields=["creditor", "created_at"], name="letter_creditor_created"),
            models.Index(fields=["creditor", "rendered_at"], name="letter_creditor_rendered"),
        ]
        constraints = [bounded("total")]

    def __str__(self) -> str:
        return f"{self.kind} {self.sent_on} (case {self.case_id})"

    @property
    def is_rendered(self) -> bool:
        return self.status == LetterStatus.RENDERED

    @property
    def is_returned(self) -> bool:
        return self.returned_on is not None


class Channel(models.TextChoices):
    PRINT = "print", _("Post (tryckeri)")
    EMAIL = "email", _("E-post")


class PrintBatch(models.Model):
    """One day's letters of one creditor for the mail house: one PDF and a manifest CSV."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    pdf = models.FileField(upload_to="print-batches/", max_length=200)
    manifest = models.FileField(upload_to="print-batches/", max_length=200)
    sha256 = models.CharField(max_length=64, help_text="Of the PDF")
    letter_count = models.PositiveIntegerField()
    page_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["creditor", "day"], name="print_batch_unique_day")]

    def __str__(self) -> str:
        return f"print batch {self.day} ({self.letter_count} letters)"


class LetterDelivery(models.Model):
    """A letter went out: by which channel, when, and where to. A letter is delivered once."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="delivery")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    at = models.DateTimeField()
    batch = models.ForeignKey(PrintBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")
    address = models.CharField(max_length=254, blank=True, help_text="The e-mail address it was sent to")

    objects = TenantManager()

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values),
                                   name="letter_delivery_channel_valid"),
            models.CheckConstraint(condition=~models.Q(channel=Channel.PRINT) | models.Q(batch__isnull=False),
                                   name="letter_delivery_print_has_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.at:%Y-%m-%d %H:%M} (letter {self.letter_id})"


def logo_upload_to(design, filename: str) -> str:
    return f"logos/{design.creditor_id}/{filename}"


class LetterDesign(models.Model):
    """A creditor's choice of letter variant and its logo (stored re-encoded as PNG)."""

    creditor = models.OneToOneField("creditors.Creditor", on_delete=models.CASCADE, related_name="letter_design")
    variant = models.CharField(max_length=20, choices=Variant.choices, default=Variant.STANDARD)
    logo = models.FileField(upload_to=logo_upload_to, blank=True, max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(variant__in=Variant.values),
                                              name="letter_design_variant_valid")]

    def __str__(self) -> str:
        return f"{self.variant} ({self.creditor_id})"
