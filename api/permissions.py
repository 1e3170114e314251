"""An API key acts within its scopes: `read` for GET, HEAD and OPTIONS, `write` for the rest.

In DEFAULT_PERMISSION_CLASSES, so every endpoint, now and later, checks it. A request outside
its key's scopes answers 403 in the error shape, naming the scope it lacks.
"""
from rest_framework.permissions import SAFE_METHODS, BasePermission

from core.errors import Forbidden
from creditors.models import ApiClient


def scope_needed(method: str) -> str:
    return "read" if method in SAFE_METHODS else "write"


class ApiKeyScope(BasePermission):
    def has_permission(self, request, view) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            return True  # no key: IsAuthenticated (or the view's own rule) answers
        needed = scope_needed(request.method)
        if not client.allows(needed):
            raise Forbidden(f"This API key may not {needed}: its scopes are {client.scopes!r}. "
                            f"Create a key with the {needed!r} scope in the portal.",
                            code="permission_denied",
                            detail={"required_scope": needed, "key_scopes": client.scopes.split()})
        return True
