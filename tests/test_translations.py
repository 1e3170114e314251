"""The portal in English: every word marked for translation has its English, and the
compiled catalog that Django reads says what the .po file says.

The portal is written in Swedish (the msgids); locale/en/LC_MESSAGES/django.po holds the
English. The marked strings are found here the way `makemessages` finds them (Django's
`templatize` for templates, the gettext calls for Python), without GNU gettext, which a new
machine does not have: a word marked but never translated, or a .mo not compiled again after
the .po changed, fails here.
"""
import ast
import re
from pathlib import Path

import polib
import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
APPS = ("core", "law", "creditors", "debtors", "cases", "letters", "dunning", "classification", "payments", "intake",
        "cycle", "portal", "api", "demo")
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy"}
NGETTEXT = {"ngettext", "ngettext_lazy"}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# templatize turns `{% translate "x" %}` into gettext(u'x'), a plural into ngettext(u'a', u'b', count).
TEMPLATE_CALL = re.compile(r"\b(n?gettext)\(u'((?:[^'\\]|\\.)*)'(?:, u'((?:[^'\\]|\\.)*)')?")


def _python_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def _template_files():
    for app in APPS:
        yield from (ROOT / app).rglob("templates/**/*.html")


def marked() -> dict[str, tuple[str, str | None]]:
    """msgid → (where it is marked, its plural msgid or None)."""
    found = {}
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            strings = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if name in GETTEXT and strings:  # pgettext(context, msgid): the msgid is the last
                found.setdefault(strings[-1] if name.startswith("p") else strings[0], (str(path), None))
            elif name in NGETTEXT and len(strings) >= 2:
                found.setdefault(strings[0], (str(path), strings[1]))
    for path in _template_files():
        text = path.read_text(encoding="utf-8")
        if "{% load" not in text or "i18n" not in text:
            continue
        for kind, single, plural in TEMPLATE_CALL.findall(templatize(text, origin=str(path))):
            unescape = (lambda s: ast.literal_eval(f"'{s}'"))
            found.setdefault(unescape(single), (str(path), unescape(plural) if kind == "ngettext" else None))
    return found


@pytest.fixture(scope="module")
def catalog():
    assert PO.exists(), f"{PO} is missing"
    return polib.pofile(str(PO))


def test_every_marked_word_has_its_english(catalog):
    untranslated = []
    for msgid, (where, plural) in sorted(marked().items()):
        entry = catalog.find(msgid)
        done = entry is not None and "fuzzy" not in entry.flags and (
            all(entry.msgstr_plural.values()) if plural else entry.msgstr)
        if not done:
            untranslated.append(f"{msgid!r} ({Path(where).relative_to(ROOT)})")
    assert not untranslated, f"{len(untranslated)} without English:\n" + "\n".join(untranslated[:40])


def test_the_english_keeps_every_placeholder(catalog):
    for entry in catalog.translated_entries():
        translations = list(entry.msgstr_plural.values()) or [entry.msgstr]
        for english in translations:
            assert set(PLACEHOLDER.findall(english)) <= set(PLACEHOLDER.findall(entry.msgid + entry.msgid_plural)), \
                entry.msgid


def test_the_compiled_catalog_says_what_the_po_says(catalog):
    compiled = polib.mofile(str(PO.with_suffix(".mo")))
    english = {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in compiled}
    stale = [entry.msgid for entry in catalog.translated_entries()
             if english.get((entry.msgctxt, entry.msgid))
             != (entry.msgstr or {int(k): v for k, v in entry.msgstr_plural.items()})]
    assert not stale, f"locale/en/LC_MESSAGES/django.mo is older than the .po (compile it again): {stale[:5]}"
