"""Money is `Decimal` end to end. One rounding rule: half-up to whole öre.

Amounts are stored as `DecimalField(max_digits=14, decimal_places=2)` next to a currency
code. Exact intermediate values (daily interest, say) stay unrounded until they are
posted, printed or paid; only then does `round_ore` apply.
"""
import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Q

ORE = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_DIGITS = 14
DECIMAL_PLACES = 2
# The largest amount, either sign, a money column holds: every parser refuses more, and a
# CHECK (`bounded`) keeps any other path from storing it (SQLite would store it, and every
# page reading it back would fail).
MAX_AMOUNT = Decimal("999999999999.99")
# The largest claim (an invoice's amount) to take on: a claim grows by fees and interest, and
# its letters' totals and balances must stay within MAX_AMOUNT for as long as it is
# collected. A thousandfold margin is a century at the highest contractual rate a policy
# holds (999,99 % a year, simple interest); an invoice of MAX_AMOUNT made the first
# reminder's total overflow the letter's column, failing the creditor's daily cycle.
MAX_CLAIM_AMOUNT = Decimal("999999999.99")
DEFAULT_CURRENCY = "SEK"

# ASCII digits only ([0-9], not \d): Decimal() also reads Arabic-Indic and full-width digits,
# underscores, exponents, NaN and Infinity, none of which is an amount anyone wrote.
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SHOWN = 40


def round_ore(value: Decimal | int | str) -> Decimal:
    """Round half-up to öre. Refuses floats: a float has already lost the öre."""
    if isinstance(value, float):
        raise TypeError("money must not pass through float; use Decimal or str")
    return Decimal(value).quantize(ORE, rounding=ROUND_HALF_UP)


def parse_amount(text: str, *, limit: Decimal = MAX_AMOUNT) -> Decimal:
    """Parse an amount as people write it in Sweden: `1234.50`, `1234,50`, `1 234,50`, `-60,00`.

    Raises ValueError with the text when it is not an amount with at most two decimals
    (trailing zeros aside) within ±`limit` (at most MAX_AMOUNT; MAX_CLAIM_AMOUNT for a
    claim), written with the digits 0–9 and at most a leading sign: exponents, NaN,
    Infinity, `_` and other scripts' digits are refused.
    """
    cleaned = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        raise ValueError(f"ambiguous amount {_shown(text)}: use either ',' or '.' as the decimal mark")
    cleaned = cleaned.replace(",", ".")
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(_not_an_amount(text, cleaned))
    value = Decimal(cleaned)
    if abs(value) > min(limit, MAX_AMOUNT):  # before quantize, which fails past 28 digits
        largest = "the largest amount Fordra holds" if limit >= MAX_AMOUNT else "the largest amount taken here"
        raise ValueError(f"amount {_shown(text)} is beyond {format_sek(min(limit, MAX_AMOUNT))}, {largest}")
    if value != value.quantize(ORE):
        raise ValueError(f"more than two decimals: {_shown(text)}")
    return value.quantize(ORE)


def check_amount(value: Decimal) -> Decimal:
    """`value` when it is within ±MAX_AMOUNT; ValueError otherwise. For amounts a parser
    computes itself (BgMax öre, camt.054 XML) rather than reads with `parse_amount`."""
    if not value.is_finite() or abs(value) > MAX_AMOUNT:
        raise ValueError(f"amount {value} is beyond {format_sek(MAX_AMOUNT)}, the largest amount Fordra holds")
    return value


def _not_an_amount(text: str, cleaned: str) -> str:
    if any(char.isdigit() and not char.isascii() for char in cleaned):
        return f"not an amount: {_shown(text)} (write the digits 0-9)"
    if re.fullmatch(r"[+-]?[0-9.]+[eE][+-]?[0-9]+", cleaned):
        return f"not an amount: {_shown(text)} (an exponent; write the amount out)"
    return f"not an amount: {_shown(text)}"


def _shown(text: str) -> str:
    """The text for an error message, cut short: a file may hold a megabyte in one cell."""
    return repr(text) if len(text) <= _SHOWN else repr(text[:_SHOWN]) + "…"


def format_sek(value: Decimal) -> str:
    """`1 234,50` — the Swedish way, with a no-break space between thousands. An amount
    that rounds to zero is `0,00`, never `-0,00`."""
    rounded = round_ore(value)
    if not rounded:
        return "0,00"
    return f"{rounded:,.2f}".replace(",", "\u00a0").replace(".", ",")


def bounded(field: str, *, nullable: bool = False) -> models.CheckConstraint:
    """The CHECK that keeps a money column within ±MAX_AMOUNT, named `<app>_<model>_<field>_bounded`.

    PostgreSQL's numeric(14, 2) refuses more anyway (a DataError); SQLite stores any number
    in a decimal column, and Django then fails to read it back, so there this CHECK is all
    that stands between one bad write and a creditor's every page."""
    condition = Q(**{f"{field}__gte": -MAX_AMOUNT, f"{field}__lte": MAX_AMOUNT})
    if nullable:
        condition |= Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=f"%(app_label)s_%(class)s_{field}_bounded")


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
