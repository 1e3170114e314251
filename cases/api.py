"""The case resource of the REST API (CONTRACT.md)."""
import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core.errors import ValidationError
from dunning.selectors import next_step_of

from . import selectors


class BalanceSerializer(serializers.Serializer):
    principal = serializers.DecimalField(max_digits=14, decimal_places=2)
    fees = serializers.DecimalField(max_digits=14, decimal_places=2)
    interest = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)


class NextStepSerializer(serializers.Serializer):
    action = serializers.CharField()
    date = serializers.DateField()


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    on = serializers.DateField()
    code = serializers.CharField()
    text = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="case.id")
    invoice_number = serializers.CharField(source="case.invoice.invoice_number")
    customer_number = serializers.CharField(source="case.debtor.customer_number")
    debtor = serializers.IntegerField(source="case.debtor_id")
    currency = serializers.CharField(source="case.currency")
    stage = serializers.CharField(source="case.stage")
    closed_reason = serializers.CharField(source="case.closed_reason")
    category = serializers.CharField(source="case.debtor.category")
    ocr_reference = serializers.CharField(source="case.ocr_reference")
    due_date = serializers.DateField(source="case.invoice.due_date")
    balance = BalanceSerializer()
    next_step = serializers.SerializerMethodField()

    @extend_schema_field(NextStepSerializer(allow_null=True))
    def get_next_step(self, view):
        step = next_step_of(view.case)
        return NextStepSerializer(step).data if step else None


class LetterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    sent_on = serializers.DateField()
    deadline = serializers.DateField(allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    pdf_url = serializers.SerializerMethodField()

    def get_pdf_url(self, letter) -> str | None:
        from letters.selectors import letter_pdf_url

        return letter_pdf_url(letter)  # None until the letter is rendered: the record exists first


class CaseDetailSerializer(CaseSerializer):
    events = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()
    limitation_date = serializers.SerializerMethodField()

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, view):
        return EventSerializer(view.case.events.all(), many=True).data

    @extend_schema_field(LetterSerializer(many=True))
    def get_letters(self, view):
        return LetterSerializer(view.case.letters.all(), many=True).data

    def get_limitation_date(self, view) -> datetime.date:
        return selectors.case_limitation(view.case)


def parse_as_of(request) -> datetime.date | None:
    value = request.query_params.get("as_of")
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValidationError("as_of must be a date, YYYY-MM-DD", detail={"as_of": value}) from None


class CasePagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class CaseViewSet(viewsets.GenericViewSet):
    """Cases of the API client's creditor, with balances as of a date."""

    lookup_value_regex = r"[0-9]+"
    pagination_class = CasePagination
    serializer_class = CaseSerializer

    @extend_schema(parameters=[OpenApiParameter("as_of", OpenApiTypes.DATE), OpenApiParameter("stage", str)])
    def list(self, request):
        cases = selectors.case_list(stage=request.query_params.get("stage"))
        page = self.paginate_queryset(cases)
        views = selectors.with_balances(page, as_of=parse_as_of(request))
        return self.get_paginated_response(self.get_serializer(views, many=True).data)

    @extend_schema(responses=CaseDetailSerializer, parameters=[
        OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), OpenApiParameter("as_of", OpenApiTypes.DATE)])
    def retrieve(self, request, pk=None):
        view = selectors.case_with_balance(pk, as_of=parse_as_of(request))
        return Response(CaseDetailSerializer(view).data)
