"""Reads about creditors, their users and API clients."""
import hashlib

from django.apps import apps
from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value
from django_scopes import scopes_disabled

from core.errors import NotFound

from .models import ApiClient, AuditEvent, Creditor, Membership


def creditor_by_slug(slug: str) -> Creditor:
    try:
        return Creditor.objects.get(slug=slug)
    except Creditor.DoesNotExist:
        raise NotFound(f"no creditor with slug {slug!r}") from None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_for_header(header: str) -> ApiClient | None:
    """The live API client whose token is in `Authorization: Bearer TOKEN`, or None."""
    token = header.removeprefix("Bearer ").strip()
    if not token:
        return None
    # The token names its tenant; the lookup has to happen before any scope exists.
    with scopes_disabled():
        return (
            ApiClient.objects.select_related("creditor")
            .filter(token_hash=token_hash(token), revoked_at__isnull=True)
            .first()
        )


def memberships_for_user(user) -> list[Membership]:
    """Every creditor the user works for, as memberships with their creditor, the oldest first."""
    # Before any scope exists: this decides which scope the request enters.
    with scopes_disabled():
        return list(Membership.objects.filter(user=user).select_related("creditor").order_by("pk"))


def membership_chosen(memberships: list[Membership], preferred_id) -> Membership | None:
    """The membership a portal user works in: the creditor chosen in the session if the user is
    a member of it, else the oldest."""
    for membership in memberships:
        if membership.creditor_id == preferred_id:
            return membership
    return memberships[0] if memberships else None


def creditors_for_user(user) -> list[Creditor]:
    return [membership.creditor for membership in memberships_for_user(user)]


def creditor_for_user(user, preferred_id) -> Creditor | None:
    """The creditor a portal user works in: the one chosen in the session if the user
    is a member of it, else the first of its memberships."""
    chosen = membership_chosen(memberships_for_user(user), preferred_id)
    return chosen.creditor if chosen is not None else None


def members_of(creditor: Creditor) -> QuerySet[Membership]:
    """The creditor's members by e-mail, each with `two_factor` (a TOTP authenticator, where
    allauth's MFA is installed)."""
    members = Membership.objects.filter(creditor=creditor).select_related("user").order_by("user__email", "pk")
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        totp = Authenticator.objects.filter(user=OuterRef("user_id"), type=Authenticator.Type.TOTP)
        return members.annotate(two_factor=Exists(totp))
    return members.annotate(two_factor=Value(None, output_field=BooleanField(null=True)))


def api_clients_of(creditor: Creditor) -> QuerySet[ApiClient]:
    """The creditor's API keys: live ones first, newest first."""
    return (ApiClient.objects.filter(creditor=creditor).select_related("created_by")
            .order_by("revoked_at", "-created_at", "-pk"))


def audit_events_of(creditor: Creditor) -> QuerySet[AuditEvent]:
    """What was done at the creditor, newest first."""
    return AuditEvent.objects.filter(creditor=creditor).order_by("-at", "-id")
