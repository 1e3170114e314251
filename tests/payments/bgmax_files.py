"""Write BgMax files in Bankgirot's layout, for tests and `bench/import.py`."""
import datetime
from decimal import Decimal


def _record(text: str) -> str:
    assert len(text) <= 80, text
    return text.ljust(80)


def bgmax_file(payments: list[tuple[str, Decimal]], *, bankgiro: str, day: datetime.date, per_section: int = 1000,
               first_serial: int = 1) -> bytes:
    """Payments (OCR reference, amount) into a BgMax file: a TK05…TK15 section per `per_section`."""
    out = [_record(f"01{'BGMAX':<20}01{day:%Y%m%d}120000000000P")]
    sections = 0
    for start in range(0, len(payments), per_section):
        chunk = payments[start:start + per_section]
        sections += 1
        out.append(_record(f"05{bankgiro.replace('-', ''):0>10}{'':10}SEK"))
        for serial, (ocr, amount) in enumerate(chunk, start=first_serial + start):
            out.append(_record(f"20{'9912346':0>10}{ocr:<25}{int(amount * 100):018d}21{serial:012d}0"))
        total = sum(int(amount * 100) for _, amount in chunk)
        out.append(_record(f"15{'3300111222333':0>35}{day:%Y%m%d}{sections:05d}{total:018d}SEK{len(chunk):08d}K"))
    out.append(_record(f"70{len(payments):08d}{0:08d}{0:08d}{sections:08d}"))
    return "\r\n".join(out).encode("latin-1")
