"""Every response under /api/ carries the API's error shape, `{"code", "message", "detail"}`.

DRF's exception handler (api.handler) covers errors inside an endpoint. This module covers the
rest: a path no endpoint matches (`endpoint_not_found`, the last route under /api/), and
Django's own 400/403/404/500 answers (`handler…` in config.urls), which stay HTML pages
outside /api/.
"""
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework.renderers import JSONRenderer

from .params import echo

API_PREFIX = "/api/"


def error_body(code: str, message: str, detail=None) -> bytes:
    return JSONRenderer().render({"code": code, "message": message, "detail": detail})


def error_response(status: int, code: str, message: str, detail=None) -> HttpResponse:
    return HttpResponse(error_body(code, message, detail), status=status, content_type=JSONRenderer.media_type)


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _slash_twin(path: str) -> str | None:
    """The same path with its trailing slash added or removed, when an endpoint answers there."""
    twin = path[:-1] if path.endswith("/") else path + "/"
    try:
        match = resolve(twin)
    except Resolver404:
        return None
    return None if match.func is endpoint_not_found else twin


@csrf_exempt  # an API client sends no CSRF token: a POST to a wrong path is a JSON 404, not CSRF's HTML 403
def endpoint_not_found(request, *args, **kwargs):
    """No endpoint at this path. A GET or HEAD that only lacks the trailing slash is redirected,
    as Django's APPEND_SLASH did before this route existed; any other request is told the right path."""
    path = request.path_info
    twin = _slash_twin(path)
    if twin and twin.endswith("/") and request.method in ("GET", "HEAD"):
        query = request.META.get("QUERY_STRING", "")
        mount = request.path[:len(request.path) - len(path)]  # SCRIPT_NAME when served under a prefix
        location = mount + twin + (f"?{query}" if query else "")
        body = error_body("moved_permanently", f"The endpoint is {echo(twin)}", {"location": echo(twin)})
        return HttpResponsePermanentRedirect(location, content=body, content_type=JSONRenderer.media_type)
    hint = f" Did you mean {echo(twin)}?" if twin else ""
    return error_response(404, "not_found", f"No API endpoint at {echo(path)}.{hint}", {"path": echo(path)})


def bad_request(request, exception):
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    return error_response(400, "bad_request", "The request could not be read.")


def permission_denied(request, exception):
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return error_response(403, "permission_denied", "You do not have permission to do this.")


def page_not_found(request, exception):
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return error_response(404, "not_found", "Not found.")


def server_error(request):
    if not is_api_request(request):
        return defaults.server_error(request)
    return error_response(500, "server_error", "Something went wrong on Fordra's side; it has been logged.")


class JSONErrorsMixin:
    """For an endpoint whose success is not JSON (a PDF, the YAML schema): its errors go out as JSON."""

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400 and hasattr(response, "data"):
            request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
