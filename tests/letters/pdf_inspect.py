"""What a PDF holds, read with pypdf: the checks the letter tests make, with no program outside pip.

These stand in for poppler's pdftotext, pdfinfo, pdffonts, pdfimages and pdfdetach, and
read the same things: the text a reader sees (laid out), the XMP packet (PDF/A
identification), every font with whether it is embedded and subset, the page count and
size, the images drawn and the files embedded.
"""
import datetime
import io
import re
from dataclasses import dataclass
from xml.etree import ElementTree

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

PDFA_ID = "{http://www.aiim.org/pdfa/ns/id/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
# A subset font's name starts with six capital letters and a plus sign (ISO 32000-1, 9.6.4).
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data), strict=True)


def pdf_text(data: bytes) -> str:
    """The text a reader sees, laid out on the page as pdftotext -layout does; pages end with a form feed."""
    return "".join(page.extract_text(extraction_mode="layout") + "\f" for page in reader(data).pages)


def pdfa_identification(data: bytes) -> dict[str, str]:
    """`{"part": "2", "conformance": "B"}` from the XMP packet, as element or attribute; {} when there is none."""
    root = reader(data).trailer["/Root"]
    if "/Metadata" not in root:
        return {}
    xmp = ElementTree.fromstring(root["/Metadata"].get_object().get_data())
    found = {}
    for description in xmp.iter(f"{RDF}Description"):
        for key in ("part", "conformance"):
            value = description.get(PDFA_ID + key)
            element = description.find(PDFA_ID + key)
            if element is not None:
                value = element.text
            if value is not None:
                found[key] = value.strip()
    return found


@dataclass(frozen=True)
class Font:
    name: str
    subtype: str
    embedded: bool
    subset: bool
    to_unicode: bool


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _font(font: DictionaryObject) -> Font:
    name = str(font.get("/BaseFont", "[none]")).lstrip("/")
    described = font
    if font.get("/Subtype") == "/Type0":  # a composite font: the glyphs live in its descendant
        described = _resolve(font["/DescendantFonts"])[0].get_object()
    descriptor = _resolve(described.get("/FontDescriptor")) or {}
    # A Type 3 font's glyphs are drawn by the PDF itself: embedded by construction.
    embedded = font.get("/Subtype") == "/Type3" or any(key in descriptor for key in FONT_FILES)
    return Font(name=name, subtype=str(font.get("/Subtype")), embedded=embedded,
                subset=bool(SUBSET_TAG.match(name)), to_unicode="/ToUnicode" in font)


def _resources(resources, seen: set[int]):
    """Every resource dictionary reachable from `resources`: its own and those of the forms and fonts it uses."""
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return
    seen.add(id(resources))
    yield resources
    for group in ("/XObject", "/Font"):
        for item in (_resolve(resources.get(group)) or {}).values():
            item = _resolve(item)
            if "/Resources" in item:
                yield from _resources(item["/Resources"], seen)


def fonts(data: bytes) -> list[Font]:
    """Every font the pages (and the forms and Type 3 glyphs they use) refer to, once each, as pdffonts lists them."""
    found, seen, listed = [], set(), set()
    for page in reader(data).pages:
        for resources in _resources(page.get("/Resources"), seen):
            for ref in (_resolve(resources.get("/Font")) or {}).values():
                key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
                if key not in listed:
                    listed.add(key)
                    found.append(_font(_resolve(ref)))
    return found


def page_sizes(data: bytes) -> list[tuple[float, float]]:
    """Each page's width and height in points (A4 is 595.28 × 841.89)."""
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader(data).pages]


def creation_date(data: bytes) -> datetime.date:
    return reader(data).metadata.creation_date.date()


def images(data: bytes) -> list[str]:
    """The name of every image drawn on any page, inline or XObject, inside forms too (pdfimages -list's rows)."""
    return [image.name for page in reader(data).pages for image in page.images]


def image_objects(data: bytes) -> int:
    """How many image objects the file holds at all, drawn or not (soft masks included)."""
    pdf = reader(data)
    count = 0
    for generation in pdf.xref.values():
        for number in generation:
            obj = pdf.get_object(number)
            count += getattr(obj, "get", lambda key: None)("/Subtype") == "/Image"
    for number in pdf.xref_objStm:
        obj = pdf.get_object(number)
        count += getattr(obj, "get", lambda key: None)("/Subtype") == "/Image"
    return count


def embedded_files(data: bytes) -> list[str]:
    """The files embedded in the document (its EmbeddedFiles tree) and attached to any page (pdfdetach -list)."""
    pdf = reader(data)
    names = list(pdf.attachments)
    for page in pdf.pages:
        for annotation in _resolve(page.get("/Annots")) or []:
            annotation = _resolve(annotation)
            if annotation.get("/Subtype") == "/FileAttachment":
                names.append(str(_resolve(annotation.get("/FS", {})).get("/F", "[attachment]")))
    return names
