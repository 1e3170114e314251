"""Swedish formats in letters, whatever the letter's language: `1 234,50 kr`, `2026-11-23`, `10,00 %`."""
import datetime
from decimal import Decimal

from django import template

from core.money import format_sek

register = template.Library()


@register.filter
def kr(value) -> str:
    """`1 234,50 kr`; the space before `kr` is a no-break space so the amount never wraps."""
    if value in (None, ""):
        return ""
    return f"{format_sek(Decimal(str(value)))}\u00a0kr"


@register.filter
def amount(value) -> str:
    """`1 234,50` (a table column whose heading says kr)."""
    if value in (None, ""):
        return ""
    return format_sek(Decimal(str(value)))


@register.filter
def isodate(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return value.isoformat()


@register.filter
def percent(value) -> str:
    """`10,00 %`."""
    if value in (None, ""):
        return ""
    return f"{format_sek(Decimal(str(value)))}\u00a0%"
