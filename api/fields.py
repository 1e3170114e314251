"""Request fields read as strictly as the query parameters (api.params): JSON's types mean what they say."""
from decimal import Decimal

from rest_framework import serializers

from core.money import MAX_CLAIM_AMOUNT

# The largest id a client can send: PostgreSQL's bigint (past it SQLite and psycopg raise, not answer 400).
MAX_ID = 2 ** 63 - 1


class Money(serializers.DecimalField):
    """A positive amount in kronor and öre: a decimal string (`"1250.50"`) or a JSON number, which
    api.parsers reads as a Decimal; never a boolean (DRF would read `true` as the text "True")."""

    default_error_messages = {"type": 'Must be a decimal string such as "1250.50" or a number.'}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", MAX_CLAIM_AMOUNT)
        super().__init__(max_digits=14, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (str, int, Decimal)):
            self.fail("type")
        return super().to_internal_value(data)


class Id(serializers.IntegerField):
    """An object's id: a JSON integer from 1."""

    default_error_messages = {"type": "Must be a whole number (an id)."}

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("type")
        return super().to_internal_value(data)


class Text(serializers.CharField):
    """A JSON string (DRF's CharField would also take 42 and true as text)."""

    default_error_messages = {"type": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("type")
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """A body that is an object, and whose every field is one this endpoint reads: a typo
    (`"ammount"`) is a 400 naming it, not a field silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Not a field of this request."] for name in unknown})
        return super().to_internal_value(data)
