"""Writes about creditors: creating the tenant, its users and API clients."""
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from core.errors import Conflict, ValidationError
from core.identity import parse_bankgiro, parse_org_number
from core.tenancy import creditor_scope

from .models import ApiClient, Creditor, Membership, Role
from .selectors import token_hash
from .signals import creditor_created


@transaction.atomic
def creditor_create(
    *, slug: str, name: str, org_number: str, bankgiro: str = "", admin_email: str = "", **contact
) -> Creditor:
    """A new creditor (and an admin user, if named). It sends `creditor_created` in its scope
    and transaction: dunning gives it the default policy for each category, classification
    its default rules (their apps' `ready`)."""
    if not slug or slugify(slug) != slug:
        raise ValidationError(f"slug {slug!r} must be lower-case letters, digits and '-'")
    if not name.strip():
        raise ValidationError("name must not be empty")
    org_number = parse_org_number(org_number)
    bankgiro = parse_bankgiro(bankgiro) if bankgiro else ""
    if Creditor.objects.filter(slug=slug).exists():
        raise Conflict(f"a creditor with slug {slug!r} already exists")
    try:
        with transaction.atomic():
            creditor = Creditor.objects.create(
                slug=slug, name=name.strip(), org_number=org_number, bankgiro=bankgiro, **contact
            )
    except IntegrityError:
        raise Conflict(f"a creditor with slug {slug!r} already exists") from None
    with creditor_scope(creditor):
        creditor_created.send(sender=Creditor, creditor=creditor)
        if admin_email:
            membership_add(creditor=creditor, email=admin_email, role=Role.ADMIN)
    return creditor


def membership_add(*, creditor: Creditor, email: str, role: str, password: str | None = None) -> Membership:
    """Give the user with this e-mail (created if new) a role at the creditor."""
    User = get_user_model()
    email = email.strip().lower()
    if "@" not in email:
        raise ValidationError(f"e-mail {email!r} is not an address")
    user, created = User.objects.get_or_create(username=email, defaults={"email": email})
    if created or password:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    membership, _ = Membership.objects.update_or_create(creditor=creditor, user=user, defaults={"role": role})
    return membership


def api_client_create(*, creditor: Creditor, name: str) -> tuple[ApiClient, str]:
    """A new API client; returns it and its token, which is not stored and shown once."""
    if ApiClient.objects.filter(creditor=creditor, name=name).exists():
        raise Conflict(f"creditor {creditor.slug!r} already has an API client named {name!r}")
    token = "fd_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        creditor=creditor, name=name, token_prefix=token[:10], token_hash=token_hash(token)
    )
    return client, token
