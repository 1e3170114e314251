"""What a signed-in session must satisfy on every request (portal.signin says who signs in how).

- `SessionLifetimeMiddleware`: a session ends FORDRA_SESSION_MAX_HOURS after its sign-in, however
  busy, and FORDRA_SESSION_IDLE_MINUTES (SESSION_COOKIE_AGE) after its last request: a request
  moves the stored expiry on, at most once a minute (`SEEN_EVERY`), not a write per request.
- `TwoFactorRequiredMiddleware`: a user who must use two-factor (portal.signin.two_factor_required)
  and has no TOTP authenticator is sent to set one up; one who has, but whose session has not
  proved it (signed in before it was required, say), is asked for a code. Until then only the
  pages that get them there answer.
"""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .signin import SEEN_AT_KEY, SIGNED_IN_AT_KEY, session_is_two_factor, two_factor_required

# The pages a user who still owes a second factor may reach: those that collect it, signing out,
# the language switch. Static files never reach the middleware's views (whitenoise answers first).
_OPEN_URL_NAMES = ("logout", "account_logout", "account_reauthenticate", "mfa_reauthenticate",
                   "mfa_activate_totp", "mfa_view_recovery_codes", "mfa_download_recovery_codes",
                   "portal:language")


def _open_paths() -> set[str]:
    return {reverse(name) for name in _OPEN_URL_NAMES}


SEEN_EVERY = 60  # seconds: the idle timeout is that much early at worst


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
            if signed_in_at is None:
                # A session from before this rule: its clock starts now.
                request.session[SIGNED_IN_AT_KEY] = signed_in_at = now
            if now - signed_in_at > settings.FORDRA_SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, _("Du har varit inloggad länge: logga in igen."))
                return HttpResponseRedirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if now - request.session.get(SEEN_AT_KEY, 0) > SEEN_EVERY:
                request.session[SEEN_AT_KEY] = now  # a changed session is saved with a new expiry
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.open_paths = None

    def __call__(self, request):
        if (not request.user.is_authenticated or request.path.startswith("/api/")
                or session_is_two_factor(request) or not two_factor_required(request.user)):
            return self.get_response(request)
        if self.open_paths is None:
            self.open_paths = _open_paths()
        if request.path in self.open_paths:
            return self.get_response(request)
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import is_mfa_enabled

        target = "mfa_reauthenticate" if is_mfa_enabled(request.user, [Authenticator.Type.TOTP]) else "mfa_activate_totp"
        next_path = request.get_full_path() if request.method == "GET" else reverse("portal:dashboard")
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': next_path})}")
