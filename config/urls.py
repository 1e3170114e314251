from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import JSONErrorsMixin, endpoint_not_found


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class SchemaView(JSONErrorsMixin, SpectacularAPIView):
    pass


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
