"""The portal's language, chosen per person: Swedish (the default) or English.

A signed-in person's choice is stored (`creditors.UserPreference`), so it follows them
from device to device; before signing in, the choice is a cookie. The browser's
Accept-Language is not asked: a Swedish agency's portal speaks Swedish until told
otherwise. The API keeps its own rules (`api/`): this middleware leaves /api/ alone.
"""
from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from creditors.models import UserPreference

LANGUAGES = dict(settings.LANGUAGES)


def language_of(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
        if chosen in LANGUAGES:
            return chosen
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie if cookie in LANGUAGES else settings.LANGUAGE_CODE


class PortalLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            return self.get_response(request)
        language = language_of(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


@require_POST
def language_set(request):
    """Choose the portal's language (for a signed-in person, stored), then back where they were."""
    language = request.POST.get("language")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in LANGUAGES:
        if request.user.is_authenticated:
            UserPreference.objects.update_or_create(user=request.user, defaults={"language": language})
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=request.is_secure(), httponly=True)
    return response
