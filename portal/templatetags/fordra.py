from decimal import Decimal

from django import template
from django.utils import translation

from cases import timeline
from core.money import format_sek
from law.actions import Action

register = template.Library()


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
