"""Addresses that lead to the portal's sign-in pages rather than to pages of their own."""
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def _login_url(next_path: str) -> str:
    return f"{reverse('login')}?{urlencode({'next': next_path})}"


def admin_login(request):
    """The admin site's sign-in is the portal's (axes, two-factor); back to the admin after it."""
    next_path = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(next_path, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_path = reverse("admin:index")
    if request.user.is_authenticated:
        # Signed in but not staff: the admin sent them here; the portal is what they may use.
        return HttpResponseRedirect(next_path if request.user.is_staff else reverse("portal:dashboard"))
    return HttpResponseRedirect(_login_url(next_path))


def to_login(request):
    """allauth's own sign-in address: the one sign-in page is /login/."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))


def not_offered(request):
    raise Http404
