"""HTML → PDF/A with WeasyPrint, inside the sandbox, within a time limit.

One FontConfiguration and one parsed stylesheet per variant live for the whole process:
the shipped fonts (static/fonts) are registered once, not per letter, which is most of
the cost of a small letter after layout. Only `Fordra Sans` / `Fordra Serif` are named in
the CSS, so the output does not depend on the machine's installed fonts.
"""
import contextlib
import logging
import signal
import threading
from functools import lru_cache

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .sandbox import ALLOWED_STATIC, ASSET_ORIGIN, SandboxFetcher

# PDF/A-2b: the archive grade; every font is embedded (subset), no attachments, sRGB output intent.
PDF_VARIANT = "pdf/a-2b"
# A letter is a few pages. More than this means a template went wrong; stop before writing.
MAX_PAGES = 12
# Seconds one letter may take to lay out and write; a simple letter takes well under 0.2 s.
RENDER_SECONDS = 20
# Pango and fontconfig behind the shared FontConfiguration are not thread-safe: two threads
# rendering at once abort the process. Threads of one process (a threaded web server, the
# cycle run in threads by a test) take turns; worker processes render side by side.
_RENDERING = threading.Lock()


class RenderFailed(Exception):
    """The letter could not be rendered; the message says why, for the letter's record."""


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=8)
def stylesheets(template_version: str, variant: str) -> tuple[CSS, ...]:
    """The parsed CSS for one template version and variant (fonts registered on the way)."""
    names = [f"letters/{template_version}/fonts.css", f"letters/{template_version}/letter.css",
             f"letters/{template_version}/variant-{variant}.css"]
    fetcher = SandboxFetcher()
    return tuple(CSS(url=ASSET_ORIGIN + "static/" + name, url_fetcher=fetcher, font_config=font_config())
                 for name in names if name in ALLOWED_STATIC)


class _Expired(BaseException):
    """Raised by the timer. A BaseException, so that WeasyPrint's own `except Exception`
    around fetching, fonts and images cannot swallow it."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise RenderFailed in the render if it runs past `seconds` (main thread only: where a
    worker renders). Elsewhere the Celery task's own time limit is the bound."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    armed = [True]

    def expired(signum, frame):
        if armed[0]:
            raise _Expired

    previous = signal.signal(signal.SIGALRM, expired)
    # Re-armed every 0.5 s after the first expiry, in case the first lands where it cannot act.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    except _Expired:
        raise RenderFailed(f"rendering took longer than {seconds:g} s") from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def html_to_pdf(html: str, *, fetcher: SandboxFetcher, css: tuple[CSS, ...] = (), identifier: bytes | None = None,
                seconds: float | None = None) -> bytes:
    """Render one letter's HTML to PDF/A bytes. Raises RenderFailed, also when the HTML asked
    for anything the sandbox refused: a letter with a resource missing is not sent."""
    try:
        with _RENDERING, time_limit(seconds or RENDER_SECONDS):
            document = HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=fetcher)
            _drop_attachment_links(document)
            rendered = document.render(font_config=font_config(), stylesheets=list(css), pdf_variant=PDF_VARIANT)
            if len(rendered.pages) > MAX_PAGES:
                raise RenderFailed(f"{len(rendered.pages)} pages; a letter has at most {MAX_PAGES}")
            rendered.metadata.attachments = []
            data = rendered.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier)
    except RenderFailed:
        raise
    except Exception as exc:  # WeasyPrint's errors on hostile CSS are arithmetic, overflow, recursion…
        raise RenderFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
    if fetcher.refused:
        raise RenderFailed("the sandbox refused " + ", ".join(url[:80] for url in fetcher.refused[:3]))
    return data


def _drop_attachment_links(document: HTML) -> None:
    """PDF/A-2 allows no embedded files, and a letter carries none: `rel=attachment` links go."""
    root = document.etree_element
    for element in list(root.iter()):
        if "attachment" in (element.get("rel") or "").lower().split():
            element.attrib.pop("href", None)
            element.attrib.pop("rel", None)


# WeasyPrint logs each rendering step at INFO; a print batch would fill the log with them.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
