"""`POST /cases/{id}/pause`, `/resume`, `/withdraw`, `/dispute`: the portal's case actions for an ERP.

The same services (`dunning.holds`) and the same state checks as the portal's buttons
(portal/case_actions.py): a case whose stage forbids the action answers 409 with a code
saying why (`case_closed`, `case_on_hold`, `case_not_on_hold`, `dispute_undecided`), and
nothing changes. Each answers the case as `GET /cases/{id}/` does.

A dispute may come as `multipart/form-data` with a `document` (the debtor's letter, a delivery
note), checked and stored by `dunning.documents` in the dispute's transaction: a document
refused (its type, its size) leaves no dispute either. The JSON body stays as it was.
"""
from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from cases.selectors import case_get
from cases.services import case_note_add
from cases.stages import OPEN_STAGES, HoldReason, Stage
from core.errors import Conflict, ValidationError
from dunning import balances
from dunning.documents import MAX_BYTES, dispute_document_add
from dunning.holds import case_dispute, case_dispute_answer, case_pause, case_resume, case_withdraw

from .fields import StrictSerializer, Text
from .parsers import JSONParser
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


@extend_schema_field({"type": "string", "format": "binary"})
class DocumentField(serializers.FileField):
    """A file part of a multipart body (drf-spectacular would describe a FileField as the URL it reads as)."""


class DisputeFormSerializer(DisputeSerializer):
    """A dispute with a document, as `multipart/form-data`: the field `text` and the file `document`."""

    document = DocumentField(required=False, help_text=(
        f"A document for the dispute: a PDF, PNG or JPEG of at most {MAX_BYTES // (1024 * 1024)} MB (told by its "
        "bytes, not its name). An image is stored re-encoded, without its metadata."))


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
    if data.get("document") is not None:
        _document_add(case, data["document"], actor)


def _document_add(case, document, actor) -> None:
    """After the dispute, in its transaction: a refusal rolls the dispute back too."""
    try:
        if document.size > MAX_BYTES:  # refused before reading it into memory
            raise ValidationError(f"the file is {document.size} bytes; at most {MAX_BYTES} are accepted",
                                  code="file_too_large")
        dispute_document_add(case=case, name=document.name, data=document.read(), actor=actor)
    except ValidationError as error:
        raise ValidationError(f"document: {error.message}", code=error.code,
                              detail={"document": [error.message]}) from None


ACTIONS = {"pause": (PauseSerializer, _pause), "resume": (EmptySerializer, _resume),
           "withdraw": (WithdrawSerializer, _withdraw), "dispute": (DisputeSerializer, _dispute)}
CONFLICTS = {
    "pause": "`case_closed`, `case_on_hold`",
    "resume": "`case_not_on_hold`, `dispute_undecided` (an agent decides a dispute)",
    "withdraw": "`case_closed`",
    "dispute": "`case_closed`, `case_on_hold` (held for another reason: resume it first)",
}
# A body other than JSON, by action: its media type and serializer, and the parsers the route takes.
FORMS = {"dispute": ("multipart/form-data", DisputeFormSerializer)}
PARSERS = {name: [JSONParser, MultiPartParser] for name in FORMS}
BAD_INPUT = {
    "dispute": "`invalid`: a field is missing or wrong (detail names it: `text`, `document`). A document refused "
               "for what it holds answers the reason's code, detail naming `document`: `document_type` (not a PDF, "
               "PNG or JPEG), `file_too_large` (over 10 MB), `pdf_cut_short`, `image_too_large` (over 40 "
               "megapixels). Nothing of the dispute is stored then.",
}
REFUSED_EXAMPLES = {
    "dispute": [error_example("Document refused", 400, "document_type",
                              "document: a document is a PDF, PNG or JPEG; this file is none of them",
                              {"document": ["a document is a PDF, PNG or JPEG; this file is none of them"]})],
}
DESCRIPTIONS = {
    "dispute": ("JSON `{\"text\"}`, or `multipart/form-data` with `text` and an optional `document` file, which "
                "is kept with the case's dispute (the case's events say so). With a document, the dispute and the "
                "document are stored together or not at all. An `Idempotency-Key` counts the document's bytes and "
                "name: the same file again is a replay, another file a 422."),
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
    form_type, form_class = FORMS.get(name, (None, None))
    request_schema = {"application/json": serializer_class, form_type: form_class} if form_type else serializer_class

    @extend_schema(
        operation_id=f"cases_{name}", summary=SUMMARIES[name], description=DESCRIPTIONS.get(name),
        request=request_schema,
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH), ACCEPT_LANGUAGE],
        examples=[OpenApiExample(name, value=EXAMPLES[name], request_only=True), NOT_FOUND,
                  error_example("Refused", 409, "case_closed", "The case is closed.", {"stage": "closed"}),
                  *REFUSED_EXAMPLES.get(name, [])],
        responses={200: OpenApiResponse(response, description="The case after the action, as GET /cases/{id}/"),
                   400: OpenApiResponse(ERROR, description=BAD_INPUT.get(name, "`invalid`: a field is missing or "
                                                                                   "wrong")),
                   404: OpenApiResponse(ERROR, description="`not_found`: no such case of yours"),
                   409: OpenApiResponse(ERROR, description=CONFLICTS[name])})
    def method(self, request, pk=None):
        case = case_get(pk)
        reads_form = form_class is not None and (request.content_type or "").startswith(form_type)
        incoming = (form_class if reads_form else serializer_class)(data=request.data)
        incoming.is_valid(raise_exception=True)
        with transaction.atomic():
            act(case, incoming.validated_data, request.user)
        return Response(self.case_detail(balances.case_with_balance(case.pk)))

    method.__name__ = name
    return method
