"""The renderer fetches nothing but its own assets: hostile templates, hostile debtor text, hostile logos."""
import datetime
import io
import socket
import time

import pytest
from PIL import Image

from core.errors import ValidationError
from letters.design import letter_design_set
from letters.models import LetterStatus
from letters.pdf import RenderFailed, html_to_pdf, stylesheets
from letters.rendering import letter_render
from letters.sandbox import ASSET_ORIGIN, SandboxFetcher, logo_url
from letters.tasks import RENDER_SOFT_LIMIT
from tests.factories import make_case

from .conftest import make_letter
from .pdf_inspect import embedded_files, image_objects, images, pdf_text

PASSWD = "file:///etc/passwd"
METADATA = "http://169.254.169.254/latest/meta-data/"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection attempt is recorded and refused; every test asserts there was none."""
    attempts = []

    def connect(self, address):
        attempts.append(address)
        raise OSError("the letters tests allow no network")

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield attempts
    assert attempts == []


@pytest.fixture
def hostile_template(settings, tmp_path):
    """Put `body` in place of the Swedish collection demand's template."""
    def install(body: str):
        folder = tmp_path / "templates" / "letters" / "v1" / "sv"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "collection_demand.html").write_text(
            '{% extends "letters/v1/base.html" %}{% block body %}' + body + "{% endblock %}")
        engine = settings.TEMPLATES[0]
        settings.TEMPLATES = [{**engine, "DIRS": [tmp_path / "templates", *engine["DIRS"]]}]
    return install


def attachments_and_images(data: bytes) -> tuple[list[str], list[str]]:
    """The files embedded in the PDF, and the images drawn on its pages (each also the only image in the file)."""
    drawn = images(data)
    assert image_objects(data) == len(drawn)  # no image sits in the file undrawn
    return embedded_files(data), drawn


@pytest.mark.parametrize("body, refused", [
    (f'<img src="{PASSWD}">', PASSWD),
    (f'<link rel="stylesheet" href="{PASSWD}">', PASSWD),
    (f'<style>@import url("{METADATA}");</style>', METADATA),
    (f'<style>@import "{PASSWD}";</style>', PASSWD),
    ('<img src="http://169.254.169.254/">', "http://169.254.169.254/"),
    ('<div style="background: url(https://example.com/x.png)">x</div>', "https://example.com/x.png"),
    ('<img src="data:image/png;base64,iVBORw0KGgo=">', "data:image/png;base64,iVBORw0KGgo="),
    ('<img src="../../../../etc/passwd">', ASSET_ORIGIN + "etc/passwd"),
    ('<img src="/static/../../config/settings/base.py">', ASSET_ORIGIN + "config/settings/base.py"),
    ('<style>@font-face { font-family: X; src: url(file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf); }'
     ' p { font-family: X; }</style><p>x</p>', "file:///usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
])
def test_a_template_that_reaches_outside_is_refused_and_not_sent(claim_case, hostile_template, body, refused, tmp_path):
    hostile_template(body)
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    assert letter.status == LetterStatus.FAILED and not letter.pdf
    assert "the sandbox refused" in letter.render_error and refused[:60] in letter.render_error


def test_the_fetcher_itself_serves_only_the_allow_list():
    fetcher = SandboxFetcher(creditor_id=1, logo=b"png")
    assert fetcher.fetch(ASSET_ORIGIN + "static/fonts/DejaVuSans.ttf").read()[:4] == b"\x00\x01\x00\x00"
    assert fetcher.fetch(logo_url(1)).read() == b"png"
    for url in (logo_url(2), ASSET_ORIGIN + "static/css/fordra.css", ASSET_ORIGIN + "static/fonts/%2e%2e/x",
                ASSET_ORIGIN + "static/fonts/DejaVuSans.ttf?x=1", "file:///etc/passwd", "ftp://x/y",
                "https://letters.fordra.invalid.evil.com/static/fonts/DejaVuSans.ttf"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_attachment_links_embed_nothing(claim_case, hostile_template):
    hostile_template(f'<link rel="attachment" href="{ASSET_ORIGIN}static/fonts/DejaVuSans.ttf" title="font">'
                     f'<a rel="attachment" href="{PASSWD}">passwd</a><p>Hej</p>')
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    assert letter.status == LetterStatus.RENDERED  # the links were dropped before anything was fetched
    data = letter.pdf.read()
    attached, _ = attachments_and_images(data)
    assert attached == []
    assert "root:" not in pdf_text(data)


@pytest.mark.parametrize("css", [
    "p { font-size: 1e9px; }",
    "p { letter-spacing: 1e12px; word-spacing: 1e12px; }",
    "div { width: 1e30px; height: 1e30px; border: 1e20px solid red; padding: 1e25px; }",
    "p { line-height: 1e9; columns: 100000; }",
    "@page { size: 1e9px 1e9px; margin: 1e9px; }",
])
def test_huge_css_values_end_quickly_one_way_or_the_other(claim_case, hostile_template, css):
    hostile_template(f"<style>{css}</style><p>Hej</p><div>x</div>")
    started = time.monotonic()
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    assert time.monotonic() - started < RENDER_SOFT_LIMIT / 10  # a generous bound: the task's limit is far off
    assert letter.status in (LetterStatus.RENDERED, LetterStatus.FAILED)


def test_a_page_bomb_is_stopped_by_the_time_limit():
    html = "<style>p { break-after: page; }</style>" + "<p>x</p>" * 20000
    started = time.monotonic()
    with pytest.raises(RenderFailed, match="longer than|pages"):
        html_to_pdf(html, fetcher=SandboxFetcher(), css=stylesheets("v1", "standard"), seconds=2)
    assert time.monotonic() - started < 30


def test_debtor_text_is_printed_as_text_never_as_markup(scoped):
    from tests.factories import DebtorFactory

    debtor = DebtorFactory(creditor=scoped, name='<img src="http://169.254.169.254/">Eve & Co',
                           address=f'<link rel="attachment" href="{PASSWD}"><style>@import "{METADATA}";</style>',
                           postal_code="111 22", city="Stockholm")
    case = make_case(scoped, debtor=debtor)
    letter = letter_render(letter_id=make_letter(case).pk)
    assert letter.status == LetterStatus.RENDERED
    data = letter.pdf.read()
    text = " ".join(pdf_text(data).split())
    assert '<img src="http://169.254.169.254/">Eve & Co' in text.replace('"> Eve', '">Eve')
    assert "@import" in text
    assert attachments_and_images(data) == ([], [])  # no file, no image


def png(width=200, height=60, fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (29, 53, 87)).save(out, format=fmt)
    return out.getvalue()


def test_a_creditor_s_logo_is_printed_and_another_creditor_s_is_refused(scoped, claim_case, other_creditor,
                                                                       hostile_template):
    letter_design_set(creditor=scoped, logo=png())
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    assert letter.status == LetterStatus.RENDERED
    assert len(attachments_and_images(letter.pdf.read())[1]) == 1  # one image
    from core.tenancy import creditor_scope

    with creditor_scope(other_creditor):
        letter_design_set(creditor=other_creditor, logo=png(fmt="JPEG"))
    hostile_template(f'<img src="{logo_url(other_creditor.pk)}">')
    stolen = letter_render(letter_id=make_letter(claim_case).pk)
    assert stolen.status == LetterStatus.FAILED and logo_url(other_creditor.pk) in stolen.render_error


@pytest.mark.parametrize("data, message", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><image href='file:///etc/passwd'/></svg>", "not a readable"),
    (png(fmt="GIF"), "PNG or JPEG, not GIF"),
    (png(5000, 4000), "pixels"),
    (b"\x89PNG" + b"0" * (3 * 1024 * 1024), "bytes"),
])
def test_a_logo_that_is_not_a_plain_image_is_refused(scoped, data, message):
    with pytest.raises(ValidationError, match=message):
        letter_design_set(creditor=scoped, logo=data)
