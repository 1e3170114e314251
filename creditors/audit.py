"""The audit trail: one append-only AuditEvent for each change to who may act for a creditor,
and for each look at what only some may see (a debtor's whole identity number)."""
from django.utils import timezone

from .models import ApiClient, AuditEvent, Creditor


def audit_record(*, creditor: Creditor | int, actor, action: str, target: str = "", details: dict | None = None,
                 ip: str | None = None) -> AuditEvent:
    """Record that `actor` (a user, an API client or None for the system) did `action` (an
    AuditAction) to `target` at the creditor. Call it inside the change's transaction, so the
    change and its record commit together or not at all."""
    if isinstance(actor, ApiClient):
        email, actor_id = f"API: {actor.name}", None
    elif actor is not None and actor.is_authenticated:
        email, actor_id = actor.email or actor.get_username(), actor.pk
    else:
        email, actor_id = "", None
    return AuditEvent.objects.create(
        creditor_id=getattr(creditor, "pk", creditor), at=timezone.now(), actor_id=actor_id,
        actor_email=email[:254], action=action, target=target[:80], details=details or {}, ip=ip,
    )


def request_ip(request) -> str | None:
    """The client's address as Django sees it (REMOTE_ADDR; a trusted proxy's header is
    applied before this, where one is configured)."""
    return request.META.get("REMOTE_ADDR") or None
