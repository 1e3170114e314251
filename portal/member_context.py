"""What the header needs about the member signed in: the creditors they can switch between,
and whether they administer the current one (its Users and API keys links). Read from what the
tenant middleware found for this request: no query of its own."""
from creditors.models import Role


def membership(request):
    memberships = getattr(request, "memberships", None) or []
    return {
        "switchable_creditors": sorted((m.creditor for m in memberships), key=lambda c: c.name.lower())
        if len(memberships) > 1 else [],
        "is_creditor_admin": getattr(request, "member_role", None) == Role.ADMIN,
    }
