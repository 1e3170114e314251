"""Money is `Decimal` end to end. One rounding rule: half-up to whole öre.

Amounts are stored as `DecimalField(max_digits=14, decimal_places=2)` next to a currency
code. Exact intermediate values (daily interest, say) stay unrounded until they are
posted, printed or paid; only then does `round_ore` apply.
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

ORE = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 14
DECIMAL_PLACES = 2
DEFAULT_CURRENCY = "SEK"


def round_ore(value: Decimal | int | str) -> Decimal:
    """Round half-up to öre. Refuses floats: a float has already lost the öre."""
    if isinstance(value, float):
        raise TypeError("money must not pass through float; use Decimal or str")
    return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


def parse_amount(text: str) -> Decimal:
    """Parse an amount as people write it in Sweden: `1234.50`, `1234,50`, `1 234,50`.

    Raises ValueError with the text when it is not an amount with at most two decimals.
    """
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        raise ValueError(f"ambiguous amount {text!r}: use either ',' or '.' as the decimal mark")
    cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    if value != value.quantize(ORE):
        raise ValueError(f"more than two decimals: {text!r}")
    return value.quantize(ORE)


def format_sek(value: Decimal) -> str:
    """`1 234,50` — the Swedish way, with a no-break space between thousands. An amount
    that rounds to zero is `0,00`, never `-0,00`."""
    rounded = round_ore(value)
    if not rounded:
        return "0,00"
    return f"{rounded:,.2f}".replace(",", "\u00a0").replace(".", ",")


class MoneyField(models.DecimalField):
    """A money amount: 14 digits, 2 decimals."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MAX_DIGITS)
        kwargs.setdefault("decimal_places", DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "core.money.MoneyField", args, kwargs


class CurrencyField(models.CharField):
    """An ISO 4217 currency code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("default", DEFAULT_CURRENCY)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "core.money.CurrencyField", args, kwargs
