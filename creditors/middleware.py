"""Every request runs inside exactly one tenant scope, decided before any view code.

- `Authorization: Bearer …` → the API client's creditor.
- A logged-in creditor user → the creditor chosen in the session, if the user is a
  member of it, else the user's first membership.
- Django's admin, for agency superusers, runs with scopes disabled: it is an agency tool.
- Anyone else gets an empty scope: tenant queries return nothing rather than everything.

A member's creditors and role are read from the database on every request (one query), so a
role changed or taken away holds from the member's next request. The session remembers the
(creditor, role) it last worked as; when that changes (another admin changed the role, the
member switched creditor) the session key is rotated, as on sign-in: a session id learnt
before the privilege change is worth nothing after it.
"""
from django_scopes import scope, scopes_disabled

from .selectors import api_client_for_header, membership_chosen, memberships_for_user

SESSION_CREDITOR_KEY = "fordra_creditor_id"
SESSION_PRIVILEGE_KEY = "fordra_privilege"


def privilege_of(membership) -> str:
    """What a session works as: "<creditor id>:<role>", or "" for no creditor."""
    return f"{membership.creditor_id}:{membership.role}" if membership is not None else ""


def privilege_note(request, membership) -> None:
    """Rotate the session key if the session's privilege changed since its last request."""
    held = privilege_of(membership)
    seen = request.session.get(SESSION_PRIVILEGE_KEY)
    if seen == held:
        return
    if seen is not None:
        request.session.cycle_key()
    request.session[SESSION_PRIVILEGE_KEY] = held


def privilege_at_sign_in(sender, request, user, **kwargs):
    """Note the privilege a session starts with (sign-in rotates its key anyway): the first
    request then has nothing to write, and a change made before it still rotates the key."""
    if request is None or not hasattr(request, "session"):
        return
    chosen = membership_chosen(memberships_for_user(user), request.session.get(SESSION_CREDITOR_KEY))
    request.session[SESSION_PRIVILEGE_KEY] = privilege_of(chosen)


class TenantScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_client = None
        request.creditor = None
        request.memberships = []
        request.member_role = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            request.api_client = api_client_for_header(header)
            if request.api_client is not None:
                request.creditor = request.api_client.creditor
        elif request.user.is_authenticated:
            if request.path.startswith("/admin/") and request.user.is_superuser:
                with scopes_disabled():
                    return self.get_response(request)
            request.memberships = memberships_for_user(request.user)
            chosen = membership_chosen(request.memberships, request.session.get(SESSION_CREDITOR_KEY))
            if chosen is not None:
                request.creditor, request.member_role = chosen.creditor, chosen.role
            privilege_note(request, chosen)
        value = request.creditor.pk if request.creditor is not None else []
        with scope(creditor=value):
            return self.get_response(request)
