"""The PDF inspectors the letter tests rely on see each thing they are asked about.

Each case takes a real letter page and changes one thing with pypdf — an embedded file, a
font no longer embedded or no longer subset, no XMP packet, an image nobody draws — and
checks that the inspector reports it, so that a letter with that fault fails its test.
"""
import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject, TextStringObject

from letters.pdf import html_to_pdf, stylesheets
from letters.sandbox import SandboxFetcher

from .pdf_inspect import embedded_files, fonts, image_objects, images, page_sizes, pdf_text, pdfa_identification

PAGE = ("<p>Kapitalbelopp <span style='float: right'>12 345,50</span></p>"
        "<p><b>Betala senast</b> 2026-12-07</p>")


@pytest.fixture(scope="module")
def page() -> bytes:
    return html_to_pdf(PAGE, fetcher=SandboxFetcher(), css=stylesheets("v1", "standard"))


def changed(data: bytes, change) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def descriptors(writer: PdfWriter):
    for font in writer.pages[0]["/Resources"]["/Font"].values():
        yield font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()


def test_a_plain_letter_page_reads_as_it_is(page):
    assert pdfa_identification(page) == {"part": "2", "conformance": "B"}
    used = fonts(page)
    assert {font.name.split("+")[1] for font in used} == {"Fordra-Sans", "Fordra-Sans-Bold"}
    assert all(font.embedded and font.subset and font.to_unicode for font in used)
    assert (images(page), image_objects(page), embedded_files(page)) == ([], 0, [])
    assert page_sizes(page) == [(pytest.approx(595.28, abs=0.01), pytest.approx(841.89, abs=0.01))]
    lines = [line.split() for line in pdf_text(page).splitlines()]
    assert ["Kapitalbelopp", "12", "345,50"] in lines  # the layout keeps a line's two ends on one line
    assert ["Betala", "senast", "2026-12-07"] in lines


def test_an_embedded_file_is_seen(page):
    assert embedded_files(changed(page, lambda writer: writer.add_attachment("passwd", b"root:x:0:0"))) == ["passwd"]


def test_a_file_attached_to_a_page_is_seen(page):
    def attach(writer):
        annotation = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/FS"): DictionaryObject({NameObject("/Type"): NameObject("/Filespec"),
                                                 NameObject("/F"): TextStringObject("passwd")})})
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    assert embedded_files(changed(page, attach)) == ["passwd"]


def test_a_font_not_embedded_is_seen(page):
    def unembed(writer):
        for descriptor in descriptors(writer):
            del descriptor["/FontFile2"]
    assert [font.embedded for font in fonts(changed(page, unembed))] == [False, False]


def test_a_font_not_subset_is_seen(page):
    def whole(writer):
        for font in writer.pages[0]["/Resources"]["/Font"].values():
            font = font.get_object()
            font[NameObject("/BaseFont")] = NameObject("/" + str(font["/BaseFont"]).split("+")[1])
    assert [font.subset for font in fonts(changed(page, whole))] == [False, False]


def test_a_pdf_without_pdf_a_identification_is_seen(page):
    assert pdfa_identification(changed(page, lambda writer: writer._root_object.pop("/Metadata"))) == {}


def test_an_image_nobody_draws_is_still_counted(page):
    def smuggle(writer):
        image = StreamObject()
        image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                      NameObject("/Width"): NumberObject(1), NameObject("/Height"): NumberObject(1),
                      NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                      NameObject("/BitsPerComponent"): NumberObject(8)})
        image.set_data(b"\x00")
        writer._root_object[NameObject("/Smuggled")] = writer._add_object(image)
    smuggled = changed(page, smuggle)
    assert images(smuggled) == [] and image_objects(smuggled) == 1
