"""`POST /api/v1/invoices/`: hand over invoices (and credit notes) as the ledger file would.

One invoice object or a list of up to `MAX_INVOICES`, with the ledger file's fields
(CONTRACT.md). They go through the ledger import's own checks and writes
(`intake.records.invoices_import`): all or nothing per request, and the same invoice sent
again changes nothing (`unchanged`). A rejected request answers 400 `invoices_rejected`
with one entry per problem, `index` pointing into the list sent (0 for a single object).
"""
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import Invoice
from core.errors import ValidationError
from intake.records import invoices_import
from intake.service import LedgerRejected

from .schema import ERROR, error_example

MAX_INVOICES = 1000
AMOUNT_HELP = 'A decimal string ("1250.50"), or a JSON number read exactly (never as a binary float)'


class InvoiceInSerializer(serializers.Serializer):
    """An invoice as the ledger file describes it (for the schema: `intake.rows` checks it)."""

    customer_number = serializers.CharField(max_length=50)
    customer_name = serializers.CharField(max_length=200)
    invoice_number = serializers.CharField(max_length=50)
    invoice_date = serializers.DateField()
    due_date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, help_text=(
        f"{AMOUNT_HELP}. Negative: a credit note, which names `credited_invoice`."))
    customer_type = serializers.ChoiceField(["company", "consumer"], required=False, help_text="Default consumer")
    identity_number = serializers.CharField(required=False, help_text="Organisationsnummer or personnummer")
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(required=False, max_length=40)
    address = serializers.CharField(required=False, max_length=200)
    postal_code = serializers.CharField(required=False, max_length=10)
    city = serializers.CharField(required=False, max_length=100)
    country = serializers.CharField(required=False, min_length=2, max_length=2, help_text="ISO 3166, default SE")
    language = serializers.ChoiceField(["sv", "en"], required=False, help_text="Default sv")
    currency = serializers.CharField(required=False, min_length=3, max_length=3, help_text="ISO 4217, default SEK")
    reminder_fee_agreed = serializers.BooleanField(required=False, help_text="The terms allow a reminder fee")
    open_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, help_text=(
        f"{AMOUNT_HELP}. What is still unpaid, default `amount`; lower than last sent: a direct payment; 0 closes "
        "the case as paid."))
    paid_on = serializers.DateField(required=False, help_text="With open_amount 0: the day it was paid")
    credited_invoice = serializers.CharField(required=False, help_text="A credit note's invoice")
    credited_on = serializers.DateField(required=False, help_text="A credit note's own date (default invoice_date)")
    vip = serializers.BooleanField(required=False, help_text="The creditor designates the customer a VIP")


class InvoiceResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The invoice's place in the list sent, from 0")
    invoice_number = serializers.CharField()
    result = serializers.ChoiceField(["created", "updated", "unchanged"])
    case = serializers.IntegerField(allow_null=True, help_text="Its case; null when it was paid before hand-over")


class InvoicesOutSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    invoices = InvoiceResultSerializer(many=True)


class RowProblemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    field = serializers.CharField(help_text="The field at fault; empty when the item is not an object")
    value = serializers.CharField(help_text="The value sent, cut to 40 characters")
    reason = serializers.CharField()
    code = serializers.CharField(help_text="amount, date, date_range, required, duplicate_invoice, unknown_field, "
                                           "type, not_an_object, … (as the ledger file's report)")


INVOICES_IN = PolymorphicProxySerializer(
    component_name="InvoicesIn", serializers=[InvoiceInSerializer, InvoiceInSerializer(many=True)],
    resource_type_field_name=None, many=False)
EXAMPLE = {"customer_number": "K-1001", "customer_name": "Anna Andersson", "invoice_number": "F-2026-0042",
           "invoice_date": "2026-10-01", "due_date": "2026-10-31", "amount": "1250.50", "customer_type": "consumer",
           "identity_number": "19800101-0001", "email": "anna@example.se", "reminder_fee_agreed": True}


def rejected(error: LedgerRejected) -> ValidationError:
    report = error.report
    rows = [{"index": p.row, "field": p.column, "value": p.value, "reason": p.reason, "code": p.code or "invalid"}
            for p in report.problems]
    return ValidationError(f"{report.rejected} of {report.rows} invoices rejected; nothing was stored",
                           code="invoices_rejected", detail={"rows": rows})


def _results(records: list[dict], outcomes: dict[int, str]) -> list[dict]:
    """What became of each invoice, with its case (a credit note's: the credited invoice's)."""
    indexes = sorted(outcomes)
    numbers = {index: records[index]["invoice_number"].strip() for index in indexes}
    credited = {index: (records[index].get("credited_invoice") or "").strip() for index in indexes}
    cases = dict(Invoice.objects.filter(invoice_number__in={*numbers.values(), *credited.values()} - {""})
                 .values_list("invoice_number", "case__id"))
    return [{"index": index, "invoice_number": numbers[index], "result": outcomes[index],
             "case": cases.get(numbers[index]) or cases.get(credited[index])} for index in indexes]


class InvoicesView(APIView):
    @extend_schema(
        operation_id="invoices_create", request=INVOICES_IN,
        description=__doc__, examples=[
            OpenApiExample("One invoice", value=EXAMPLE, request_only=True),
            OpenApiExample("Created", response_only=True, status_codes=["201"], value={
                "created": 1, "updated": 0, "unchanged": 0,
                "invoices": [{"index": 0, "invoice_number": "F-2026-0042", "result": "created", "case": 81}]}),
            error_example("Rejected", 400, "invoices_rejected", "1 of 2 invoices rejected; nothing was stored", {
                "rows": [{"index": 1, "field": "due_date", "value": "2026-09-01",
                          "reason": "is before the invoice date 2026-10-01", "code": "due_before_invoice"}]}),
            error_example("Too many", 400, "too_many", "at most 1000 invoices per request, not 1200",
                          {"count": 1200, "limit": 1000}),
        ],
        responses={
            201: OpenApiResponse(InvoicesOutSerializer, description="Stored: at least one invoice was created"),
            200: OpenApiResponse(InvoicesOutSerializer, description="Stored: every invoice was updated or unchanged"),
            400: OpenApiResponse(ERROR, description=(
                "`invoices_rejected` (detail.rows: index, field, value, reason, code; nothing stored), "
                "`too_many`, `empty`, `invalid` (the body is not an object or a list), `parse_error`, "
                "`import_time_limit`")),
            413: OpenApiResponse(ERROR, description="`too_large`: the body is larger than the server accepts"),
        })
    def post(self, request):
        if not isinstance(request.data, (list, dict)):
            raise ValidationError("the body is one invoice (an object) or a list of them", code="invalid")
        records = request.data if isinstance(request.data, list) else [request.data]
        if not records:
            raise ValidationError("the list holds no invoices", code="empty")
        if len(records) > MAX_INVOICES:
            raise ValidationError(f"at most {MAX_INVOICES} invoices per request, not {len(records)}",
                                  code="too_many", detail={"count": len(records), "limit": MAX_INVOICES})
        try:
            report = invoices_import(creditor=request.creditor, records=records, actor=request.user,
                                     name=f"API: {request.user.name}"[:255])
        except LedgerRejected as error:
            raise rejected(error) from None
        invoices = _results(records, report.outcomes)
        body = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                "invoices": invoices}
        return Response(body, status=201 if report.created else 200)
