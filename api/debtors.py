"""The debtor resource of the REST API (CONTRACT.md): its category, VIP designation and why.

`category_reasons` are sentences in the request's language (`Accept-Language: en`, else
Swedish). A PATCH sets `vip` (CONTRACT.md) and, as an extension, a manual `override`;
either reclassifies the debtor at once and its open cases follow the new ladder. `vip` is
a JSON boolean (not "yes", 1 or null); a field Fordra does not change here is a 400 naming it.
"""
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import get_language_from_request
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from cases.models import CaseEvent
from classification.services import CHANGED as CATEGORY_CHANGED
from classification.services import debtor_override, debtor_set_vip
from classification.texts import reasons_text
from core.errors import ValidationError
from debtors import selectors
from debtors.models import Category

from .params import StrictPageNumberPagination, bool_param, choice_param
from .schema import ACCEPT_LANGUAGE
from .sync import SyncMixin, list_response, sync_parameters


class OverrideSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=[Category.RISK, Category.NORMAL])
    until = serializers.DateField()
    note = serializers.CharField(max_length=500)


class DebtorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer_number = serializers.CharField()
    name = serializers.CharField()
    customer_type = serializers.CharField()
    identity_number = serializers.CharField()
    category = serializers.CharField()
    vip = serializers.BooleanField()
    category_reasons = serializers.SerializerMethodField()
    category_since = serializers.DateField(allow_null=True)
    override = serializers.SerializerMethodField()

    def get_category_reasons(self, debtor) -> list[str]:
        return reasons_text(debtor.category_reasons, self.context.get("language", "sv"))

    @extend_schema_field(OverrideSerializer(allow_null=True))
    def get_override(self, debtor) -> dict | None:
        if not debtor.override_category:
            return None
        return {"category": debtor.override_category, "until": debtor.override_until.isoformat(),
                "note": debtor.override_note}


class JSONBooleanField(serializers.BooleanField):
    """true or false in JSON; DRF's BooleanField would also take "yes", "on", 1 and "0"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class DebtorPatchSerializer(serializers.Serializer):
    vip = JSONBooleanField(required=False)
    override = OverrideSerializer(required=False, allow_null=True)


class DebtorPagination(StrictPageNumberPagination):
    pass


def _language(request) -> str:
    return "en" if get_language_from_request(request) == "en" else "sv"


class DebtorViewSet(SyncMixin, viewsets.GenericViewSet):
    """Debtors of the API client's creditor."""

    lookup_value_regex = r"[0-9]+"
    pagination_class = DebtorPagination
    serializer_class = DebtorSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": _language(self.request)}

    def changed_at(self, debtors):
        """A debtor changes when it is created and when its category changes (by the daily
        reclassification, a VIP designation or an override): that writes a
        `classification.category.changed` event on each of its open cases, so its changed
        time is the latest such event on any of its cases, or its creation. Contact details a
        later invoice brings are not counted: the ERP sent them itself."""
        latest = (CaseEvent.objects.filter(case__debtor=OuterRef("pk"), code=CATEGORY_CHANGED)
                  .order_by("-at").values("at")[:1])
        return debtors.annotate(changed_at=Greatest(F("created_at"), Coalesce(Subquery(latest), F("created_at"))))

    def changed_page(self, debtors, at, pk, limit):
        """Only a debtor created at `at` or later, or with a category change since, can have
        changed since: the changed time is worked out for those alone (the change events
        are found by their (creditor, time) index)."""
        recent = CaseEvent.objects.filter(code=CATEGORY_CHANGED, at__gte=at).values("case__debtor_id")
        return super().changed_page(debtors.filter(Q(created_at__gte=at) | Q(pk__in=recent)), at, pk, limit)

    @extend_schema(parameters=[OpenApiParameter("category", str, enum=Category.values),
                               OpenApiParameter("vip", OpenApiTypes.BOOL), *sync_parameters(), ACCEPT_LANGUAGE],
                   responses={200: list_response(DebtorSerializer, "Debtor")})
    def list(self, request):
        debtors = selectors.debtor_list(category=choice_param(request, "category", Category.values),
                                        vip=bool_param(request, "vip"))
        return self.sync_or_page(debtors)

    @extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), ACCEPT_LANGUAGE])
    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(selectors.debtor_get(pk)).data)

    @extend_schema(request=DebtorPatchSerializer, parameters=[OpenApiParameter("id", OpenApiTypes.INT,
                                                                               OpenApiParameter.PATH)])
    def partial_update(self, request, pk=None):
        debtor = selectors.debtor_get(pk)
        patch = DebtorPatchSerializer(data=request.data)
        patch.is_valid(raise_exception=True)
        unknown = set(request.data) - set(DebtorPatchSerializer().fields) if isinstance(request.data, dict) else set()
        if unknown:
            raise ValidationError(f"only vip and override can be changed here, not {', '.join(sorted(unknown))}",
                                  detail={field: ["cannot be changed"] for field in sorted(unknown)})
        if "override" in patch.validated_data:
            override = patch.validated_data["override"] or {"category": "", "until": None, "note": ""}
            debtor = debtor_override(debtor=debtor, actor=request.user, **override)
        if "vip" in patch.validated_data:
            debtor = debtor_set_vip(debtor=debtor, vip=patch.validated_data["vip"], actor=request.user)
        return Response(self.get_serializer(debtor).data)
