"""`GET /api/v1/letters/{id}/pdf`: the archived PDF of a letter, as sent."""
import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from letters.selectors import letter_archived_pdf

from .views import JSONErrorsMixin


class PdfRenderer(BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; errors go out as JSON (JSONErrorsMixin)."""

    media_type = "application/pdf"
    format = "pdf"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class LetterPdfView(JSONErrorsMixin, APIView):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(operation_id="letter_pdf", responses={
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The letter as sent"),
        404: OpenApiResponse(description="No such letter"),
        409: OpenApiResponse(description="Not rendered yet")})
    def get(self, request, pk: int):
        letter, data = letter_archived_pdf(pk)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{letter.kind}-{letter.pk}.pdf"'
        response["ETag"] = f'"{letter.sha256}"'
        response["X-Content-SHA256"] = letter.sha256
        return response
