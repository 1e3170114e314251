"""The letters app, and what it tells an operator about WeasyPrint's font subsetting.

WeasyPrint subsets each letter's fonts with libharfbuzz-subset; without it (a machine
lacking the Debian package `libharfbuzz-subset0`) it falls back to fontTools, which makes
a letter about six times slower to render, and says so in a warning per font of every
letter (a seeded demo prints thousands) plus a DeprecationWarning at import. Fordra says
it once instead: the first fallback in a process logs `SLOW_SUBSETTING` on the `letters`
logger and the rest are dropped; `python3 dev.py up` prints the same line before it starts.
"""
import logging
import os
import warnings
from functools import lru_cache

from django.apps import AppConfig

SLOW_SUBSETTING = ("Letters will render about six times slower: the library libharfbuzz-subset0 is missing "
                   "(apt-get install libharfbuzz-subset0 fixes it).")
# Set by `dev.py up` for the commands it runs: it has printed SLOW_SUBSETTING already.
SLOW_SUBSETTING_NOTED = "FORDRA_SLOW_SUBSETTING_NOTED"
# The start of WeasyPrint's per-font warning (weasyprint/pdf/fonts.py, Font.subset).
_FALLBACK_WARNING = "Using fontTools instead of HarfBuzz-Subset"

warnings.filterwarnings("ignore", message="HarfBuzz-Subset will be required", category=DeprecationWarning)
# WeasyPrint parses its own stylesheets when first imported and logs each step at INFO; set here,
# before anything imports it, so that a process starts without three lines about it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@lru_cache(maxsize=1)
def font_subsetting_is_slow() -> bool:
    """WeasyPrint's own test in Font.subset: the library loaded (its own list of names) and HarfBuzz ≥ 4.1."""
    from weasyprint.text import ffi

    return ffi.harfbuzz_subset is None or not ffi.harfbuzz.hb_version_atleast(4, 1, 0)


def slow_subsetting_note() -> str:
    """SLOW_SUBSETTING when this machine renders letters slowly, else ''. `dev.py up` prints it."""
    return SLOW_SUBSETTING if font_subsetting_is_slow() else ""


class OneSlowSubsettingLine(logging.Filter):
    """On the `weasyprint` logger: the first fallback warning becomes one SLOW_SUBSETTING line on the
    `letters` logger (none when dev.py said it already); every fallback warning of WeasyPrint's is dropped."""

    def __init__(self):
        super().__init__()
        self.said = bool(os.environ.get(SLOW_SUBSETTING_NOTED))

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(_FALLBACK_WARNING):
            return True
        if not self.said:
            self.said = True
            logging.getLogger("letters").warning(SLOW_SUBSETTING)
        return False


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Letters"

    def ready(self):
        weasyprint = logging.getLogger("weasyprint")
        if not any(isinstance(f, OneSlowSubsettingLine) for f in weasyprint.filters):
            weasyprint.addFilter(OneSlowSubsettingLine())
        from . import event_texts  # noqa: F401  registers the timeline's sentences for letters' codes
