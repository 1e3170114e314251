"""The case list as a file: every case the list's search and filters hold, in its order.

CSV goes through `core.csvfile` and XLSX through `core.xlsxfile`, the writers that never
let a debtor's name run as a formula. Amounts are numbers (a spreadsheet adds them up),
dates are dates. The CSV is RFC 4180 with a point for decimals, as the API's export, for
programs (it starts with a byte order mark so that Excel reads its å, ä and ö); the XLSX
is the one for a spreadsheet. Cases are read `CHUNK` at a time, each chunk balanced with one query for
its ledger entries, so the export of 100 000 cases streams (CSV) or holds one chunk of
cases in memory at a time (XLSX, whose cells openpyxl writes to a temporary file).
"""
import datetime
import io
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.search import case_page
from core import csvfile, xlsxfile
from core.tenancy import creditor_scope
from dunning import balances
from law.actions import Action

CHUNK = 2_000
COLUMNS = (gettext_lazy("Ärende"), gettext_lazy("Faktura"), gettext_lazy("Kundnummer"), gettext_lazy("Kund"),
           gettext_lazy("Kategori"), gettext_lazy("Fakturadatum"), gettext_lazy("Förfallodag"), gettext_lazy("Steg"),
           gettext_lazy("Fakturabelopp"), gettext_lazy("Kapital"), gettext_lazy("Avgifter"), gettext_lazy("Ränta"),
           gettext_lazy("Att betala"), gettext_lazy("Nästa steg"), gettext_lazy("Datum för nästa steg"),
           gettext_lazy("OCR-referens"))


def headings() -> list[str]:
    """COLUMNS in the active language."""
    return [str(heading) for heading in COLUMNS]


def rows(cases: QuerySet, *, as_of: datetime.date) -> Iterator[tuple]:
    """One tuple of COLUMNS per case, in the query's order (a page of `CHUNK` at a time)."""
    start = 0
    while True:
        chunk = case_page(cases, start, start + CHUNK)
        if not chunk:
            return
        for view in balances.with_balances(chunk, as_of=as_of):
            case, balance = view.case, view.balance
            stage = case.get_stage_display()
            if case.hold_reason:
                stage += f" ({case.get_hold_reason_display()})"
            elif case.closed_reason:
                stage += f" ({case.get_closed_reason_display()})"
            yield (case.pk, case.invoice.invoice_number, case.debtor.customer_number, case.debtor.name,
                   case.debtor.get_category_display(), case.invoice.invoice_date, case.invoice.due_date, stage,
                   case.invoice.amount, balance.principal, balance.fees, balance.interest, balance.total,
                   _next_action(case), case.next_step_on if case.is_open else None, case.ocr_reference)
        start += CHUNK


def _next_action(case) -> str:
    return Action(case.next_action).label if case.is_open and case.next_action else ""


class _Lines:
    """A file-like object that hands back what was written to it (one CSV line at a time)."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def take(self) -> str:
        text, self.text = self.text, ""
        return text


def csv_response(cases: QuerySet, *, creditor, as_of: datetime.date, name: str) -> StreamingHttpResponse:
    """The CSV, streamed: the server reads it after the view (and the request's tenant scope)
    has returned, so the lines are written inside the creditor's scope, and in the request's
    language, both entered again."""
    language = translation.get_language()

    def lines():
        with creditor_scope(creditor), translation.override(language):
            yield from _csv_lines(cases, as_of=as_of)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _csv_lines(cases: QuerySet, *, as_of: datetime.date) -> Iterator[str]:
    buffer = _Lines()
    writer = csvfile.Writer(buffer)
    buffer.write("\ufeff")  # Excel reads UTF-8 (å, ä, ö) only after a byte order mark
    writer.writerow(headings())
    yield buffer.take()
    for row in rows(cases, as_of=as_of):
        writer.writerow(row)
        yield buffer.take()


def xlsx_response(cases: QuerySet, *, as_of: datetime.date, name: str) -> HttpResponse:
    writer = xlsxfile.Writer(_("Ärenden"))
    writer.writerow(headings(), bold=True)
    writer.writerows(rows(cases, as_of=as_of))
    data = io.BytesIO()
    writer.save(data)
    response = HttpResponse(data.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
