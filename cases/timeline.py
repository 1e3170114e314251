"""The case timeline's words: one registry renders each event from its code and data, when shown.

An event stores what happened (`code`, `data`), not a sentence: the sentence is rendered
for its reader, in the reader's language (Swedish or English), so the portal, the API
and the admin say the same thing, and a better wording reaches old events too. Each app
registers the codes it writes in its own `event_texts` module, imported by its
`AppConfig.ready()` (README: "how to add an event code").

A text is a format string over the event's data — `{amount:sek}` is an amount
(`1 234,50` in Swedish, `1,234.50` in English), `{on:date}` a date (ISO in both) — or a
callable `(data) -> str` for the few sentences that need logic.

A stage change can say why it happened in the words of the app that caused it: its data
names a `why` code (`dunning.promise.lapsed`) whose sentence stands instead of the arrow
`Påminnelse → Vilande`.

`event_text` never raises: a code no one registered, or data that lacks what its
sentence needs, shows the text the row stored. So does a row that stored a sentence the
registry would not write today (an older wording, or words its writer chose): the trail
never shows less than was written. What a debtor received is not here: the letter
record keeps it, frozen.
"""
import datetime
import string
from collections.abc import Callable
from decimal import Decimal

from django.utils import translation

from core.money import format_sek, round_ore

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
TEXT_LENGTH = 500  # CaseEvent.text's max_length: a stored sentence was cut there

Text = str | Callable[[dict], str]

_TEXTS: dict[str, dict[str, Text]] = {}

# What a broken sentence raises: a key or an index missing, a value of the wrong type or shape.
RENDER_ERRORS = (KeyError, IndexError, TypeError, ValueError, ArithmeticError, AttributeError)


class UnknownEventCode(KeyError):
    """No app registered a text for this code."""


def register(code: str, *, sv: Text, en: Text) -> None:
    """The sentences of `code` in Swedish and English. Once per code: two apps writing one
    code is a mistake."""
    if code in _TEXTS:
        raise ValueError(f"event code {code!r} is registered twice")
    _TEXTS[code] = {"sv": sv, "en": en}


def registered() -> frozenset[str]:
    return frozenset(_TEXTS)


def language_of(value: str | None) -> str:
    """`en-GB` → `en`; anything Fordra does not speak → Swedish."""
    language = (value or "").strip().lower().replace("_", "-").split("-")[0]
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def format_amount(value, language: str = DEFAULT_LANGUAGE) -> str:
    """An amount stored as a string (`"1234.50"`): `1 234,50` in Swedish, `1,234.50` in English."""
    amount = Decimal(str(value))
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    if language == "en":
        rounded = round_ore(amount)
        return f"{rounded:,.2f}" if rounded else "0.00"
    return format_sek(amount)


def format_date(value) -> str:
    """A date stored as ISO text, checked: `2026-05-08` (Swedish and English readers alike)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return datetime.date.fromisoformat(str(value)).isoformat()


class _Formatter(string.Formatter):
    def __init__(self, language: str):
        self.language = language

    def format_field(self, value, format_spec: str) -> str:
        if format_spec == "sek":
            return format_amount(value, self.language)
        if format_spec == "date":
            return format_date(value)
        return super().format_field(value, format_spec)


_FORMATTERS = {language: _Formatter(language) for language in LANGUAGES}


def render(code: str, data: dict, language: str = DEFAULT_LANGUAGE) -> str:
    """The sentence of an event with `code` and `data`, in `language`. Raises `UnknownEventCode`
    or what the data lacks (`RENDER_ERRORS`): `event_text` is the caller that never raises."""
    language = language_of(language)
    try:
        text = _TEXTS[code][language]
    except KeyError:
        raise UnknownEventCode(code) from None
    # A sentence may use a model's choice label, which follows the active language: the
    # sentence's own language is made the active one while it is written.
    with translation.override(language):
        if callable(text):
            return text(data)
        return _FORMATTERS[language].vformat(text, (), data)


def event_text(event, language: str = DEFAULT_LANGUAGE) -> str:
    """What the timeline shows for `event` (a CaseEvent or anything with code, data and text)."""
    stored, language = event.text or "", language_of(language)
    if stored and language == DEFAULT_LANGUAGE:
        return stored  # the Swedish rendering, or words the registry would not write: shown as stored
    try:
        if stored and render(event.code, event.data, DEFAULT_LANGUAGE)[:TEXT_LENGTH] != stored:
            return stored
        return render(event.code, event.data, language)
    except RENDER_ERRORS:
        return stored
