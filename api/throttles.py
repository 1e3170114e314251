"""How often the API may be asked: per key, and per address for requests without a valid key.

- `ApiClientRateThrottle`: FORDRA_API_RATE per API key (its ApiClient id, not the address: an
  ERP behind a shared NAT gets its own allowance, and changing address buys nothing).
- `AddressRateThrottle`: FORDRA_API_ANON_RATE per client address for a request with no valid
  key. `ThrottledTokenAuthentication` asks it before the token is checked, so guessing tokens
  or hammering with a revoked one meets a 429, not an endless stream of 401s.

Beyond a rate: 429 in the error shape (`throttled`) with `Retry-After` in seconds.

The counts live in Django's default cache (settings CACHES, `CACHE_URL`): Redis in production,
shared by every worker. With the embedded default (local memory) each process counts on its
own, so N gunicorn workers allow up to N times the rate. DRF reads and writes a count without
a lock: two requests at the same instant may both pass; the rate is a limit on floods, not an
exact quota.
"""
from django.conf import settings
from rest_framework import exceptions
from rest_framework.throttling import SimpleRateThrottle

from creditors.authentication import ApiTokenAuthentication
from creditors.models import ApiClient


def client_address(request) -> str | None:
    """REMOTE_ADDR, or with FORDRA_TRUSTED_PROXY_COUNT proxies in front, the address the
    outermost of them saw (as the sign-in's lockout counts it); what the client wrote further
    left in X-Forwarded-For is not believed."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "FORDRA_TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


class ApiClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self) -> str:
        return settings.FORDRA_API_RATE  # read per request: a test or an operator may change it

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class AddressRateThrottle(SimpleRateThrottle):
    scope = "api_address"

    def get_rate(self) -> str:
        return settings.FORDRA_API_ANON_RATE

    def get_cache_key(self, request, view) -> str | None:
        if getattr(request._request, "api_client", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request)}


class ThrottledTokenAuthentication(ApiTokenAuthentication):
    """The bearer token's API client; a request without a valid one counts against its address
    first (DRF checks throttles only after authentication and permissions, too late for them)."""

    def authenticate(self, request):
        throttle = AddressRateThrottle()
        if not throttle.allow_request(request, None):
            raise exceptions.Throttled(throttle.wait())
        return super().authenticate(request)
