"""Every case of the current creditor as lines for another program (`export_cases`).

A line is the API's case resource (CONTRACT.md, `GET /api/v1/cases/{id}/`), built by the
API's own serializers, so the two cannot drift apart: JSON Lines carries it whole, with
amounts as strings ("1234.50") as the API does, and each case's events and letters; CSV
flattens it (`balance_principal`, …, `next_step_action`, `next_step_date`), leaves the
lists out, and writes amounts as numbers through `core.csvfile`, which escapes text a
spreadsheet would run as a formula. The detail's `limitation_date` is left out of both:
it costs two queries per case and is not part of the contract.

Cases are read in chunks by id, each balanced with one query for its ledger entries
(`balances.with_balances`), so memory holds one chunk whatever the number of cases.
"""
import datetime
import json
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from cases import selectors, timeline
from cases.models import CaseEvent
from core import csvfile
from core.errors import ValidationError
from dunning import balances
from dunning.selectors import next_step_of
from law.interest import MissingReferenceRate
from law.selectors import reference_rates
from letters.models import Letter

from .cases import CaseDetailSerializer, CaseSerializer, EventSerializer, LetterSerializer, NextStepSerializer

# Cases read, balanced and written at a time. Each chunk costs four queries (cases with
# their invoices and debtors, ledger entries, two for the rates) and for JSON Lines two
# more (events, letters); memory grows with it, by the chunk's entries, events and letters.
EXPORT_CHUNK = 2_000

FORMATS = ("jsonl", "csv")


class _CaseExport:
    """The API's case serializers as they serialize many cases at a time. The API builds a
    serializer for each case's next step, events and letters (30 µs to 1 ms each, with the
    related managers' querysets); here one serializer serves all the chunk's cases, and the
    chunk's events and letters come with two queries, serialized already (`chunk_history`)."""

    def get_next_step(self, view):
        step = next_step_of(view.case)
        return _NEXT_STEP.to_representation(step) if step else None

    def get_events(self, view):
        return self.context["events"].get(view.case.pk, [])

    def get_letters(self, view):
        return self.context["letters"].get(view.case.pk, [])


class CsvCaseSerializer(_CaseExport, CaseSerializer):
    pass


class JsonCaseSerializer(_CaseExport, CaseDetailSerializer):
    """The case detail as the API answers it, less the limitation date (see the module docstring)."""

    limitation_date = None


_NEXT_STEP = NextStepSerializer()
_LETTERS = LetterSerializer(many=True)


def chunk_history(case_ids, *, language: str = timeline.DEFAULT_LANGUAGE) -> dict[str, dict[int, list]]:
    """The cases' events and letters as the API serializes them, by case, in the API's order,
    the events' sentences in `language` (rendered from their data)."""
    events = CaseEvent.objects.filter(case_id__any=case_ids)
    # The letter as printed (recipient, amounts, creditor) is not part of the resource.
    letters = Letter.objects.filter(case_id__any=case_ids).defer("recipient", "amounts", "printed")
    history = {}
    events_serializer = EventSerializer(many=True, context={"language": timeline.language_of(language)})
    for name, rows, serializer in (("events", events, events_serializer), ("letters", letters, _LETTERS)):
        rows = list(rows.order_by("case_id", *rows.model._meta.ordering))
        by_case = defaultdict(list)
        for row, data in zip(rows, serializer.to_representation(rows)):
            by_case[row.case_id].append(data)
        history[name] = by_case
    return history


# A nested object of the resource that is not a serializer field itself (a method field's shape).
_NESTED = {"next_step": NextStepSerializer}


def _csv_columns() -> list[tuple[str, str, str | None, bool]]:
    """(column, key, key inside it, is an amount) for each column of the CSV, from the serializer."""
    columns = []
    for name, field in CsvCaseSerializer().fields.items():
        shape = _NESTED.get(name)
        nested = field if isinstance(field, serializers.Serializer) else shape() if shape else None
        if nested is None:
            columns.append((name, name, None, isinstance(field, serializers.DecimalField)))
            continue
        for inner, inner_field in nested.fields.items():
            columns.append((f"{name}_{inner}", name, inner, isinstance(inner_field, serializers.DecimalField)))
    return columns


def csv_fieldnames() -> list[str]:
    return [column for column, *_ in _csv_columns()]


def export_as_of(as_of: datetime.date | None) -> datetime.date:
    """The day balances are taken on (default today), refused when it lies past the last
    reference rate known: interest on it cannot be known yet."""
    as_of = as_of or timezone.localdate()
    try:
        reference_rates().rate_for(as_of)
    except MissingReferenceRate as exc:
        raise ValidationError(f"as of {as_of}: {exc}", detail={"as_of": as_of.isoformat()}) from None
    return as_of


def case_chunks(*, as_of: datetime.date) -> Iterator[list[balances.CaseView]]:
    """The current creditor's cases by id, `EXPORT_CHUNK` at a time, with their balances as of the day."""
    last = 0
    while True:
        cases = selectors.case_queryset().filter(pk__gt=last).order_by("pk")
        chunk = list(cases[:EXPORT_CHUNK])
        if not chunk:
            return
        yield balances.with_balances(chunk, as_of=as_of)
        last = chunk[-1].pk


def cases_export(*, stream, format: str, as_of: datetime.date, language: str = timeline.DEFAULT_LANGUAGE) -> int:
    """Write every case of the current creditor to `stream` (text), one line each; returns how many.
    `language`: the events' sentences' (JSON Lines), `sv` or `en`."""
    if format not in FORMATS:
        raise ValidationError(f"format must be one of {', '.join(FORMATS)}", detail={"format": format})
    count = 0
    if format == "jsonl":
        for views in case_chunks(as_of=as_of):
            history = chunk_history({v.case.pk for v in views}, language=language)
            lines = JsonCaseSerializer(views, many=True, context=history).data
            stream.write("".join(json.dumps(data, ensure_ascii=False) + "\n" for data in lines))
            count += len(views)
        return count
    columns = _csv_columns()
    rows = csvfile.Writer(stream)
    rows.writerow([column for column, *_ in columns])
    for views in case_chunks(as_of=as_of):
        for data in CsvCaseSerializer(views, many=True).data:
            rows.writerow([_csv_value(data, key, inner, amount) for _, key, inner, amount in columns])
        count += len(views)
    return count


def _csv_value(data: dict, key: str, inner: str | None, amount: bool):
    value = data[key]
    if inner is not None:
        value = value[inner] if value is not None else None
    return Decimal(value) if amount and value is not None else value
