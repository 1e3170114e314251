"""Every request runs inside exactly one tenant scope, decided before any view code.

- `Authorization: Bearer …` → the API client's creditor.
- A logged-in creditor user → the creditor chosen in the session, if the user is a
  member of it, else the user's first membership.
- Django's admin, for agency superusers, runs with scopes disabled: it is an agency tool.
- Anyone else gets an empty scope: tenant queries return nothing rather than everything.
"""
from django_scopes import scope, scopes_disabled

from .selectors import api_client_for_header, creditor_for_user

SESSION_CREDITOR_KEY = "fordra_creditor_id"


class TenantScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.api_client = None
        request.creditor = None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            request.api_client = api_client_for_header(header)
            if request.api_client is not None:
                request.creditor = request.api_client.creditor
        elif request.user.is_authenticated:
            if request.path.startswith("/admin/") and request.user.is_superuser:
                with scopes_disabled():
                    return self.get_response(request)
            request.creditor = creditor_for_user(
                request.user, request.session.get(SESSION_CREDITOR_KEY)
            )
        value = request.creditor.pk if request.creditor is not None else []
        with scope(creditor=value):
            return self.get_response(request)
