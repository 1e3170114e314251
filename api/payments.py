"""The payment resource: what the creditor's cases were paid, and a payment the creditor received directly.

`POST /payments/` is the portal's "register a direct payment" (`payments.services.payment_register`,
source `direct`): the case named by its id or its OCR reference, the payment allocated as the
law says (costs, then interest, then principal; an overpayment kept for refund), and a case
paid in full closes. `GET /payments/` lists every payment of the creditor's, bank payments
and those not matched to a case yet (`matched: false`, an agent assigns them) included.
"""
import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from cases.models import Case, Payment, PaymentSource
from cases.stages import Stage
from core.errors import Conflict, NotFound, ValidationError
from core.money import ZERO
from payments.services import payment_register

from .fields import Id, Money, StrictSerializer, Text
from .params import StrictPageNumberPagination, bool_param
from .schema import ERROR, NOT_FOUND, error_example
from .sync import SyncMixin, list_response, sync_parameters

# A payment more than this far back is a typing error (the portal's form says the same).
OLDEST = datetime.timedelta(days=3650)


class PaymentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id", allow_null=True, help_text="null: not matched to a case yet")
    matched = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    paid_on = serializers.DateField()
    source = serializers.ChoiceField(PaymentSource.values)
    reference = serializers.CharField()
    ocr_reference = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_matched(self, payment) -> bool:
        return payment.case_id is not None


class AllocationSerializer(serializers.Serializer):
    fees = serializers.DecimalField(max_digits=14, decimal_places=2)
    interest = serializers.DecimalField(max_digits=14, decimal_places=2)
    principal = serializers.DecimalField(max_digits=14, decimal_places=2)
    overpayment = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="Kept for refund")


class PaymentCreatedSerializer(PaymentSerializer):
    allocation = serializers.SerializerMethodField()
    case_stage = serializers.CharField(source="case.stage", help_text="`closed` when the payment settled the case")

    @extend_schema_field(AllocationSerializer)
    def get_allocation(self, payment) -> dict:
        allocation = payment.allocation
        fees = sum((amount for _kind, amount in allocation.fees), ZERO)
        return AllocationSerializer({"fees": fees, "interest": allocation.interest, "principal": allocation.principal,
                                     "overpayment": allocation.overpayment}).data


class PaymentInSerializer(StrictSerializer):
    case = Id(required=False, help_text="The case's id; or give ocr_reference")
    ocr_reference = Text(required=False, max_length=25, help_text="The case's OCR reference; or give case")
    amount = Money()
    paid_on = serializers.DateField(help_text="The day the debtor paid: not after today, at most ten years back")
    reference = Text(required=False, max_length=100, allow_blank=True, default="",
                     help_text="Your reference: the same reference and day twice is refused (409)")

    def validate_paid_on(self, paid_on):
        today = timezone.localdate()
        if paid_on > today:
            raise serializers.ValidationError("A payment cannot have come in after today.")
        if paid_on < today - OLDEST:
            raise serializers.ValidationError("The day is more than ten years back; check it.")
        return paid_on

    def validate(self, data):
        if ("case" in data) == ("ocr_reference" in data):
            raise serializers.ValidationError({"case": ["Give the case or its ocr_reference, one of them."]})
        return data


def payment_queryset():
    return Payment.objects.all()


def _case_named(data: dict) -> Case:
    """The case the payment names; another creditor's is unknown here, as one that does not exist."""
    field, value = ("case", data["case"]) if "case" in data else ("ocr_reference", data["ocr_reference"].strip())
    case = Case.objects.select_related("invoice", "debtor").filter(**{"pk" if field == "case" else field: value}).first()
    if case is None:
        raise ValidationError("The request has invalid fields.", detail={field: ["No such case."]})
    return case


class PaymentPagination(StrictPageNumberPagination):
    pass


class PaymentViewSet(SyncMixin, viewsets.GenericViewSet):
    """The creditor's payments."""

    lookup_value_regex = r"[0-9]+"
    pagination_class = PaymentPagination
    serializer_class = PaymentSerializer

    def changed_at(self, payments):
        """A payment changes when it is registered; one matched to a case later (by an agent)
        changes that case (its payment event), not the payment's place here."""
        return payments.annotate(changed_at=F("created_at"))

    @extend_schema(parameters=[OpenApiParameter("matched", OpenApiTypes.BOOL), *sync_parameters()],
                   responses={200: list_response(PaymentSerializer, "Payment")})
    def list(self, request):
        payments = payment_queryset().order_by("paid_on", "id")
        matched = bool_param(request, "matched")
        if matched is not None:
            payments = payments.filter(case__isnull=not matched)
        return self.sync_or_page(payments)

    @extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
                   responses={200: PaymentSerializer, 404: OpenApiResponse(ERROR)}, examples=[NOT_FOUND])
    def retrieve(self, request, pk=None):
        payment = payment_queryset().filter(pk=pk).first()
        if payment is None:
            raise NotFound("No such payment.")
        return Response(PaymentSerializer(payment).data)

    @extend_schema(
        operation_id="payments_create", request=PaymentInSerializer,
        examples=[
            OpenApiExample("By OCR reference", request_only=True,
                           value={"ocr_reference": "100000000011", "amount": "500.00", "paid_on": "2026-11-20",
                                  "reference": "ERP-7781"}),
            error_example("Unknown case", 400, "invalid", "The request has invalid fields.",
                          {"case": ["No such case."]}),
            error_example("Closed case", 409, "case_closed", "The case is closed; a payment to it is an "
                          "overpayment the agency handles.", {"case": 81, "stage": "closed"}),
            error_example("Twice", 409, "duplicate_payment", "A payment with reference ERP-7781 on 2026-11-20 is "
                          "registered already.", {"reference": "ERP-7781", "paid_on": "2026-11-20"}),
        ],
        responses={
            201: PaymentCreatedSerializer,
            400: OpenApiResponse(ERROR, description="`invalid`: a field is missing or wrong, or names no case of yours "
                                                    "(another creditor's case is unknown here too)"),
            409: OpenApiResponse(ERROR, description="`case_closed`, `duplicate_payment`"),
        })
    def create(self, request):
        incoming = PaymentInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        case = _case_named(data)
        if case.stage == Stage.CLOSED:
            raise Conflict("The case is closed; a payment to it is an overpayment the agency handles.",
                           code="case_closed", detail={"case": case.pk, "stage": case.stage})
        try:
            with transaction.atomic():
                payment = payment_register(case=case, amount=data["amount"], paid_on=data["paid_on"],
                                           reference=data["reference"].strip(), actor=request.user)
        except IntegrityError:  # payment_unique_reference: this reference on this day is registered
            raise Conflict(f"A payment with reference {data['reference']} on {data['paid_on']} is registered already.",
                           code="duplicate_payment",
                           detail={"reference": data["reference"], "paid_on": data["paid_on"].isoformat()}) from None
        payment.case.refresh_from_db(fields=["stage"])
        return Response(PaymentCreatedSerializer(payment).data, status=201)
