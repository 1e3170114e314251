from allauth.account import views as account_views
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import JSONErrorsMixin, endpoint_not_found
from portal import security_views


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class SchemaView(JSONErrorsMixin, SpectacularAPIView):
    pass


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin site signs in through the portal's page: one sign-in, one lockout, one second factor.
    path("admin/login/", security_views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    # django-allauth's pages. Before its include: its own sign-in address leads to /login/, and
    # managing e-mail addresses is not offered (the address is the account: an admin changes it).
    path("accounts/login/", security_views.to_login),
    path("accounts/email/", security_views.not_offered),
    path("accounts/", include("allauth.urls")),
    # The sign-in address is /login/: named `login` (Django's) and, defined after the include so
    # that reverse() picks it, `account_login` (allauth's). The same for signing out (POST).
    path("login/", account_views.login, name="login"),
    path("login/", account_views.login, name="account_login"),
    path("logout/", account_views.logout, name="logout"),
    path("logout/", account_views.logout, name="account_logout"),
    path("api/v1/schema/", SchemaView.as_view(permission_classes=[], authentication_classes=[]), name="api-schema"),
    # The split view serves its start-up script as a file of its own: the CSP allows no inline script.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api-schema", template_name="api/swagger_ui.html", permission_classes=[],
        authentication_classes=[]), name="api-docs"),
    path("api/v1/", include("api.urls")),
    # Last under /api/: any other path there answers a JSON 404, never the portal's HTML page.
    re_path(r"^api(/|$)", endpoint_not_found, name="api-not-found"),
    path("", include("portal.urls")),
]

# Django's own error answers; under /api/ they carry the API's error shape (api.views).
handler400 = "api.views.bad_request"
handler403 = "api.views.permission_denied"
handler404 = "api.views.page_not_found"
handler500 = "api.views.server_error"
