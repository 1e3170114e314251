"""Who may open the creditor's pages: its members, each inside the creditor's own scope.

The tenant middleware sets `request.creditor` (and enters its scope) for a member of a
creditor; anyone else gets a 404 here, as for a page that does not exist. `write`: a
read-only member looks and changes nothing (403), whatever the form they forge.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from creditors.models import Membership, Role

EDITORS = (Role.ADMIN, Role.STAFF)


def member_role(request) -> str | None:
    """The signed-in member's role at the creditor (`creditors.Role`), or None."""
    if request.creditor is None:
        return None
    cached = getattr(request, "_fordra_role", None)
    if cached is None:
        cached = request._fordra_role = Membership.objects.filter(
            creditor=request.creditor, user=request.user).values_list("role", flat=True).first() or ""
    return cached or None


def may_edit(request) -> bool:
    """Whether the signed-in member may change the creditor's cases and debtors."""
    return member_role(request) in EDITORS


def creditor_view(*, write: bool = False):
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.creditor is None:
                raise Http404("You are not a member of any creditor.")
            if write and not may_edit(request):
                raise PermissionDenied("A read-only member changes nothing.")
            return view(request, *args, **kwargs)
        return wrapper
    return decorate
