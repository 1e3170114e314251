"""API authentication: the tenant middleware has already resolved the bearer token."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .services import api_client_touch


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith(f"{self.keyword} "):
            return None
        client = getattr(request._request, "api_client", None)
        if client is None:
            raise exceptions.AuthenticationFailed("Unknown or revoked API token.")
        api_client_touch(client=client)
        return client, client

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    match_subclasses = True  # api.throttles' subclass throttles unknown callers first
    name = "ApiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": (
            "A token from `create_api_client` or the portal's API keys page. A key's scopes: `read` "
            "(GET, HEAD, OPTIONS) and `write` (POST, PUT, PATCH, DELETE); a request outside them answers 403 "
            "`permission_denied`. Each key has a request rate (429 `throttled` with `Retry-After` beyond it); "
            "requests without a valid key have a lower one per address.")}
