"""The tenant (Creditor), who may act for it (memberships, agency staff, API clients)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantManager


class Creditor(models.Model):
    """A creditor: the tenant. Everything it owns carries it and is scoped to it."""

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    org_number = models.CharField(max_length=11, help_text="NNNNNN-NNNN")
    bankgiro = models.CharField(max_length=9, blank=True, help_text="NNN-NNNN or NNNN-NNNN")
    address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=6, blank=True)
    city = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administratör")
    STAFF = "staff", _("Personal")
    READ_ONLY = "read_only", _("Läsbehörighet")


class Membership(models.Model):
    """A user's role at one creditor."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STAFF)

    objects = TenantManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["creditor", "user"], name="membership_unique_user"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.creditor} ({self.role})"


class AgencyRole(models.TextChoices):
    # Labelled as the agents' pages, in Swedish, name them.
    AGENT = "agent", _("Handläggare")
    SUPERVISOR = "supervisor", _("Arbetsledare")  # also waives calls and approves payment orders
    AUDITOR = "auditor", _("Granskare")  # reads the queue and the cases, changes nothing


class AgencyStaff(models.Model):
    """The agency's own people. They cross creditors, but only through views made for them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_staff")
    role = models.CharField(max_length=10, choices=AgencyRole.choices, default=AgencyRole.AGENT)

    class Meta:
        verbose_name_plural = "agency staff"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=AgencyRole.values), name="agency_staff_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class ApiScopes(models.TextChoices):
    """What an API key may do: `read` (GET, HEAD, OPTIONS), `write` (POST, PUT, PATCH, DELETE), or both.
    Stored space-separated, as OAuth writes scopes."""

    READ_WRITE = "read write", _("Läsa och skriva")
    READ = "read", _("Läsa")
    WRITE = "write", _("Skriva")


class ApiClient(models.Model):
    """A partner ERP's credentials. Only the token's SHA-256 is stored; the token is shown once."""

    creditor = models.ForeignKey(Creditor, on_delete=models.CASCADE, related_name="api_clients")
    name = models.CharField(max_length=100)
    token_prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.CharField(max_length=20, choices=ApiScopes.choices, default=ApiScopes.READ_WRITE)
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept when the person leaves: the key's history should not vanish with them.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # Written at most once a minute per key (`api_client_touch`): a busy key must not write on every request.
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        constraints = [
            # A revoked key's name may be given to its successor.
            models.UniqueConstraint(fields=["creditor", "name"], condition=models.Q(revoked_at__isnull=True),
                                    name="api_client_unique_live_name"),
            models.CheckConstraint(condition=models.Q(scopes__in=ApiScopes.values), name="api_client_scopes_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    def allows(self, scope: str) -> bool:
        """Whether the key holds `scope` ("read" or "write")."""
        return scope in self.scopes.split()

    # DRF treats the authenticated principal as a user.
    is_authenticated = True


class UserPreference(models.Model):
    """What a person chose for themselves, whichever creditor they work for: the portal's language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"


class AuditAction(models.TextChoices):
    """What was done. Labelled in Swedish, as the portal shows them."""

    MEMBER_INVITED = "member.invited", _("Användare inbjuden")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("Roll ändrad")
    MEMBER_REMOVED = "member.removed", _("Användare borttagen")
    API_KEY_CREATED = "api_key.created", _("API-nyckel skapad")
    API_KEY_REVOKED = "api_key.revoked", _("API-nyckel återkallad")
    IDENTITY_VIEWED = "identity.viewed", _("Personnummer visat")
    CREDITOR_SWITCHED = "creditor.switched", _("Bytte borgenär")
    WEBHOOK_CREATED = "webhook.created", _("Webhook skapad")
    WEBHOOK_CHANGED = "webhook.changed", _("Webhook ändrad")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook borttagen")
    WEBHOOK_REPLAYED = "webhook.replayed", _("Webhookhändelse skickad igen")
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", _("Webhookhemlighet bytt")


class AuditEvent(models.Model):
    """Who did what at a creditor, and when. Append-only (the database refuses UPDATE and
    DELETE). The actor is kept as id and e-mail, not a foreign key, so that removing a user
    never rewrites the record of what they did."""

    creditor = models.ForeignKey(Creditor, on_delete=models.PROTECT, related_name="audit_events")
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    # What it was done to, as "<kind>:<id>" (say "membership:12", "debtor:44").
    target = models.CharField(max_length=80, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["creditor", "-at"], name="audit_creditor_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action} {self.target}"
