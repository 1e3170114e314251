"""The case timeline in the reader's language: the API's events by Accept-Language, the export
by --language; the contract's shape `events [{at, code, text}]` stays."""
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.tenancy import creditor_scope
from dunning.holds import case_promise
from tests.factories import make_case

from .conftest import api_client_for

D = datetime.date
SWEDISH = "Betalningslöfte 1\u00a0000,00 kr till 2026-03-20"
ENGLISH = "Promise to pay SEK 1,000.00 by 2026-03-20"


@pytest.fixture
def promised(creditor):
    case = make_case(creditor, due_date=D(2026, 3, 2))
    with creditor_scope(creditor):
        case_promise(case=case, until=D(2026, 3, 20), on=D(2026, 3, 9), amount=Decimal("1000.00"))
    return case


def promise_text(events: list[dict]) -> str:
    event, = [e for e in events if e["code"] == "cases.stage.changed"]
    return event["text"]


@pytest.mark.parametrize("accept, text", [
    (None, SWEDISH), ("sv", SWEDISH), ("sv-SE,sv;q=0.9", SWEDISH), ("de-DE,fr;q=0.8", SWEDISH),
    ("en", ENGLISH), ("en-GB,en;q=0.9", ENGLISH), ("sv;q=0.3,en;q=0.9", ENGLISH), ("de,en-US;q=0.5", ENGLISH),
])
def test_the_events_speak_the_readers_language(creditor, promised, accept, text):
    api = api_client_for(creditor, **({"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}))
    detail = api.get(f"/api/v1/cases/{promised.pk}/").json()
    assert promise_text(detail["events"]) == text
    assert all(set(event) == {"at", "on", "code", "text"} for event in detail["events"])


def test_an_english_reader_gets_every_event_in_english(creditor, promised):
    events = api_client_for(creditor, HTTP_ACCEPT_LANGUAGE="en").get(f"/api/v1/cases/{promised.pk}/").json()["events"]
    assert [e["text"].split(" ")[0] for e in events] == ["Case", "Promise"]


def exported_events(*args) -> list[dict]:
    out = io.StringIO()
    call_command("export_cases", "--creditor", "acme", "--as-of", "2026-03-20", *args, stdout=out,
                 stderr=io.StringIO())
    line, = out.getvalue().splitlines()
    return json.loads(line)["events"]


def test_the_export_writes_the_events_in_swedish_or_as_asked(promised):
    assert promise_text(exported_events()) == SWEDISH
    assert promise_text(exported_events("--language", "en")) == ENGLISH
