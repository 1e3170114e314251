"""Webhook endpoints over the API: register, list, change, remove; see deliveries; replay an event.

The secret (`whsec_…`, Standard Webhooks) is in the answer to the POST that creates the
endpoint, or rotates its secret, and never again. Events, their bodies and how to verify a
signature: the docs page.
"""
import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import ValidationError
from creditors.audit import request_ip
from webhooks import selectors
from webhooks.events import EVENT_TYPES
from webhooks.services import (
    DEFAULT_GRACE,
    MAX_GRACE,
    endpoint_create,
    endpoint_delete,
    endpoint_secret_rotate,
    endpoint_update,
    event_replay,
)

from .fields import StrictSerializer
from .schema import ERROR, NOT_FOUND, error_example

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
EVENT_ID = OpenApiParameter("event_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class EndpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES))
    active = serializers.BooleanField()
    description = serializers.CharField()
    created_at = serializers.DateTimeField()
    previous_secret_expires_at = serializers.DateTimeField(
        source="previous_secret_until", allow_null=True, help_text=(
            "After a rotation: until when the replaced secret signs too (each delivery then carries both "
            "signatures); null when only the current secret signs."))


class EndpointCreatedSerializer(EndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret, shown only in this answer.")


HOUR = datetime.timedelta(hours=1)
MAX_GRACE_HOURS = MAX_GRACE // HOUR
GRACE_RANGE = f"a whole number of hours from 0 (the old secret stops at once) to {MAX_GRACE_HOURS} (7 days)"


class GraceHours(serializers.IntegerField):
    """A JSON integer (DRF would take "24", 24.0 and true too)."""

    default_error_messages = {name: f"Must be {GRACE_RANGE}." for name in ("type", "null", "min_value", "max_value")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("type")
        return super().to_internal_value(data)


class RotateInputSerializer(StrictSerializer):
    """A secret rotation's grace period. The body may be empty: a day's grace."""

    grace_hours = GraceHours(min_value=0, max_value=MAX_GRACE_HOURS, required=False,
                             default=DEFAULT_GRACE // HOUR, help_text=(
                                 "How long the old secret keeps signing beside the new one, in hours: 0 stops it "
                                 f"at once; at most {MAX_GRACE_HOURS} (7 days). Default {DEFAULT_GRACE // HOUR}."))


class StrictBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class EndpointInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="https://, on a public address")
    events = serializers.ListField(child=serializers.ChoiceField(choices=EVENT_TYPES), allow_empty=False)
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = StrictBooleanField(required=False)


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event_id = serializers.IntegerField()
    webhook_id = serializers.CharField(source="event.webhook_id")
    type = serializers.CharField(source="event.type")
    state = serializers.ChoiceField(choices=["pending", "delivered", "failed"])
    attempts = serializers.IntegerField()
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    last_status = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    failed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


def _actor(request) -> dict:
    """The API client acts (its name goes in the audit trail), from the request's address."""
    return {"actor": request.auth, "ip": request_ip(request)}


def _input(request, *, partial: bool) -> dict:
    if not isinstance(request.data, dict):
        raise ValidationError("the body is a JSON object", code="invalid")
    unknown = set(request.data) - set(EndpointInputSerializer().fields)
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(sorted(unknown))}",
                              detail={name: ["unknown field"] for name in sorted(unknown)})
    given = EndpointInputSerializer(data=request.data, partial=partial)
    given.is_valid(raise_exception=True)
    return given.validated_data


CREATED_EXAMPLE = OpenApiExample("Created", response_only=True, status_codes=["201"], value={
    "id": 7, "url": "https://erp.example.com/fordra/webhooks", "events": ["case.closed", "payment.allocated"],
    "active": True, "description": "ERP", "created_at": "2026-12-03T09:00:00+01:00",
    "previous_secret_expires_at": None, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})


VERIFYING = """Register a URL and the events it hears; the answer holds the endpoint's `secret`,
shown only here.

**Events**: `case.stage_changed` `{case, from, to, reason, on}`, `case.closed` `{case,
closed_reason, on}`, `letter.sent` `{letter, case, kind, sent_on, deadline, total, currency,
ocr_reference}`, `payment.allocated` `{payment, case, amount, currency, paid_on, source,
allocation {fees, interest, principal, overpayment}}`, `debtor.category_changed` `{debtor, from,
to, on}`, `queue.item_created` `{queue_item, case, kind, due_on}`. Each is written in the
transaction of the change: an event is sent only for a change that was stored.

**Delivery**: a POST of `{"type", "timestamp", "data"}` with the headers `webhook-id`,
`webhook-timestamp` and `webhook-signature` of the
[Standard Webhooks](https://www.standardwebhooks.com/) specification: `v1,` and the base64
HMAC-SHA256, keyed with the base64-decoded part of the secret after `whsec_`, of
`{webhook-id}.{webhook-timestamp}.{body}`. Verify it with a Standard Webhooks library, e.g. in
Python `standardwebhooks.Webhook(secret).verify(body, headers)`, and refuse a timestamp more
than five minutes off. Answer 2xx to acknowledge. Anything else (a 3xx too: redirects are not
followed) is retried after 5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h, for three days; then
the delivery is marked failed. An event may come twice: tell by `webhook-id`.

**Rotating the secret**: `POST /webhooks/{id}/rotate-secret` answers a new secret. For a grace
period (24 hours unless you say otherwise) the old secret signs too, and `webhook-signature`
holds both signatures, space-separated (`v1,<new> v1,<old>`): a Standard Webhooks library
verifying with either secret accepts the message, so you can switch without losing an event.

**Addresses**: `https://` on a public address. A host that is, or resolves to, a loopback,
private, link-local, shared, multicast, reserved or unspecified address (IPv4 or IPv6) is
refused with `url_private`, here and again at every delivery."""


ROTATING = """A new signing secret for the endpoint, in this answer's `secret` and never again: for a
secret that leaked or that someone who left knew.

For `grace_hours` (default 24; 0 to 168) the old secret keeps signing beside the new one: each
delivery carries both signatures in `webhook-signature`, space-separated (`v1,<new> v1,<old>`), as
the Standard Webhooks specification allows, so a receiver verifying with either secret accepts it
while you put the new one in place. `previous_secret_expires_at` says when the old one stops;
after it only the new secret signs. With `grace_hours` 0 the old secret stops at once. Rotating
again during a grace period makes the secret in use the old one, with the new grace; the one
before it stops at once. Send an `Idempotency-Key`: a retry then gets this same answer, with the
same secret, and rotates nothing."""

ROTATED_EXAMPLE = OpenApiExample("Rotated", response_only=True, status_codes=["200"], value={
    "id": 7, "url": "https://erp.example.com/fordra/webhooks", "events": ["case.closed", "payment.allocated"],
    "active": True, "description": "ERP", "created_at": "2026-12-03T09:00:00+01:00",
    "previous_secret_expires_at": "2026-12-04T10:30:00+01:00",
    "secret": "whsec_q3F0mZ1o5Q0cQm8Yb3mA0l2nR3k7sVwXyZ4pTg6uHjE="})


class WebhookEndpointViewSet(viewsets.GenericViewSet):
    """The API client's creditor's webhook endpoints. `replay` and `rotate_secret` are routed in
    api.urls (no trailing slash, as the case actions)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = EndpointSerializer
    pagination_class = None

    def list(self, request):
        """The creditor's webhook endpoints (their secrets are not shown again)."""
        return Response(EndpointSerializer(selectors.endpoint_list(), many=True).data)

    @extend_schema(request=EndpointInputSerializer, responses={201: EndpointCreatedSerializer},
                   description=VERIFYING, examples=[OpenApiExample("Register", request_only=True, value={
                       "url": "https://erp.example.com/fordra/webhooks", "events": ["case.closed", "payment.allocated"],
                       "description": "ERP"}), CREATED_EXAMPLE])
    def create(self, request):
        """Register a webhook endpoint."""
        data = _input(request, partial=False)
        endpoint, secret = endpoint_create(creditor=request.auth.creditor, **data, **_actor(request))
        return Response({**EndpointSerializer(endpoint).data, "secret": secret}, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID])
    def retrieve(self, request, pk=None):
        """One webhook endpoint."""
        return Response(EndpointSerializer(selectors.endpoint_get(pk)).data)

    @extend_schema(parameters=[ID], request=EndpointInputSerializer)
    def partial_update(self, request, pk=None):
        """Change an endpoint's URL, events, description or `active`. Deliveries already written
        keep going to it."""
        endpoint = selectors.endpoint_get(pk)
        endpoint = endpoint_update(endpoint=endpoint, **_input(request, partial=True), **_actor(request))
        return Response(EndpointSerializer(endpoint).data)

    @extend_schema(parameters=[ID], responses={204: None})
    def destroy(self, request, pk=None):
        """Remove an endpoint and its deliveries."""
        endpoint_delete(endpoint=selectors.endpoint_get(pk), **_actor(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[ID, OpenApiParameter("state", str, enum=["failed"])],
                   responses=DeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The endpoint's latest 50 deliveries (`?state=failed`: the failed ones), newest first."""
        endpoint = selectors.endpoint_get(pk)
        failed = request.query_params.get("state") == "failed"
        return Response(DeliverySerializer(selectors.deliveries_recent(endpoint, failed=failed), many=True).data)

    @extend_schema(parameters=[ID, EVENT_ID], request=None, responses={202: DeliverySerializer})
    def replay(self, request, pk=None, event_id=None):
        """Send the event to the endpoint again: a new delivery, with the event's own `webhook-id`."""
        endpoint = selectors.endpoint_get(pk)
        delivery = event_replay(endpoint=endpoint, event=selectors.event_get(event_id), **_actor(request))
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[ID], request=RotateInputSerializer, description=ROTATING,
        responses={200: EndpointCreatedSerializer,
                   400: OpenApiResponse(ERROR, description="`invalid`: `grace_hours` is not a whole number from 0 "
                                                           "to 168, or the body has another field"),
                   404: OpenApiResponse(ERROR, description="`not_found`: no such webhook endpoint of yours")},
        examples=[OpenApiExample("A day of grace", request_only=True,
                                 value={"grace_hours": 24}),
                  OpenApiExample("The old secret stops at once", request_only=True,
                                 value={"grace_hours": 0}),
                  ROTATED_EXAMPLE, NOT_FOUND,
                  error_example("Grace out of range", 400, "invalid", "The request has invalid fields.",
                                {"grace_hours": [f"Must be {GRACE_RANGE}."]})])
    def rotate_secret(self, request, pk=None):
        """Rotate the endpoint's signing secret, the old one signing too for a grace period."""
        endpoint = selectors.endpoint_get(pk)
        given = RotateInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        endpoint, secret = endpoint_secret_rotate(endpoint=endpoint, grace=given.validated_data["grace_hours"] * HOUR,
                                                  **_actor(request))
        return Response({**EndpointSerializer(endpoint).data, "secret": secret})
