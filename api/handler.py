"""The API's one error shape: `{"code": …, "message": …, "detail": …}`.

Errors raised inside an endpoint come through here; api.views answers the rest under
/api/ (an unknown path, Django's own 400/403/404/500) in the same shape.
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


def exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        body = {"code": exc.code, "message": exc.message, "detail": exc.detail}
        return Response(body, status=exc.http_status)
    if isinstance(exc, RequestDataTooBig):
        body = {"code": "too_large", "message": f"The request body is larger than "
                f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.", "detail": None}
        return Response(body, status=413)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code, message = "invalid", "The request has invalid fields."
    elif isinstance(exc, exceptions.APIException):
        code = exc.default_code
        message = str(exc.detail) if isinstance(exc.detail, str) else exc.default_detail
    else:  # pragma: no cover - DRF only handles APIException subclasses
        code, message = "error", "Error"
    detail = response.data if isinstance(exc, exceptions.ValidationError) else None
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF has set the `Retry-After` header already; the body says the same for a client that reads only JSON.
        detail = {"retry_after": int(exc.wait)}
    response.data = {"code": code, "message": str(message), "detail": detail}
    return response


__all__ = ["exception_handler"]
