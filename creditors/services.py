"""Writes about creditors: creating the tenant, its users and API clients.

Who may act for a creditor changes in one shape: lock the creditor's row (membership and key
changes at one creditor take turns, so two admins demoting each other at once cannot leave it
with none), check, change, and record an AuditEvent in the same transaction.
"""
import datetime
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from core.errors import Conflict, NotFound, ValidationError
from core.identity import parse_bankgiro, parse_org_number
from core.tenancy import creditor_scope

from .audit import audit_record
from .models import ApiClient, ApiScopes, AuditAction, Creditor, Membership, Role
from .selectors import token_hash
from .signals import creditor_created

# `last_used_at` is this precise: a busy key writes its row at most once a minute, not per request.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


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


def _lock(creditor: Creditor | int) -> None:
    Creditor.objects.select_for_update().filter(pk=getattr(creditor, "pk", creditor)).first()


def _email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError(f"e-mail {email!r} is not an address", code="invalid_email") from None
    return email


def _role(role: str) -> str:
    if role not in Role.values:
        raise ValidationError(f"role {role!r} is none of {', '.join(Role.values)}", code="invalid_role")
    return role


@transaction.atomic
def member_invite(*, creditor: Creditor, email: str, role: str, actor, ip: str | None = None
                  ) -> tuple[Membership, bool]:
    """Give the person with this e-mail a role at the creditor; a new person gets a user with no
    usable password (the invitation's link sets one). Returns the membership and whether the
    user is new. Telling them is the caller's (after commit)."""
    email, role = _email(email), _role(role)
    _lock(creditor)
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first() or User.objects.filter(username=email).first()
    created = user is None
    if created:
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
    elif Membership.objects.filter(creditor=creditor, user=user).exists():
        raise Conflict(f"{email} is already a member of {creditor.slug}", code="already_member")
    membership = Membership.objects.create(creditor=creditor, user=user, role=role)
    audit_record(creditor=creditor, actor=actor, action=AuditAction.MEMBER_INVITED, target=f"membership:{membership.pk}",
                 details={"email": email, "role": role, "new_user": created}, ip=ip)
    return membership, created


def _locked_membership(membership: Membership) -> Membership:
    _lock(membership.creditor_id)
    try:
        return Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    except Membership.DoesNotExist:
        raise NotFound("the membership no longer exists") from None


def _refuse_last_admin(membership: Membership) -> None:
    if membership.role != Role.ADMIN:
        return
    others = Membership.objects.filter(creditor_id=membership.creditor_id, role=Role.ADMIN).exclude(pk=membership.pk)
    if not others.exists():
        raise Conflict("a creditor keeps at least one administrator", code="last_admin")


@transaction.atomic
def member_role_set(*, membership: Membership, role: str, actor, ip: str | None = None) -> Membership:
    """Change a member's role; the creditor's last administrator stays one (Conflict `last_admin`)."""
    role = _role(role)
    membership = _locked_membership(membership)
    old = membership.role
    if old == role:
        return membership
    _refuse_last_admin(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(creditor=membership.creditor_id, actor=actor, action=AuditAction.MEMBER_ROLE_CHANGED,
                 target=f"membership:{membership.pk}",
                 details={"email": membership.user.email, "old_role": old, "new_role": role}, ip=ip)
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, actor, ip: str | None = None) -> None:
    """Take a member's role at the creditor away (their user stays: it may work for others).
    The creditor's last administrator stays (Conflict `last_admin`)."""
    membership = _locked_membership(membership)
    _refuse_last_admin(membership)
    pk, old = membership.pk, membership.role
    membership.delete()
    audit_record(creditor=membership.creditor_id, actor=actor, action=AuditAction.MEMBER_REMOVED,
                 target=f"membership:{pk}", details={"email": membership.user.email, "old_role": old}, ip=ip)


@transaction.atomic
def api_client_create(*, creditor: Creditor, name: str, scopes: str = ApiScopes.READ_WRITE, created_by=None,
                      ip: str | None = None) -> tuple[ApiClient, str]:
    """A new API client; returns it and its token, which is not stored and shown once.
    `scopes` is an `ApiScopes` value (read and write by default, as every key had before scopes)."""
    name = (name or "").strip()
    if not name or len(name) > ApiClient._meta.get_field("name").max_length:
        raise ValidationError("an API client's name has 1 to 100 characters", code="invalid_name")
    if scopes not in ApiScopes.values:
        raise ValidationError(f"scopes {scopes!r} are none of {', '.join(ApiScopes.values)}", code="invalid_scopes")
    _lock(creditor)
    taken = Conflict(f"creditor {creditor.slug!r} already has an API client named {name!r}", code="name_taken")
    if ApiClient.objects.filter(creditor=creditor, name=name, revoked_at__isnull=True).exists():
        raise taken
    token = "fd_" + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            client = ApiClient.objects.create(creditor=creditor, name=name, token_prefix=token[:10],
                                              token_hash=token_hash(token), scopes=scopes, created_by=created_by)
    except IntegrityError:
        raise taken from None
    audit_record(creditor=creditor, actor=created_by, action=AuditAction.API_KEY_CREATED,
                 target=f"api_client:{client.pk}",
                 details={"name": name, "prefix": client.token_prefix, "scopes": scopes}, ip=ip)
    return client, token


@transaction.atomic
def api_client_revoke(*, client: ApiClient, actor, ip: str | None = None) -> ApiClient:
    """Revoke the key: its token answers 401 from now on. Revoking a revoked key changes nothing."""
    _lock(client.creditor_id)
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit_record(creditor=client.creditor_id, actor=actor, action=AuditAction.API_KEY_REVOKED,
                 target=f"api_client:{client.pk}", details={"name": client.name, "prefix": client.token_prefix},
                 ip=ip)
    return client


def api_client_touch(*, client: ApiClient, now: datetime.datetime | None = None) -> None:
    """Note that the key was used now, to the minute: a write only when the stored time is a
    minute old, and the filter makes concurrent requests of one key write it once."""
    now = now or timezone.now()
    if client.last_used_at is not None and now - client.last_used_at < LAST_USED_PRECISION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
    ApiClient.objects.filter(stale, pk=client.pk).update(last_used_at=now)
    client.last_used_at = now
