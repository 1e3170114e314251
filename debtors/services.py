"""Writes about debtors."""
from django.db import transaction

from core.errors import ValidationError
from core.identity import ORGANISATION, parse_identity_number

from .models import CustomerType, Debtor, Language

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


@transaction.atomic
def debtor_upsert(*, creditor, customer_number: str, name: str, customer_type: str = CustomerType.CONSUMER,
                  identity_number: str = "", **contact) -> tuple[Debtor, bool]:
    """Create the debtor with this customer number, or update its name and contact."""
    if customer_type not in CustomerType.values:
        raise ValidationError(f"customer type {customer_type!r} must be one of {', '.join(CustomerType.values)}")
    if contact.get("language", Language.SV) not in Language.values:
        raise ValidationError(f"language {contact['language']!r} must be one of {', '.join(Language.values)}")
    unknown = set(contact) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError(f"unknown debtor fields: {', '.join(sorted(unknown))}")
    values = {
        "name": name.strip(),
        "customer_type": customer_type,
        "identity_number": clean_identity_number(identity_number, customer_type),
        **contact,
    }
    debtor, created = Debtor.objects.select_for_update().get_or_create(
        creditor=creditor, customer_number=customer_number, defaults=values
    )
    if not created:
        changed = [field for field, value in values.items() if getattr(debtor, field) != value]
        for field in changed:
            setattr(debtor, field, values[field])
        if changed:
            debtor.save(update_fields=changed)
    return debtor, created
