"""Who may open the agents' pages: the agency's staff, each view entering a creditor's scope by name."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from creditors.models import AgencyRole
from dunning.workqueue import agency_staff_of


def agency_view(*, write: bool = False):
    """The view is for agency staff (404 for anyone else, as for a page that does not exist);
    `write`: not for an auditor, who reads and changes nothing (403)."""
    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            staff = agency_staff_of(request.user)
            if staff is None:
                raise Http404("This page is for the agency's staff.")
            if write and staff.role == AgencyRole.AUDITOR:
                raise PermissionDenied("An auditor reads and changes nothing.")
            request.agency_staff = staff
            return view(request, *args, **kwargs)
        return wrapper
    return decorate
