"""The renderer's only way out: a URL fetcher that serves an allow-list and refuses the rest.

Letters are rendered with the base URL `ASSET_ORIGIN` (a `.invalid` host, which never
resolves). Two kinds of URL under it are served, from this process, never from a network:

- `static/<name>`: a file the project ships for letters (`static/fonts/*.ttf`,
  `static/letters/**/*.css`), matched by exact name against a list made at import time,
  so `..`, encoded slashes and everything else under `static/` are refused;
- `logo/<creditor id>.png`: the stored logo of the creditor whose letter is rendered.
  Another creditor's logo is refused like a file that does not exist.

Everything else — `file:`, `http(s):` anywhere else, `data:`, `ftp:` — raises
`AssetRefused`, which WeasyPrint turns into a warning and a missing resource. The refused
URLs are kept on the fetcher so tests and logs can see what a template tried.
"""
import mimetypes
from pathlib import Path

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_ORIGIN = "https://letters.fordra.invalid/"
STATIC_DIR = Path(settings.BASE_DIR) / "static"
ALLOWED_STATIC = {
    path.relative_to(STATIC_DIR).as_posix(): path
    for pattern in ("fonts/*.ttf", "letters/**/*.css")
    for path in sorted(STATIC_DIR.glob(pattern))
}
_MEDIA_TYPES = {".ttf": "font/ttf", ".css": "text/css", ".png": "image/png"}


class AssetRefused(ValueError):
    """A letter asked for something outside the allow-list."""


def _static_bytes(name: str, _cache: dict[str, bytes] = {}) -> bytes:  # noqa: B006 - a process-wide cache
    if name not in _cache:
        _cache[name] = ALLOWED_STATIC[name].read_bytes()
    return _cache[name]


class SandboxFetcher(URLFetcher):
    """Serves the allow-listed assets and `logo` (the creditor's stored logo bytes, or None)."""

    def __init__(self, *, creditor_id: int | None = None, logo: bytes | None = None):
        super().__init__(allowed_protocols=("https",), allow_redirects=False)
        self.creditor_id = creditor_id
        self.logo = logo
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        try:
            body, media_type = self._lookup(url)
        except AssetRefused:
            self.refused.append(url)
            raise
        self.served.append(url)
        return URLFetcherResponse(url, body, {"Content-Type": media_type})

    def _lookup(self, url: str) -> tuple[bytes, str]:
        if not url.startswith(ASSET_ORIGIN) or "?" in url or "#" in url:
            raise AssetRefused(f"letters fetch nothing from outside: {url[:200]}")
        path = url[len(ASSET_ORIGIN):]
        if path.startswith("static/") and path[len("static/"):] in ALLOWED_STATIC:
            name = path[len("static/"):]
            return _static_bytes(name), _MEDIA_TYPES.get(Path(name).suffix) or mimetypes.guess_type(name)[0]
        if self.logo and self.creditor_id is not None and path == logo_path(self.creditor_id):
            return self.logo, "image/png"
        raise AssetRefused(f"not an asset letters may use: {url[:200]}")


def logo_path(creditor_id: int) -> str:
    return f"logo/{creditor_id}.png"


def logo_url(creditor_id: int) -> str:
    return ASSET_ORIGIN + logo_path(creditor_id)
