"""The timeline's registry: an event's sentence rendered from its code and data, in the
reader's language; what it cannot render shows the text the row stored."""
import datetime
from decimal import Decimal

import pytest

from cases import timeline
from cases.events import log_event
from cases.models import CaseEvent
from cases.stages import Stage
from cases.timeline import event_text, language_of, render
from dunning.holds import case_pause, case_promise
from tests.factories import make_case
from tests.portal.members import sign_in_user

D = datetime.date


def event(code: str, data: dict, text: str = "") -> CaseEvent:
    return CaseEvent(code=code, data=data, text=text)


def test_a_stage_change_reads_in_swedish_and_in_english():
    data = {"from": Stage.REMINDER, "to": Stage.CLOSED, "reason": "paid"}
    assert event_text(event("cases.stage.changed", data)) == "Påminnelse → Avslutat (Betalt)"
    assert event_text(event("cases.stage.changed", data), "en") == "Reminder → Closed (paid)"
    # Up the ladder, `reason` is the step's action: no reason is shown.
    up = {"from": Stage.REMINDER, "to": Stage.COLLECTION, "reason": "collection_demand"}
    assert event_text(event("cases.stage.changed", up), "en") == "Reminder → Collection"


def test_amounts_and_dates_are_written_as_each_language_writes_them():
    data = {"amount": "1234.50", "reference": "K1", "credited_on": "2026-10-20"}
    assert event_text(event("cases.credit.applied", data)) == "Kreditering 1\u00a0234,50 kr den 2026-10-20"
    assert event_text(event("cases.credit.applied", data), "en") == "Credit note of SEK 1,234.50 dated 2026-10-20"


def test_an_unknown_code_shows_the_stored_text_and_never_raises():
    assert event_text(event("cases.something.new", {}, "Något hände")) == "Något hände"
    assert event_text(event("cases.something.new", {}), "en") == ""
    with pytest.raises(timeline.UnknownEventCode):
        render("cases.something.new", {})


@pytest.mark.parametrize("data", [
    {"reference": "K1", "credited_on": "2026-10-20"},  # no amount
    {"amount": "ett tusen", "credited_on": "2026-10-20"},  # not an amount
    {"amount": "100.00", "credited_on": "20 oktober"},  # not a date
    {"amount": None, "credited_on": "2026-10-20"},
])
def test_data_that_lacks_what_the_sentence_needs_shows_the_stored_text(data):
    stored = "Kreditering 100,00 kr den 2026-10-20"
    assert event_text(event("cases.credit.applied", data, stored)) == stored
    assert event_text(event("cases.credit.applied", data, stored), "en") == stored


def test_a_callable_sentence_missing_its_data_shows_the_stored_text():
    assert event_text(event("cases.stage.changed", {"from": "reminder"}, "Påminnelse → Inkasso"), "en") == \
        "Påminnelse → Inkasso"
    assert event_text(event("cases.stage.changed", {"from": "reminder", "to": "nowhere"}, "gammal")) == "gammal"


def test_a_row_that_stored_other_words_keeps_them():
    """An older row (written before the registry) whose writer chose its own sentence: the
    trail shows what was written, not a shorter rendering of its data."""
    data = {"from": Stage.REMINDER, "to": Stage.ON_HOLD, "reason": "promise"}
    stored = "Betalningslöfte 1\u00a0000,00 kr till 2026-05-08"
    assert event_text(event("cases.stage.changed", data, stored), "en") == stored
    # A stored text that is the Swedish rendering is rendered in the reader's language.
    same = "Påminnelse → Vilande (Betalningslöfte)"
    assert event_text(event("cases.stage.changed", data, same), "en") == "Reminder → On hold (promise to pay)"


@pytest.mark.parametrize("value, language", [("en", "en"), ("en-GB", "en"), ("EN_us", "en"), ("sv-SE", "sv"),
                                             ("de", "sv"), ("", "sv"), (None, "sv")])
def test_a_language_fordra_does_not_speak_is_swedish(value, language):
    assert language_of(value) == language


def test_an_english_amount_has_no_minus_zero():
    assert timeline.format_amount(Decimal("-0.001"), "en") == "0.00"
    assert timeline.format_amount("-1234567.5", "en") == "-1,234,567.50"


def test_a_code_is_registered_once():
    with pytest.raises(ValueError, match="twice"):
        timeline.register("cases.stage.changed", sv="x", en="y")


def test_the_writers_store_code_and_data_and_no_text(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    case_promise(case=case, until=D(2026, 3, 20), on=D(2026, 3, 9), amount=Decimal("1000.00"))
    held = case.events.get(code="cases.stage.changed")
    assert held.text == ""
    assert event_text(held) == "Betalningslöfte 1\u00a0000,00 kr till 2026-03-20"
    assert event_text(held, "en") == "Promise to pay SEK 1,000.00 by 2026-03-20"
    opened = case.events.get(code="cases.case.opened")
    assert opened.text == "" and event_text(opened, "en").startswith("Case opened for invoice ")
    assert opened.data["currency"] == "SEK"


def test_log_event_takes_no_sentence(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    with pytest.raises(TypeError):
        log_event(case=case, code="cases.credit.applied", text="Kreditering", data={})


def test_a_paused_case_reads_as_its_arrow(scoped):
    case = case_pause(case=make_case(scoped, due_date=D(2026, 3, 2)), on=D(2026, 3, 9))
    paused = case.events.get(code="cases.stage.changed")
    assert (event_text(paused), event_text(paused, "en")) == ("Påminnelse → Vilande (Pausat av borgenären)",
                                                              "Reminder → On hold (paused by the creditor)")


def test_the_admin_shows_each_event_as_its_sentence(scoped, client, django_user_model):
    case = case_pause(case=make_case(scoped, due_date=D(2026, 3, 2)), on=D(2026, 3, 9))
    sign_in_user(client, django_user_model.objects.create_superuser("boss@fordra.demo", "boss@fordra.demo", "x"))
    page = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "Påminnelse → Vilande (Pausat av borgenären)" in page
