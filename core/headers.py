"""Security headers Django does not send itself.

The Content-Security-Policy is django-csp's (settings `CONTENT_SECURITY_POLICY`); Referrer-Policy,
X-Content-Type-Options and Cross-Origin-Opener-Policy are Django's SecurityMiddleware's. What is
left is the Permissions-Policy: the portal uses no camera, microphone, location or payment API,
so a script that got in anyway cannot ask the browser for them either.
"""
from django.conf import settings


def permissions_policy(features: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` → `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{name}=({' '.join(allowed)})" for name, allowed in features.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy(settings.FORDRA_PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
