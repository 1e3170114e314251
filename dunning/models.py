"""Policies: per creditor and category, an ordered ladder of steps."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField, bounded
from core.tenancy import TenantManager
from debtors.models import Category
from law.actions import Action

# A call tried more often than this is a harassment risk, and the ladder has waited long enough.
MAX_CALL_RETRIES = 10


class Anchor(models.TextChoices):
    DUE_DATE = "due_date", _("dagar efter förfallodagen")
    PREVIOUS_DEADLINE = "previous_deadline", _("dagar efter föregående stegs sista betalningsdag")


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
    action = models.CharField(max_length=20, choices=Action.choices())
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
            models.CheckConstraint(condition=Q(action__in=Action.values()), name="policy_step_action_valid"),
            models.CheckConstraint(condition=Q(fee_amount__gte=0), name="policy_step_fee_not_negative"),
            models.CheckConstraint(condition=Q(call_retries__lte=MAX_CALL_RETRIES),
                                   name="policy_step_call_retries_max"),
            bounded("fee_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.action}"


class AppliedStep(models.Model):
    """A step the daily cycle applied to a case. Unique per (case, sequence): exactly once."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="applied_steps",
                             db_index=False)  # applied_step_once starts with it
    sequence = models.PositiveSmallIntegerField(help_text="1 for the case's first step, 2 for its second, …")
    category = models.CharField(max_length=6, choices=Category.choices)
    ladder_step = models.PositiveSmallIntegerField(help_text="The policy step's number in that category's ladder")
    action = models.CharField(max_length=20, choices=Action.choices())
    applied_on = models.DateField()
    deadline = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["case", "sequence"]
        constraints = [models.UniqueConstraint(fields=["case", "sequence"], name="applied_step_once")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.sequence} {self.action} {self.applied_on}"


class QueueKind(models.TextChoices):
    PHONE_CALL = "phone_call", _("Telefonsamtal")
    PAYMENT_ORDER_REVIEW = "payment_order_review", _("Granska betalningsföreläggande")
    DISPUTE_REVIEW = "dispute_review", _("Bestridande")
    ADDRESS_MISSING = "address_missing", _("Adress saknas")  # no letter can reach the debtor
    # A follow-up call: the promise's day, or a plan's instalment, passed unpaid (the ladder has gone on).
    PROMISE_BROKEN = "promise_broken", _("Brutet betalningslöfte")
    PLAN_BROKEN = "plan_broken", _("Bruten avbetalningsplan")


class Outcome(models.TextChoices):
    # A phone call: reached without agreement, a promise to pay, a payment plan, no answer
    # (tried again next bank day), no answer on the last try, or waived by a supervisor.
    NO_AGREEMENT = "no_agreement", _("Nådd, ingen överenskommelse")
    PROMISED = "promised", _("Betalningslöfte")
    PAYMENT_PLAN = "payment_plan", _("Avbetalningsplan")
    NO_ANSWER = "no_answer", _("Inget svar, nytt försök")
    WRONG_NUMBER = "wrong_number", _("Fel nummer")  # the ladder goes on; the creditor sees it on the case
    UNREACHABLE = "unreachable", _("Inget svar, försöken slut")
    AGREEMENT = "agreement", _("Överenskommelse")  # input only: a promise or a plan (older rows keep it)
    WAIVED = "waived", _("Samtal efterges av arbetsledare")
    APPROVED = "approved", _("Godkänd")
    REJECTED = "rejected", _("Avslagen")
    UPHELD = "upheld", _("Bestridandet godtas")
    DISMISSED = "dismissed", _("Bestridandet lämnas utan avseende")
    # A dispute the creditor accepts in money (a supervisor's decision): the claim credited in
    # full (the case closes), or written down in part (the ladder goes on for the rest).
    CREDITED = "credited", _("Kravet krediteras")
    WRITTEN_DOWN = "written_down", _("Kravet skrivs ned delvis")
    CANCELLED = "cancelled", _("Avbrutet: ärendet avslutat")
    ADDRESS_SET = "address_set", _("Adress eller e-post tillagd")  # dunning.addresses.debtor_address_set


class QueueItem(models.Model):
    """Work that waits for a collection agent: a call, a review, a decision on a dispute."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="queue_items")
    kind = models.CharField(max_length=20, choices=QueueKind.choices)
    created_on = models.DateField()
    due_on = models.DateField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    # The agent working the item, until when (`dunning.workqueue`): a lease that ends by itself.
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    claimed_until = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        db_table = "cases_queueitem"  # moved from cases: the table kept its name
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], condition=Q(outcome=""), name="queue_one_open_item"),
            models.CheckConstraint(condition=Q(outcome="") | Q(decided_on__isnull=False), name="queue_decided_has_date"),
            models.CheckConstraint(condition=Q(claimed_by__isnull=True) | Q(claimed_until__isnull=False),
                                   name="queue_claim_has_end"),
        ]
        indexes = [models.Index(fields=["due_on", "id"], condition=Q(outcome=""), name="queue_open_by_due")]

    @property
    def is_open(self) -> bool:
        return not self.outcome


def dispute_document_upload_to(document, filename: str) -> str:
    """Under the creditor's own folder of the media storage, by case."""
    return f"disputes/{document.creditor_id}/{document.case_id}/{filename}"


class DisputeDocument(models.Model):
    """What a debtor sent with a dispute (a delivery note, a photo of the goods): checked and
    stored by `dunning.documents`, served only to those who may see the case."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dispute_documents")
    name = models.CharField(max_length=200, help_text="The file's name as uploaded, cleaned")
    file = models.FileField(upload_to=dispute_document_upload_to, max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(max_length=500, blank=True, help_text="What it is, or the debtor's statement")
    uploaded_by = models.CharField(max_length=120)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} (case {self.case_id})"


class FilingStatus(models.TextChoices):
    TO_FILE = "to_file", _("Att ge in")
    FILED = "filed", _("Ingiven till Kronofogden")
    DECIDED = "decided", _("Utslag meddelat")
    ENFORCEMENT = "enforcement", _("Verkställighet")
    WITHDRAWN = "withdrawn", _("Återkallad")


class PaymentOrderFiling(models.Model):
    """An approved payment-order application and what became of it at Kronofogden
    (`dunning.legal`): opened by the approval with the application as approved, then its
    status as the agency records it."""

    creditor = models.ForeignKey("creditors.Creditor", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="payment_order_filings")
    review = models.OneToOneField(QueueItem, on_delete=models.PROTECT, related_name="filing")
    application = models.JSONField(help_text="The application as approved (dunning.legal.application_file)")
    status = models.CharField(max_length=12, choices=FilingStatus.choices, default=FilingStatus.TO_FILE)
    status_on = models.DateField()
    reference = models.CharField(max_length=40, blank=True, help_text="Kronofogden's case number (målnummer)")
    note = models.CharField(max_length=500, blank=True)
    updated_by = models.CharField(max_length=120)

    objects = TenantManager()

    class Meta:
        ordering = ["status_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(status__in=FilingStatus.values),
                                              name="filing_status_valid")]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.status}"
