"""A dispute's documents over the API: `GET /cases/{id}/documents/` lists them and
`GET /cases/{id}/documents/{document_id}` gives one file's bytes, as stored.

A document is what the debtor sent (`POST /cases/{id}/dispute` with a `document`, or the
portal, or an agent): checked by `dunning.documents` (a PDF, PNG or JPEG, told by its bytes)
and served typed by that check, with `nosniff` and a sandbox policy, never cached. Another
creditor's case or a document of another case answers 404, like one that does not exist.
"""
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import case_get
from dunning.selectors import case_document, case_documents

from .schema import ERROR, NOT_FOUND
from .views import JSONErrorsMixin

CASE_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The case")
DOCUMENT_ID = OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The document")


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The file's name as uploaded (for display: the bytes tell its type)")
    content_type = serializers.ChoiceField(choices=["application/pdf", "image/png", "image/jpeg"])
    size = serializers.IntegerField(help_text="Bytes")
    sha256 = serializers.CharField(help_text="Of the bytes as stored (an image is stored re-encoded)")
    note = serializers.CharField()
    uploaded_by = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str:
        return reverse("case-document", kwargs={"pk": document.case_id, "document_id": document.pk})


class CaseDocumentsView(APIView):
    @extend_schema(operation_id="cases_documents_list", summary="The documents kept with the case's disputes",
                   parameters=[CASE_ID],
                   responses={200: DocumentSerializer(many=True), 404: OpenApiResponse(ERROR)}, examples=[NOT_FOUND])
    def get(self, request, pk: int):
        return Response(DocumentSerializer(case_documents(case_get(pk)), many=True).data)


class AnyFileRenderer(BaseRenderer):
    """Lets a client ask for the file by its type (`Accept: image/png`, `*/*`); errors go out as JSON."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class CaseDocumentView(JSONErrorsMixin, APIView):
    renderer_classes = [JSONRenderer, AnyFileRenderer]

    @extend_schema(operation_id="cases_document_file", summary="One document's file, as stored",
                   parameters=[CASE_ID, DOCUMENT_ID], responses={
                       (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="A PDF"),
                       (200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY, description="A PNG image"),
                       (200, "image/jpeg"): OpenApiResponse(OpenApiTypes.BINARY, description="A JPEG image"),
                       404: OpenApiResponse(ERROR, description="`not_found`: no such case, or no such document of it")},
                   examples=[NOT_FOUND])
    def get(self, request, pk: int, document_id: int):
        document = case_document(case_get(pk), document_id)
        response = FileResponse(document.file.open("rb"), content_type=document.content_type, as_attachment=True,
                                filename=document.name)
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox; default-src 'none'"
        response["Cache-Control"] = "private, no-store"
        response["X-Content-SHA256"] = document.sha256
        return response
