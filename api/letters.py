"""`GET /api/v1/letters/`: the creditor's letters; `GET /api/v1/letters/{id}/pdf`: one's archived PDF, as sent."""
import json

from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from letters.models import Letter, LetterKind
from letters.selectors import letter_archived_pdf, letter_pdf_url

from .params import StrictPageNumberPagination, choice_param
from .sync import SyncMixin, list_response, sync_parameters
from .views import JSONErrorsMixin


class LetterListSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    kind = serializers.ChoiceField(LetterKind.values)
    sent_on = serializers.DateField()
    deadline = serializers.DateField(allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, letter) -> str | None:
        return letter_pdf_url(letter)  # None until the letter is rendered: the record exists first


class LetterPagination(StrictPageNumberPagination):
    pass


class LetterViewSet(SyncMixin, viewsets.GenericViewSet):
    """The creditor's letters, newest last; each one's PDF at `pdf_url` once rendered."""

    pagination_class = LetterPagination
    serializer_class = LetterListSerializer

    def changed_at(self, letters):
        """A letter changes when it is written (the daily cycle's step) and when its PDF is
        rendered (`pdf_url` appears)."""
        return letters.annotate(changed_at=Greatest(F("created_at"), Coalesce(F("rendered_at"), F("created_at"))))

    def changed_page(self, letters, at, pk, limit):
        """A letter changed at `at` or later was written or rendered then: found by the index of each."""
        return super().changed_page(letters.filter(Q(created_at__gte=at) | Q(rendered_at__gte=at)), at, pk, limit)

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=LetterKind.values), *sync_parameters()],
                   responses={200: list_response(LetterListSerializer, "Letter")})
    def list(self, request):
        letters = Letter.objects.order_by("sent_on", "id")
        kind = choice_param(request, "kind", LetterKind.values)
        if kind:
            letters = letters.filter(kind=kind)
        return self.sync_or_page(letters)


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
