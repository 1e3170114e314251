"""A damaged BgMax record refuses the file, naming the record, its type and what is wrong (issue #17).

The damaged copies are made here from Bankgirot's example files (tests/data/bgmax): trailing
blanks stripped as files that passed through other hands arrive, then one record broken.
"""
from pathlib import Path

import pytest

from payments.files import PaymentFileError, parse

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "bgmax"
EXTENDED = "bankgiroinbetalningar_avtal-ocr-kontroll_utokad-blankettregistrering-ocr-kontroll_exempelfil.txt"
BASIC = "bangiroinbetalningar_exempelfil_avtalutantillval_kontroller_sv.txt"


def stripped_lines(name: str) -> list[str]:
    text = (EXAMPLES / name).read_bytes().decode("iso-8859-1")
    return [text[i:i + 80].rstrip(" ") for i in range(0, len(text), 80)]  # these two have no line breaks


def joined(lines: list[str], end: str = "\r\n") -> bytes:
    return end.join(lines).encode("iso-8859-1")


def refusal(lines: list[str], end: str = "\r\n") -> PaymentFileError:
    with pytest.raises(PaymentFileError) as refused:
        parse(joined(lines, end))
    return refused.value


@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_the_stripped_copy_reads_as_the_original(end):
    assert parse(joined(stripped_lines(EXTENDED), end)) == parse((EXAMPLES / EXTENDED).read_bytes())


def test_tabs_inside_a_tk22_reference_refuse_the_file_naming_that_record():
    lines = stripped_lines(EXTENDED)
    assert lines[4] == "220003783511                   665869000000000000000000220001200000180"
    # An editor's TABs for the reference's leading blanks: every later field moves left.
    lines[4] = lines[4][:12] + "\t\t" + lines[4][22:]
    error = refusal(lines)
    assert error.record == 5
    assert "extra reference record TK22" in str(error)
    assert "TAB (0x09) at position 13" in str(error)


@pytest.mark.parametrize("character, name", [("\x0b", "vertical tab"), ("\x1a", "end-of-file mark"),
                                             ("\x85", "a control character (0x85)")])
def test_any_control_character_in_a_text_field_is_refused(character, name):
    lines = stripped_lines(BASIC)
    lines[4] = lines[4][:6] + character + lines[4][7:]  # inside the payer's name "Kalles Plåt AB"
    error = refusal(lines)
    assert (error.record, name in str(error), "name record TK26" in str(error)) == (5, True, True)


def test_a_record_too_long_is_refused_with_its_type():
    lines = stripped_lines(EXTENDED)
    lines[4] = lines[4].ljust(80) + "0"
    error = refusal(lines)
    assert str(error) == ("record 5: record is 81 characters long, BgMax records are 80 "
                          "(extra reference record TK22)")


@pytest.mark.parametrize("record, first, value, message", [
    (5, 38, "0000000000000000O0", "amount '0000000000000000O0' is not a number (extra reference record TK22)"),
    (3, 58, "00012000001B", "Bankgirot serial number (positions 58–69) is '00012000001B': the manual has digits "
                            "there (payment record TK20)"),
    (3, 71, "X", "reserved (positions 71–80) is 'X         ': the manual has blanks there (payment record TK20)"),
    (18, 46, "0005A", "deposit serial number (positions 46–50) is '0005A'"),
    (18, 80, "Q", "deposit type (positions 80–80) is 'Q': the manual has blank or one of KDS there"),
    (12, 8, "X", "organisation number (positions 3–14) is '00550X001234'"),
    (2, 30, "x", "reserved (positions 26–80)"),
])
def test_text_where_the_manual_has_digits_or_blanks_is_refused(record, first, value, message):
    lines = stripped_lines(EXTENDED)
    line = lines[record - 1].ljust(80)
    lines[record - 1] = (line[:first - 1] + value + line[first - 1 + len(value):]).rstrip(" ")
    error = refusal(lines, "\n")
    assert error.record == record
    assert message in str(error)
