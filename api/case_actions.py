"""`POST /cases/{id}/pause`, `/resume`, `/withdraw`, `/dispute`: the portal's case actions for an ERP.

The same services (`dunning.holds`) and the same state checks as the portal's buttons
(portal/case_actions.py): a case whose stage forbids the action answers 409 with a code
saying why (`case_closed`, `case_on_hold`, `case_not_on_hold`, `dispute_undecided`), and
nothing changes. Each answers the case as `GET /cases/{id}/` does.
"""
from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from cases.selectors import case_get
from cases.services import case_note_add
from cases.stages import OPEN_STAGES, HoldReason, Stage
from core.errors import Conflict
from dunning import balances
from dunning.holds import case_dispute, case_dispute_answer, case_pause, case_resume, case_withdraw

from .fields import StrictSerializer, Text
from .schema import ACCEPT_LANGUAGE, ERROR, NOT_FOUND, error_example


class PauseSerializer(StrictSerializer):
    reason = Text(max_length=500, help_text="Why the case is paused (the timeline shows it)")
    until = serializers.DateField(required=False, allow_null=True, help_text=(
        "The day the case resumes by itself (after today); leave out to pause until you resume it"))


class WithdrawSerializer(StrictSerializer):
    reason = Text(max_length=500, required=False, allow_blank=True, default="")


class DisputeSerializer(StrictSerializer):
    text = Text(max_length=2000, help_text=(
        "What the debtor disputes, as you heard it; on a case already disputed, your answer for the agent"))


class EmptySerializer(StrictSerializer):
    pass


def _closed(case):
    return Conflict("The case is closed.", code="case_closed", detail={"stage": case.stage})


def _pause(case, data, actor):
    if case.stage not in OPEN_STAGES:
        if case.stage == Stage.CLOSED:
            raise _closed(case)
        raise Conflict("The case is on hold already; it cannot be paused.", code="case_on_hold",
                       detail={"stage": case.stage, "hold_reason": case.hold_reason})
    case_pause(case=case, on=timezone.localdate(), actor=actor, until=data.get("until"), note=data["reason"])


def _resume(case, data, actor):
    if case.stage != Stage.ON_HOLD:
        raise Conflict("The case is not on hold; there is nothing to resume.", code="case_not_on_hold",
                       detail={"stage": case.stage})
    if case.hold_reason == HoldReason.DISPUTE:
        raise Conflict("A disputed case resumes once an agent has decided the dispute.", code="dispute_undecided",
                       detail={"stage": case.stage, "hold_reason": case.hold_reason})
    case_resume(case=case, on=timezone.localdate(), actor=actor)


def _withdraw(case, data, actor):
    if case.stage == Stage.CLOSED:
        raise _closed(case)
    case = case_withdraw(case=case, on=timezone.localdate(), actor=actor)
    if data["reason"].strip():
        case_note_add(case=case, text=data["reason"].strip(), on=timezone.localdate(), actor=actor)


def _dispute(case, data, actor):
    today = timezone.localdate()
    answering = case.stage == Stage.ON_HOLD and case.hold_reason == HoldReason.DISPUTE
    if case.stage == Stage.CLOSED:
        raise _closed(case)
    if case.stage == Stage.ON_HOLD and not answering:
        raise Conflict(f"The case is on hold ({case.hold_reason}); resume it before registering a dispute.",
                       code="case_on_hold", detail={"stage": case.stage, "hold_reason": case.hold_reason})
    if answering:
        case_dispute_answer(case=case, on=today, text=data["text"], actor=actor)
    else:
        case_dispute(case=case, on=today, actor=actor, text=data["text"])


ACTIONS = {"pause": (PauseSerializer, _pause), "resume": (EmptySerializer, _resume),
           "withdraw": (WithdrawSerializer, _withdraw), "dispute": (DisputeSerializer, _dispute)}
CONFLICTS = {
    "pause": "`case_closed`, `case_on_hold`",
    "resume": "`case_not_on_hold`, `dispute_undecided` (an agent decides a dispute)",
    "withdraw": "`case_closed`",
    "dispute": "`case_closed`, `case_on_hold` (held for another reason: resume it first)",
}
SUMMARIES = {
    "pause": "Pause the case's ladder, until a day or until resumed",
    "resume": "Put a paused case back on its ladder where it stood",
    "withdraw": "Withdraw the claim: the case closes as withdrawn",
    "dispute": "Register the debtor's dispute (the case waits for an agent), or answer an open one",
}
EXAMPLES = {
    "pause": {"reason": "The customer is checking the delivery", "until": "2026-12-15"},
    "resume": {},
    "withdraw": {"reason": "Settled by a credit note"},
    "dispute": {"text": "The customer says the goods never arrived"},
}


def case_action(name: str, response):
    """The viewset method for action `name`, answering the case as `response` (api.cases registers them)."""
    serializer_class, act = ACTIONS[name]

    @extend_schema(
        operation_id=f"cases_{name}", summary=SUMMARIES[name], request=serializer_class,
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), ACCEPT_LANGUAGE],
        examples=[OpenApiExample(name, value=EXAMPLES[name], request_only=True), NOT_FOUND,
                  error_example("Refused", 409, "case_closed", "The case is closed.", {"stage": "closed"})],
        responses={200: OpenApiResponse(response, description="The case after the action, as GET /cases/{id}/"),
                   400: OpenApiResponse(ERROR, description="`invalid`: a field is missing or wrong"),
                   404: OpenApiResponse(ERROR, description="`not_found`: no such case of yours"),
                   409: OpenApiResponse(ERROR, description=CONFLICTS[name])})
    def method(self, request, pk=None):
        case = case_get(pk)
        incoming = serializer_class(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            act(case, incoming.validated_data, request.user)
        return Response(self.case_detail(balances.case_with_balance(case.pk)))

    method.__name__ = name
    return method
