"""Signing in: django-allauth's pages, django-axes' lockout, and what Fordra adds to them.

- Signup is closed: a creditor's admin invites (`invitation_link`), a command makes the rest.
- An invited user has no usable password; the invitation's one-time link lets them choose one
  and, being sent to their address, proves it (`_address_proved`).
- Two-factor is offered to everyone and required of those who can do the most harm
  (`two_factor_required`); `portal.signin_rules` enforces it.
- Axes counts failures per (account, client address): `axes_username` and `client_ip` tell it
  both, the address trusting `X-Forwarded-For` only from as many proxies as configured.
"""
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import crypto
from creditors.models import Role

from .signin_tokens import InvitationTokenGenerator

# The session's note of when its user signed in (portal.signin_rules ends it MAX_HOURS later).
SIGNED_IN_AT_KEY = "fordra_signed_in_at"
SEEN_AT_KEY = "fordra_seen_at"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False


MFA_PURPOSE = "fordra.mfa"
MFA_ENCRYPTED = "fernet:"


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _("Ditt konto kräver tvåstegsverifiering: den kan inte stängas av."),
    }

    def encrypt(self, text: str) -> str:
        """A TOTP key or recovery-code seed, as stored: encrypted (`core.crypto`), marked as such."""
        return MFA_ENCRYPTED + crypto.encrypt(text, purpose=MFA_PURPOSE)

    def decrypt(self, encrypted_text: str) -> str:
        """Counterpart of `encrypt`. A value without the mark was stored before secrets were
        encrypted (the migration core/0001 encrypts those) and is read as it is."""
        if not encrypted_text.startswith(MFA_ENCRYPTED):
            return encrypted_text
        return crypto.decrypt(encrypted_text.removeprefix(MFA_ENCRYPTED), purpose=MFA_PURPOSE)

    def can_delete_authenticator(self, authenticator) -> bool:
        """Those who must use two-factor cannot turn it off (they would be sent to set it up again)."""
        return authenticator.type != authenticator.Type.TOTP or not two_factor_required(authenticator.user)


def two_factor_required(user) -> bool:
    """Superusers and admin-site staff, the agency's staff, and an admin at any creditor."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    # One query, across every creditor the person works for (the User table is not tenant-scoped).
    return get_user_model().objects.filter(pk=user.pk).filter(
        Q(agency_staff__isnull=False) | Q(memberships__role=Role.ADMIN)).exists()


def session_is_two_factor(request) -> bool:
    """This session's user proved a second factor (a TOTP code or a recovery code) in it."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def record_two_factor(request, user, *, authenticator_type: str) -> None:
    record_authentication(request, user, method="mfa", type=authenticator_type)


# Invitations ---------------------------------------------------------------------------------

def invitation_link(request, user) -> str:
    """The absolute one-time link by which an invited `user` chooses a password.

    Using it proves their e-mail address. It expires after FORDRA_INVITATION_DAYS, and once a
    password is set (or the user signs in) it is refused."""
    token = InvitationTokenGenerator().make_token(user)
    path = reverse("account_reset_password_from_key",
                   kwargs={"uidb36": user_pk_to_url_str(user), "key": token})
    return request.build_absolute_uri(path)


def _address_proved(sender, request, user, **kwargs):
    """A reset or invitation link reached the user: their address is theirs."""
    if not user.email:
        return
    address, created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True})
    if not created and not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


# Signals -------------------------------------------------------------------------------------

def _signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT_KEY] = request.session[SEEN_AT_KEY] = now
    records = get_authentication_records(request, user)
    if records and records[-1].get("method") in ("password", "mfa") and now - records[-1]["at"] < 60:
        # Typed their password (and code) just now: setting up two-factor, which a new admin is sent
        # to at once, does not ask for the password again (ACCOUNT_REAUTHENTICATION_TIMEOUT).
        record_authentication(request, user, method="password", reauthenticated=True)


def _authenticator_saved(sender, instance, created, **kwargs):
    """Activating TOTP means typing a code from the device just set up: this session has proved it.

    On the model's save, not allauth's `authenticator_added` (sent on commit, when a test's
    transaction never commits); the request is allauth's current one (its AccountMiddleware)."""
    from allauth.core import context

    request = context.request
    if (created and instance.type == instance.Type.TOTP and request is not None
            and getattr(request, "user", None) is not None and request.user.pk == instance.user_id):
        record_two_factor(request, request.user, authenticator_type=instance.type)


def _step_completed(sender, request, user, method, **kwargs):
    # Stepping up to two-factor is a privilege change: the session gets a new key.
    if method == "mfa":
        request.session.cycle_key()


def connect_signals() -> None:
    from allauth.account.signals import authentication_step_completed, password_reset
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.signals import user_logged_in
    from django.db.models.signals import post_save

    user_logged_in.connect(_signed_in, dispatch_uid="fordra.signed_in")
    password_reset.connect(_address_proved, dispatch_uid="fordra.address_proved")
    post_save.connect(_authenticator_saved, sender=Authenticator, dispatch_uid="fordra.authenticator_saved")
    authentication_step_completed.connect(_step_completed, dispatch_uid="fordra.step_completed")


# Axes ----------------------------------------------------------------------------------------

def axes_username(request, credentials) -> str | None:
    """The account a sign-in is for, as the user's username (their e-mail, lower-cased)."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if value is None and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("username")
    return value.strip().lower() if value else None


def lockout_response(request, original_response=None, credentials=None):
    """Axes' answer to a locked (account, address): the portal's page, 429, with the wait in minutes."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    return render(request, "account/lockout.html", {"cooloff_minutes": minutes}, status=429)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or with N trusted proxies in front, the address the
    outermost of them saw (X-Forwarded-For's N-th entry from the right). Anything further left
    was written by the client and is not believed."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.FORDRA_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
