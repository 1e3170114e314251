"""The claim and its money: Invoice, Case, the append-only LedgerEntry, and CaseEvent.

A case's balances are never stored: they are sums over its ledger entries (see
`cases.ledger`). Entries are signed: a charge (principal, a fee, interest) is positive,
what reduces a component (payment, credit, write-off) is negative on that component. An
overpayment is a negative entry on the `overpayment` component: what Fordra owes the
debtor back. So the sum of all a case's entries is the debtor's net position.

The database enforces what must always hold: the stage values and their pairing with a
closed or hold reason (CHECK), the sign of each entry kind (CHECK), and that entries are
never changed or removed (a trigger; see migration 0002).
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import CurrencyField, MoneyField, bounded
from core.tenancy import TenantManager
from law.actions import FeeKind

from .stages import ClosedReason, HoldReason, Stage, can_transition


class Invoice(models.Model):
    # In the database one key, (debtor, creditor) → the debtor's (id, creditor), checks both
    # and that the debtor is the creditor's (cases/migrations/0010); hence no single keys.
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="invoices",
                                 db_index=False, db_constraint=False)  # invoice_unique_number starts with it
    debtor = models.ForeignKey("debtors.Debtor", on_delete=models.PROTECT, related_name="invoices",
                               db_constraint=False)
    invoice_number = models.CharField(max_length=50)
    invoice_date = models.DateField()
    due_date = models.DateField()
    amount = MoneyField()
    currency = CurrencyField()
    reminder_fee_agreed = models.BooleanField(default=False, help_text="The invoice terms allowed a reminder fee")
    paid_on = models.DateField(null=True, blank=True, help_text="When the creditor saw it paid in full, if known")
    open_amount_reported = MoneyField(null=True, blank=True,
                                      help_text="The open amount in the creditor's latest ledger file (None: never "
                                                "reported; the amount then)")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["due_date", "invoice_number"]
        constraints = [
            models.UniqueConstraint(fields=["creditor", "invoice_number"], name="invoice_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=Q(due_date__gte=models.F("invoice_date")), name="invoice_due_after_date"),
            bounded("amount"),
            bounded("open_amount_reported", nullable=True),
        ]
        # The portal's case list sorted by amount or due date: a page read in the index's order.
        indexes = [models.Index(fields=["creditor", "amount"], name="invoice_creditor_amount"),
                   models.Index(fields=["creditor", "due_date"], name="invoice_creditor_due")]

    def __str__(self) -> str:
        return f"Invoice {self.invoice_number}"


class Case(models.Model):
    """One invoice under management: the creditor's claim on one debtor."""

    # (debtor, creditor) is one key in the database, as on Invoice (cases/migrations/0010).
    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="cases",
                                 db_index=False, db_constraint=False)  # case_unique_ocr_reference starts with it
    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="case")
    debtor = models.ForeignKey("debtors.Debtor", on_delete=models.PROTECT, related_name="cases",
                               db_constraint=False)
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.REMINDER)
    closed_reason = models.CharField(max_length=11, choices=ClosedReason.choices, blank=True)
    hold_reason = models.CharField(max_length=12, choices=HoldReason.choices, blank=True)
    resume_stage = models.CharField(max_length=10, choices=Stage.choices, blank=True,
                                    help_text="Where an on-hold case goes back to")
    currency = CurrencyField()
    ocr_reference = models.CharField(max_length=25)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    next_action = models.CharField(max_length=20, blank=True, help_text="The engine's plan: the next step's action")
    next_step_on = models.DateField(null=True, blank=True, help_text="…and the bank day it is due")
    hold_until = models.DateField(null=True, blank=True, help_text="A promise to pay: the promised date")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["creditor", "ocr_reference"], name="case_unique_ocr_reference"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="case_stage_valid"),
            models.CheckConstraint(
                condition=(Q(stage=Stage.CLOSED) & Q(closed_reason__in=ClosedReason.values) & Q(closed_on__isnull=False))
                | (~Q(stage=Stage.CLOSED) & Q(closed_reason="") & Q(closed_on__isnull=True)),
                name="case_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=(Q(stage=Stage.ON_HOLD) & Q(hold_reason__in=HoldReason.values)
                           & Q(resume_stage__in=[Stage.REMINDER, Stage.COLLECTION, Stage.LEGAL]))
                | (~Q(stage=Stage.ON_HOLD) & Q(hold_reason="") & Q(resume_stage="")),
                name="case_on_hold_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["creditor", "stage"], name="case_creditor_stage"),
            # The portal's case list, newest first by default: a page without sorting the portfolio.
            models.Index(fields=["creditor", "opened_on", "id"], name="case_creditor_opened"),
            models.Index(fields=["creditor", "next_step_on"], name="case_creditor_next_step",
                         condition=Q(next_step_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.invoice.invoice_number})"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED

    def can_transition_to(self, stage: str) -> bool:
        return can_transition(self.stage, stage)


class EntryKind(models.TextChoices):
    PRINCIPAL = "principal", _("Kapital")
    # The fees: spelled once, in law.actions.FeeKind.
    REMINDER_FEE = FeeKind.REMINDER_FEE.value, FeeKind.REMINDER_FEE.label
    COLLECTION_FEE = FeeKind.COLLECTION_FEE.value, FeeKind.COLLECTION_FEE.label
    LATE_PAYMENT_COMPENSATION = FeeKind.LATE_PAYMENT_COMPENSATION.value, FeeKind.LATE_PAYMENT_COMPENSATION.label
    PAYMENT_PLAN_FEE = FeeKind.PAYMENT_PLAN_FEE.value, FeeKind.PAYMENT_PLAN_FEE.label
    PAYMENT_ORDER_FEE = FeeKind.PAYMENT_ORDER_FEE.value, FeeKind.PAYMENT_ORDER_FEE.label
    PAYMENT_ORDER_WORK = FeeKind.PAYMENT_ORDER_WORK.value, FeeKind.PAYMENT_ORDER_WORK.label
    INTEREST = "interest", _("Dröjsmålsränta")
    PAYMENT = "payment", _("Betalning")
    CREDIT = "credit", _("Kreditering")
    WRITE_OFF = "write_off", _("Avskrivning")
    REFUND = "refund", _("Återbetalning av överskott")
    INTEREST_ADJUSTMENT = "interest_adjustment", _("Ränterättelse")
    REALLOCATION = "reallocation", _("Omfördelning av betalning")


class Component(models.TextChoices):
    PRINCIPAL = "principal", _("Kapital")
    FEES = "fees", _("Avgifter")
    INTEREST = "interest", _("Ränta")
    OVERPAYMENT = "overpayment", _("Överbetalning")


FEE_KINDS = tuple(EntryKind(kind) for kind in FeeKind)
CHARGE_KINDS = (EntryKind.PRINCIPAL, EntryKind.INTEREST, EntryKind.REFUND, *FEE_KINDS)
REDUCTION_KINDS = (EntryKind.PAYMENT, EntryKind.CREDIT, EntryKind.WRITE_OFF, EntryKind.INTEREST_ADJUSTMENT)
# A back-dated payment can turn interest already paid into principal: a pair of
# reallocation entries (one positive, one negative, summing to zero) moves it.
KIND_COMPONENT = {
    EntryKind.PRINCIPAL: Component.PRINCIPAL,
    EntryKind.INTEREST: Component.INTEREST,
    EntryKind.REFUND: Component.OVERPAYMENT,
    **{kind: Component.FEES for kind in FEE_KINDS},
}


class LedgerEntry(models.Model):
    """One append-only line of a case's ledger. Never updated, never deleted."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entries",
                             db_index=False)  # entry_case_component starts with it
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    component = models.CharField(max_length=11, choices=Component.choices)
    amount = MoneyField(help_text="Positive charges, negative reductions")
    currency = CurrencyField()
    booked_on = models.DateField(help_text="The day the entry takes effect (a payment's payment date)")
    text = models.CharField(max_length=200, blank=True)
    reference = models.CharField(max_length=100, blank=True, help_text="A payment's or step's reference")
    applies_to = models.CharField(max_length=20, choices=EntryKind.choices, blank=True,
                                  help_text="For a reduction of fees: the fee kind it pays")
    payment = models.ForeignKey("cases.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["booked_on", "id"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="entry_kind_valid"),
            models.CheckConstraint(condition=Q(component__in=Component.values), name="entry_component_valid"),
            models.CheckConstraint(
                condition=(Q(kind__in=CHARGE_KINDS) & Q(amount__gt=0)) | (Q(kind__in=REDUCTION_KINDS) & Q(amount__lt=0))
                | (Q(kind=EntryKind.REALLOCATION) & ~Q(amount=0)),
                name="entry_sign_matches_kind",
            ),
            bounded("amount"),
        ]
        indexes = [models.Index(fields=["case", "component"], name="entry_case_component")]

    def __str__(self) -> str:
        return f"{self.booked_on} {self.kind} {self.amount} {self.currency}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("ledger entries are append-only: post a correcting entry instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("ledger entries are append-only: post a correcting entry instead")


PROMISE_BROKEN = "cases.promise.broken"
PAYMENT_PLAN_BROKEN = "cases.payment_plan.broken"
BROKEN_EVENT_CODES = (PROMISE_BROKEN, PAYMENT_PLAN_BROKEN)


class CaseEvent(models.Model):
    """The case timeline and the legal evidence trail: one row per state change."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events",
                             db_index=False)  # event_case_at starts with it
    at = models.DateTimeField(help_text="When it was recorded")
    on = models.DateField(help_text="The business day it concerns (a catch-up cycle records past days)")
    actor = models.CharField(max_length=120, help_text="system, user:EMAIL, api:NAME")
    code = models.CharField(max_length=80, help_text="Dotted: dunning.reminder.sent")
    text = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["on", "at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_at"),
            # Classification counts a debtor's broken promises and plans every day: a small
            # partial index keeps that off the (large) rest of the timeline.
            models.Index(fields=["creditor", "on"], condition=Q(code__in=BROKEN_EVENT_CODES), name="event_broken"),
            # The API's sync: the cases with an event since a time (api/cases.py).
            models.Index(fields=["creditor", "at"], name="event_creditor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.code}"


class PaymentSource(models.TextChoices):
    DIRECT = "direct", _("Betalt direkt till borgenären")
    API = "api", _("API")
    MANUAL = "manual", _("Manuell")
    BGMAX = "bgmax", _("Bankgirot BgMax")
    CAMT054 = "camt054", _("camt.054")
    CSV = "csv", _("CSV")


BANK_SOURCES = (PaymentSource.BGMAX, PaymentSource.CAMT054)


class PaymentFile(models.Model):
    """A payment file as received from the bank: the agency's, not one creditor's.

    Its payments may belong to many creditors (or, unmatched, to none yet)."""

    format = models.CharField(max_length=10, choices=PaymentSource.choices)
    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    # Not `creditor`: the file is the agency's record, not a tenant's (core.tenancy.is_tenant_model).
    exported_by = models.ForeignKey("creditors.Creditor", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="Whose own export it is (a CSV imported with "
                                 "--creditor); none for the agency's files")
    created_at = models.DateTimeField(null=True, blank=True, help_text="When the bank wrote it")
    imported_at = models.DateTimeField(auto_now_add=True)
    payments = models.PositiveIntegerField(default=0)
    total = MoneyField(default=0)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [bounded("total")]

    def __str__(self) -> str:
        return f"{self.format} {self.name}"


class Payment(models.Model):
    """Money received for a case, or not yet matched to one. Never dropped, never imported twice.

    An unmatched payment whose creditor is unknown too (the agency's client-funds
    account, an OCR reference that fits no case) has no creditor: no tenant sees it, and
    an agent assigns it (`payments.importing.payment_assign`)."""

    creditor = models.ForeignKey("creditors.Creditor", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="payments")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField(help_text="Negative for a bank's deduction (BgMax TK21), which an agent handles")
    currency = CurrencyField()
    paid_on = models.DateField()
    source = models.CharField(max_length=10, choices=PaymentSource.choices)
    reference = models.CharField(max_length=100, blank=True, help_text="The bank's or sender's reference")
    # Database defaults: a row inserted by hand (or by a tool) is a whole payment with no identity.
    identity = models.CharField(max_length=100, blank=True, default="", db_default="",
                                help_text="A bank payment's identity for 'never imported twice' (with account and "
                                          "date): BgMax deposit and serial numbers with the payment's own fields")
    part = models.PositiveSmallIntegerField(default=0, db_default=0,
                                            help_text="0: the whole bank payment; 1, 2, …: its part for each of "
                                                      "several cases it named (one record)")
    account = models.CharField(max_length=34, blank=True, help_text="The receiving bankgiro or IBAN")
    ocr_reference = models.CharField(max_length=25, blank=True)
    free_text = models.CharField(max_length=200, blank=True, help_text="The payer's message, for matching by hand")
    payer = models.CharField(max_length=200, blank=True)
    file = models.ForeignKey(PaymentFile, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    record = models.PositiveIntegerField(null=True, blank=True, help_text="The record or row in the file")
    unmatched_reason = models.CharField(max_length=200, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     help_text="A CSV row equal to this earlier payment: kept, not booked, until "
                                     "an agent assigns it (payments.duplicates)")
    # A possible duplicate an agent found to be the earlier payment again: kept, never booked.
    duplicate_confirmed_on = models.DateField(null=True, blank=True)
    duplicate_confirmed_by = models.CharField(max_length=120, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="payment_amount_not_zero"),
            models.CheckConstraint(condition=Q(duplicate_confirmed_on__isnull=True)
                                   | Q(duplicate_of__isnull=False, case__isnull=True),
                                   name="payment_confirmed_duplicate_unbooked"),
            models.CheckConstraint(condition=Q(case__isnull=True) | Q(creditor__isnull=False) & Q(amount__gt=0),
                                   name="payment_matched_is_positive"),
            bounded("amount"),
            # A bank payment's identity is unique per receiving account and date (a payment that
            # names several cases is one row per case, its parts); anyone else's reference per creditor.
            models.UniqueConstraint(fields=["source", "account", "identity", "paid_on", "part"],
                                    condition=~Q(identity="") & Q(source__in=BANK_SOURCES),
                                    name="payment_unique_bank_reference"),
            models.UniqueConstraint(fields=["creditor", "source", "reference", "paid_on"],
                                    condition=~Q(reference="") & ~Q(source__in=BANK_SOURCES),
                                    name="payment_unique_reference"),
        ]
        indexes = [models.Index(fields=["creditor", "case"], name="payment_unmatched",
                                condition=Q(case__isnull=True)),
                   # The API's sync: the payments registered since a time, in that order.
                   models.Index(fields=["creditor", "created_at", "id"], name="payment_creditor_created")]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount} {self.currency}"
