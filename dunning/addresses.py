"""The "address missing" work item, opened when a letter cannot reach the debtor, and closed
when an address is set.

A step whose letter cannot be delivered (no postal address, no agreed e-mail, or a letter
came back) is not taken: the case waits with an open `address_missing` queue item
(`dunning.steps`, `dunning.returns.letter_returned`). Adding an address closes the
debtor's open items and replans its cases, so the next daily cycle takes the step
(`debtor_address_set` for an agent, the portal or the API; `addresses_found` for the
ledger import).
"""
import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from cases.events import actor_label, log_event
from cases.models import Case
from core.errors import ValidationError
from debtors.models import Debtor

from .event_texts import ADDRESS_SET
from .hooks import queue_item_opened
from .models import Outcome, QueueItem, QueueKind
from .planning import case_replan
from .rows import queue_row

# What decides whether a letter reaches the debtor (Debtor.letters_deliverable).
ADDRESS_FIELDS = ("address", "postal_code", "city", "country", "email", "email_letters_agreed")


@transaction.atomic
def debtor_address_set(*, debtor: Debtor, on: datetime.date | None = None, actor=None, address: str | None = None,
                       postal_code: str | None = None, city: str | None = None, country: str | None = None,
                       email: str | None = None, email_letters_agreed: bool | None = None,
                       phone: str | None = None) -> Debtor:
    """Set the debtor's postal address and/or e-mail, and phone (None: leave as it is). The result must
    reach the debtor; the debtor's open "address missing" items close and its cases replan,
    so the step that waited is taken by the next daily cycle. Setting the same address again
    closes them too: an agent who checked that a returned letter's address is right."""
    debtor = Debtor.objects.select_for_update().get(pk=debtor.pk)
    values = {"address": address, "postal_code": postal_code, "city": city, "country": country, "email": email,
              "phone": phone}
    values = {name: value.strip() for name, value in values.items() if value is not None}
    if "country" in values:
        values["country"] = values["country"].upper()
        if len(values["country"]) != 2 or not values["country"].isalpha():
            raise ValidationError(f"country {values['country']!r} must be a two-letter code (SE)",
                                  detail={"field": "country"})
    if values.get("email"):
        try:
            validate_email(values["email"])
        except DjangoValidationError:
            raise ValidationError(f"{values['email']!r} is not an e-mail address", detail={"field": "email"}) from None
    if email_letters_agreed is not None:
        values["email_letters_agreed"] = bool(email_letters_agreed)
    for name, value in values.items():
        limit = Debtor._meta.get_field(name).max_length
        if limit and len(value) > limit:
            raise ValidationError(f"{name} is longer than {limit} characters", detail={"field": name})
        setattr(debtor, name, value)
    if not debtor.letters_deliverable:
        missing = [name for name in ("address", "postal_code", "city") if not getattr(debtor, name).strip()]
        raise ValidationError("a letter could still not reach the debtor: a postal address needs street, postal "
                              "code and city; e-mail needs an address and the debtor's agreement",
                              detail={"missing": missing})
    debtor.save(update_fields=list(values))
    addresses_found(debtors=[debtor], on=on, actor=actor, changed=list(values))
    return debtor


def address_missing_open(*, case, on: datetime.date, note: str, code: str, actor=None, data=None):
    """Open the case's "address missing" item, with `code` and `data` logged on the case,
    unless one is open already (then nothing). Returns the item opened, or None."""
    if QueueItem.objects.filter(case=case, kind=QueueKind.ADDRESS_MISSING, outcome="").exists():
        return None
    item = queue_item_opened(QueueItem.objects.create(
        **queue_row(case=case, kind=QueueKind.ADDRESS_MISSING, on=on, note=note)._asdict()))
    log_event(case=case, code=code, actor=actor, on=on, data={**(data or {}), "item": item.pk})
    return item


def addresses_found(*, debtors, on: datetime.date | None = None, actor=None, changed=()) -> int:
    """The debtors' addresses were set: close their cases' open "address missing" items (if a
    letter can now reach them) and replan those cases. One query when none is open; returns
    how many items closed. The caller holds the transaction."""
    reachable = [debtor.pk for debtor in debtors if debtor.letters_deliverable]
    if not reachable:
        return 0
    on = on or timezone.localdate()
    items = list(QueueItem.objects.select_for_update().filter(kind=QueueKind.ADDRESS_MISSING, outcome="",
                                                              case__debtor_id__in=reachable).order_by("pk"))
    if not items:
        return 0
    QueueItem.objects.filter(pk__in=[item.pk for item in items]).update(
        outcome=Outcome.ADDRESS_SET, decided_on=on, decided_by=actor_label(actor))
    cases = (Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",))
             .filter(pk__in={item.case_id for item in items}).order_by("pk"))
    for case in cases:
        log_event(case=case, code=ADDRESS_SET, actor=actor, on=on,
                  data={"fields": sorted(changed), "items": [item.pk for item in items if item.case_id == case.pk]})
        case_replan(case)
    return len(items)
