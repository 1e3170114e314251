"""Pages only a creditor's administrators open: its users, its API keys, its audit log.

`creditor_admin_view` is `creditor_view` (signed in, a member: else 404) plus the role: staff
and read-only members get 403 on GET and POST alike. The role is read from the database on
each request (portal.creditor.member_role), so a demoted admin loses the pages at once. A view
so marked carries `fordra_admin_only = True`; signing in (portal.signin) requires two-factor of
every creditor admin anyway, so these pages need nothing more of it.
"""
from functools import wraps

from django.core.exceptions import PermissionDenied

from creditors.audit import request_ip
from creditors.models import Role

from .creditor import creditor_view, member_role


def creditor_admin_view(view):
    @creditor_view()
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if member_role(request) != Role.ADMIN:
            raise PermissionDenied("Only the creditor's administrators open this page.")
        return view(request, *args, **kwargs)
    wrapper.fordra_admin_only = True
    return wrapper


def actor_of(request) -> dict:
    """Who does what, as the services and the audit trail name them."""
    return {"actor": request.user, "ip": request_ip(request)}
