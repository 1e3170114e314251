"""What every endpoint's documentation shares: the error body and its examples."""
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer("Error", fields={
    "code": serializers.CharField(help_text="What went wrong, for a program: `invalid`, `not_found`, …"),
    "message": serializers.CharField(help_text="What went wrong, for a person"),
    "detail": serializers.JSONField(allow_null=True, help_text="The fields or values at fault, when there are"),
})


def error_example(name: str, status: int, code: str, message: str, detail=None) -> OpenApiExample:
    return OpenApiExample(name, response_only=True, status_codes=[str(status)],
                          value={"code": code, "message": message, "detail": detail})


NOT_FOUND = error_example("Not found", 404, "not_found", "Not found.")

# The language of the sentences an answer holds (a case's events, a debtor's category reasons).
ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language", str, OpenApiParameter.HEADER, enum=["sv", "en"], description=(
        "The language of the answer's sentences (a case's `events[].text`, a debtor's `category_reasons`): "
        "`en` for English, else Swedish"))
