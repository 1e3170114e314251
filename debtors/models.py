"""A debtor: one creditor's customer, identified by the creditor's customer number."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identity import IdentityNumber, parse_identity_number
from core.tenancy import TenantManager


class CustomerType(models.TextChoices):
    CONSUMER = "consumer", _("Privatperson")
    COMPANY = "company", _("Företag")


class Category(models.TextChoices):
    """The PS method's three handlings."""

    RISK = "risk", _("Risk")
    NORMAL = "normal", _("Normal")
    VIP = "vip", _("VIP")


class Language(models.TextChoices):
    SV = "sv", _("Svenska")
    EN = "en", _("English")


def postal_address_complete(address: str, postal_code: str, city: str, country: str) -> bool:
    """A street address and a city (and, in Sweden, a postal code): what a letter by post needs."""
    return bool(address.strip() and city.strip() and (postal_code.strip() or country not in ("SE", "")))


class Debtor(models.Model):
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="debtors",
                                 db_index=False)  # debtor_unique_customer_number starts with it
    customer_number = models.CharField(max_length=50, help_text="The creditor's own customer number, kept as text")
    name = models.CharField(max_length=200)
    customer_type = models.CharField(max_length=10, choices=CustomerType.choices, default=CustomerType.CONSUMER)
    identity_number = models.CharField(
        max_length=13, blank=True, help_text="Canonical: YYYYMMDD-NNNN for a person, NNNNNN-NNNN for an organisation"
    )
    email = models.EmailField(blank=True)
    email_letters_agreed = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, default="SE")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.SV)
    vip = models.BooleanField(default=False, help_text="Designated by the creditor")
    category = models.CharField(max_length=6, choices=Category.choices, default=Category.NORMAL)
    category_reasons = models.JSONField(default=list, blank=True,
                                        help_text="Why: [{code, params}], rendered by classification.texts")
    category_since = models.DateField(null=True, blank=True, help_text="When the category last changed")
    override_category = models.CharField(
        max_length=6, blank=True, choices=[(Category.RISK, "Risk"), (Category.NORMAL, "Normal")],
        help_text="A manual category that wins over the computed one and VIP until override_until")
    override_until = models.DateField(null=True, blank=True)
    override_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["customer_number"]
        constraints = [
            models.UniqueConstraint(fields=["creditor", "customer_number"], name="debtor_unique_customer_number"),
            # What invoices' and cases' key (debtor, creditor) refers to (cases/migrations/0010).
            models.UniqueConstraint(fields=["id", "creditor"], name="debtor_id_creditor"),
            models.CheckConstraint(condition=models.Q(category__in=Category.values), name="debtor_category_valid"),
            models.CheckConstraint(
                condition=models.Q(customer_type__in=CustomerType.values), name="debtor_customer_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(override_category="")
                | models.Q(override_category__in=[Category.RISK, Category.NORMAL], override_until__isnull=False),
                name="debtor_override_has_expiry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_number})"

    @property
    def identity(self) -> IdentityNumber | None:
        return parse_identity_number(self.identity_number) if self.identity_number else None

    @property
    def identity_masked(self) -> str:
        identity = self.identity
        return identity.masked if identity else ""

    @property
    def is_consumer(self) -> bool:
        return self.customer_type == CustomerType.CONSUMER

    @property
    def has_postal_address(self) -> bool:
        return postal_address_complete(self.address, self.postal_code, self.city, self.country)

    @property
    def emails_letters(self) -> bool:
        """The debtor agreed to get letters by e-mail, at an address on file."""
        return bool(self.email_letters_agreed and self.email.strip())

    @property
    def letters_deliverable(self) -> bool:
        """A letter can be sent: by post or by agreed e-mail."""
        return self.has_postal_address or self.emails_letters
