from decimal import Decimal

from django import template
from django.utils import translation

from cases import timeline
from core.money import format_sek
from law.actions import Action
from portal.ledger_texts import failure_text

register = template.Library()


@register.filter
def ledger_failure(upload) -> str:
    """Why a worker's preview or import of a ledger file failed (portal.ledger_texts)."""
    return failure_text(upload)


@register.filter
def sek(value) -> str:
    """`1 234,50 kr`."""
    if value in (None, ""):
        return ""
    return f"{format_sek(Decimal(value))}\u00a0kr"


@register.filter
def add_money(a, b) -> Decimal:
    return Decimal(a) + Decimal(b)


@register.filter
def get(mapping, key):
    return mapping.get(key)


@register.filter
def action_label(action: str) -> str:
    return Action(action).label if action in Action.values() else action


@register.filter
def event_text(event, language: str | None = None) -> str:
    """A case event's sentence (`cases.timeline`), in the page's language."""
    return timeline.event_text(event, language or translation.get_language() or "sv")
