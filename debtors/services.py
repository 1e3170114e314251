"""Writes about debtors: their identity numbers, checked against the customer type."""


from core.errors import ValidationError
from core.identity import ORGANISATION, parse_identity_number

from .models import CustomerType

CONTACT_FIELDS = ("email", "phone", "address", "postal_code", "city", "country", "language")


def clean_identity_number(value: str, customer_type: str) -> str:
    """The canonical identity number, checked against the customer type.

    A consumer must have a personal number; a company may have either (a sole trader's
    organisation number is the owner's personnummer).
    """
    if not value:
        return ""
    identity = parse_identity_number(value)
    if customer_type == CustomerType.CONSUMER and identity.kind == ORGANISATION:
        raise ValidationError(f"{value!r} is an organisation number, but the customer is a consumer")
    return identity.canonical
