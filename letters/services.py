"""Letters written outside the daily cycle. (The cycle writes its letters in bulk: dunning.cycle.)"""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.events import log_event
from core.errors import ValidationError
from core.money import format_sek, round_ore

from .models import Letter, LetterKind
from .records import case_letter_values
from .tasks import letters_render_after_commit

MAX_INSTALMENTS = 36


@transaction.atomic
def letter_payment_plan_create(*, case, instalments: list[tuple[datetime.date, Decimal]],
                               sent_on: datetime.date | None = None, actor=None) -> Letter:
    """The letter that confirms a payment plan: the debt as of `sent_on` and its instalments,
    which must add up to that debt, on dates after `sent_on`, in order. Rendered after commit."""
    sent_on = sent_on or timezone.localdate()
    parts = [(datetime.date.fromisoformat(str(on)), round_ore(Decimal(str(amount)))) for on, amount in instalments]
    if not parts or len(parts) > MAX_INSTALMENTS:
        raise ValidationError(f"a payment plan has 1 to {MAX_INSTALMENTS} instalments", detail={"count": len(parts)})
    if any(amount <= 0 for _, amount in parts):
        raise ValidationError("every instalment is a positive amount")
    dates = [on for on, _ in parts]
    if dates != sorted(set(dates)) or dates[0] <= sent_on:
        raise ValidationError("instalment dates come after the letter's date, each after the one before",
                              detail={"dates": [d.isoformat() for d in dates]})
    values = case_letter_values(case=case, kind=LetterKind.PAYMENT_PLAN, sent_on=sent_on, deadline=dates[0])
    planned = sum((amount for _, amount in parts), Decimal("0.00"))
    if planned != values["total"]:
        raise ValidationError(f"the instalments add up to {format_sek(planned)} kr; the debt is "
                              f"{format_sek(values['total'])} kr",
                              detail={"instalments": str(planned), "debt": str(values["total"])})
    values["amounts"]["instalments"] = [{"due_on": on.isoformat(), "amount": str(amount)} for on, amount in parts]
    letter = Letter.objects.create(**values)
    log_event(case=case, code="letters.payment_plan.created", actor=actor, on=sent_on,
              text=f"Avbetalningsplan: {len(parts)} delbetalningar, {format_sek(planned)} kr",
              data={"letter": letter.pk, "instalments": values["amounts"]["instalments"]})
    letters_render_after_commit(creditor_id=case.creditor_id)
    return letter
