"""The policy resource: each category's ladder (`risk`, `normal`, `vip`), read and replaced whole.

`PUT /policies/{category}/` takes the whole ladder, in order. It is checked against the law
(`dunning.services.ladder_violations`, as the portal's policy editor) and stored by
`policy_replace_steps`; a ladder that breaks a rule answers 400 `policy_unlawful` with one
entry per broken rule, naming the step, the field it is about, the rule's code and why, and
nothing changes. A saved ladder replans the category's open cases (a large category's in a
worker, a minute or so; until then the daily cycle plans each case it takes from the new ladder).
"""
from decimal import Decimal

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from core.errors import NotFound, ValidationError
from debtors.models import Category
from dunning.models import MAX_CALL_RETRIES, Anchor, Policy
from dunning.selectors import ladders_by_category
from dunning.services import ladder_violations, policy_replace_steps
from law.actions import Action

from .fields import StrictSerializer
from .schema import ERROR, NOT_FOUND, error_example

# The field a broken rule is about, by its code's first part (as the portal shows it: portal.policy_forms).
RULE_FIELD = {"fee": "fee_amount", "term": "term_days", "approval": "requires_approval", "order": "action"}
MAX_STEPS = 20
MAX_DAYS = 365


class StepSerializer(StrictSerializer):
    number = serializers.IntegerField(read_only=True, help_text="1, 2, 3 … in the order given")
    action = serializers.ChoiceField(Action.values())
    anchor = serializers.ChoiceField(Anchor.values, help_text=(
        "`due_date`: offset_days after the due date; `previous_deadline`: after the previous step's last day"))
    offset_days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS)
    term_days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS, default=0,
                                         help_text="The payment term the step's letter gives")
    fee_amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=Decimal("0.00"),
                                          help_text="Within the law's cap for the action")
    requires_approval = serializers.BooleanField(default=False, help_text="An agent approves the step first")
    call_retries = serializers.IntegerField(min_value=0, max_value=MAX_CALL_RETRIES, default=2,
                                            help_text="A phone call: how often an unanswered call is tried again")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            for name in ("requires_approval",):
                if name in data and not isinstance(data[name], bool):
                    raise serializers.ValidationError({name: ["Must be true or false."]})
        return super().to_internal_value(data)


class PolicySerializer(serializers.Serializer):
    category = serializers.ChoiceField(Category.values)
    steps = StepSerializer(many=True)


class LadderInSerializer(StrictSerializer):
    steps = StepSerializer(many=True, allow_empty=True, max_length=MAX_STEPS)


class ViolationSerializer(serializers.Serializer):
    step = serializers.IntegerField(allow_null=True, help_text="null: the rule is about the ladder as a whole")
    field = serializers.CharField(allow_null=True)
    rule = serializers.CharField(help_text="The rule's code: fee.cap.reminder, term.collection_demand.min, …")
    message = serializers.CharField()


FIELDS = ("action", "anchor", "offset_days", "term_days", "fee_amount", "requires_approval", "call_retries")


def _step(step) -> dict:
    return {"number": step.number, **{name: getattr(step, name) for name in FIELDS}}


def _policy(category: str) -> Policy:
    policy = Policy.objects.filter(category=category).first() if category in Category.values else None
    if policy is None:
        raise NotFound("No such policy: the categories are risk, normal and vip.")
    return policy


class PolicyViewSet(viewsets.GenericViewSet):
    """The creditor's ladders, one per debtor category."""

    lookup_field = "category"
    lookup_value_regex = r"[a-z]+"
    serializer_class = PolicySerializer
    pagination_class = None

    def _answer(self, category: str) -> dict:
        steps = ladders_by_category().get(category, [])
        return PolicySerializer({"category": category, "steps": [_step(s) for s in steps]}).data

    @extend_schema(responses=PolicySerializer(many=True))
    def list(self, request):
        return Response([self._answer(policy.category) for policy in Policy.objects.order_by("category")])

    @extend_schema(parameters=[OpenApiParameter("category", str, OpenApiParameter.PATH, enum=Category.values)],
                   responses={200: PolicySerializer, 404: OpenApiResponse(ERROR)}, examples=[NOT_FOUND])
    def retrieve(self, request, category=None):
        return Response(self._answer(_policy(category).category))

    @extend_schema(
        operation_id="policies_replace", request=LadderInSerializer,
        parameters=[OpenApiParameter("category", str, OpenApiParameter.PATH, enum=Category.values)],
        examples=[
            OpenApiExample("Reminder, then collection demand", request_only=True, value={"steps": [
                {"action": "reminder", "anchor": "due_date", "offset_days": 10, "term_days": 10, "fee_amount": "60.00"},
                {"action": "collection_demand", "anchor": "previous_deadline", "offset_days": 1, "term_days": 10,
                 "fee_amount": "180.00"}]}),
            error_example("Against the law", 400, "policy_unlawful", "Step 1 breaks fee.cap.reminder_fee.", [
                {"step": 1, "field": "fee_amount", "rule": "fee.cap.reminder_fee",
                 "message": "a reminder fee is at most 60.00 kr"}]),
            NOT_FOUND,
        ],
        responses={200: PolicySerializer,
                   400: OpenApiResponse(ERROR, description=(
                       "`policy_unlawful` (detail: [{step, field, rule, message}], nothing stored), `invalid`")),
                   404: OpenApiResponse(ERROR, description="`not_found`: no such category")})
    def update(self, request, category=None):
        policy = _policy(category)
        incoming = LadderInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        steps = [{"number": number, **step} for number, step in enumerate(incoming.validated_data["steps"], start=1)]
        violations = ladder_violations(steps)
        if violations:
            detail = [{"step": v.step, "field": RULE_FIELD.get(v.rule.split(".")[0]), "rule": v.rule,
                       "message": v.message} for v in violations]
            first = violations[0]
            raise ValidationError(f"{'Step %s' % first.step if first.step else 'The ladder'} breaks {first.rule}"
                                  f"{f' and {len(violations) - 1} more rules' if len(violations) > 1 else ''}: "
                                  f"{first.message}", code="policy_unlawful", detail=detail)
        policy_replace_steps(policy=policy, steps=steps, actor=request.user)
        return Response(self._answer(policy.category))
