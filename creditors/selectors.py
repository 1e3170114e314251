"""Reads about creditors, their users and API clients."""
import hashlib

from django_scopes import scopes_disabled

from core.errors import NotFound

from .models import ApiClient, Creditor, Membership


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


def creditors_for_user(user) -> list[Creditor]:
    with scopes_disabled():
        return [m.creditor for m in Membership.objects.filter(user=user).select_related("creditor")]


def creditor_for_user(user, preferred_id) -> Creditor | None:
    """The creditor a portal user works in: the one chosen in the session if the user
    is a member of it, else the first of its memberships."""
    creditors = creditors_for_user(user)
    for creditor in creditors:
        if creditor.pk == preferred_id:
            return creditor
    return creditors[0] if creditors else None
