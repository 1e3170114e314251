"""Staying in step: `updated_since` and `cursor` on the lists, with "changed" meaning changed."""
import datetime
import json

import pytest
import time_machine

from cases.models import Case
from core.tenancy import creditor_scope
from cycle.run import run_cycle
from tests.factories import make_case

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


def ids(body):
    return [result["id"] for result in body["results"]]


@pytest.fixture
def two_cases(creditor):
    with at(T0):
        return make_case(creditor, amount="1000.00"), make_case(creditor, amount="500.00")


def test_the_cycle_and_a_payment_change_a_case_and_nothing_else_does(api, creditor, two_cases):
    first, second = two_cases
    with at(T0 + datetime.timedelta(hours=1)):
        everything = api.get("/api/v1/cases/?updated_since=2026-11-02T08:00:00Z").json()
        assert set(everything) == {"next", "cursor", "results"}
        assert sorted(ids(everything)) == sorted([first.pk, second.pk]) and everything["next"] is None
        assert everything["results"][0]["changed_at"] == "2026-11-02T09:00:00Z"
        cursor = everything["cursor"]
        quiet = api.get(f"/api/v1/cases/?cursor={cursor}").json()
        assert quiet["results"] == [] and quiet["cursor"] == cursor  # reading changes nothing
    with at(T0 + datetime.timedelta(hours=2)):
        paid = api.post("/api/v1/payments/", json.dumps({"case": second.pk, "amount": "100.00",
                                                         "paid_on": "2026-11-02"}), content_type="application/json")
        assert paid.status_code == 201
        after_payment = api.get(f"/api/v1/cases/?cursor={cursor}").json()
        assert ids(after_payment) == [second.pk]
        cursor = after_payment["cursor"]
    day = datetime.date(2026, 11, 3)  # the next morning: the first case's reminder is due
    with creditor_scope(creditor):
        assert Case.objects.get(pk=first.pk).next_step_on <= day
    with at(datetime.datetime.combine(day, datetime.time(5, 30), tzinfo=datetime.UTC)), creditor_scope(creditor):
        assert run_cycle(creditor=creditor, day=day).steps >= 1
    with at(datetime.datetime.combine(day, datetime.time(6, 0), tzinfo=datetime.UTC)):
        after_cycle = api.get(f"/api/v1/cases/?cursor={cursor}").json()
        assert first.pk in ids(after_cycle)
        [changed] = [r for r in after_cycle["results"] if r["id"] == first.pk]
        assert changed["changed_at"] == f"{day}T05:30:00Z"


def test_a_long_list_is_walked_page_by_page_in_change_order(api, creditor):
    made = []
    for minute in range(5):
        with at(T0 + datetime.timedelta(minutes=minute)):
            made.append(make_case(creditor).pk)
    seen, url = [], "/api/v1/cases/?updated_since=2026-11-01T00:00:00%2B01:00&page_size=2"
    while url:
        body = api.get(url).json()
        assert len(body["results"]) <= 2
        seen += ids(body)
        url = body["next"]
    assert seen == made


def test_page_numbers_still_answer_as_before(api, two_cases):
    body = api.get("/api/v1/cases/?page_size=1").json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 2
    assert "changed_at" not in body["results"][0]


@pytest.mark.parametrize("query, name", [("cursor=bm90IGEgY3Vyc29y", "cursor"), ("cursor=%%%", "cursor"),
                                         ("updated_since=2026-11-02T09:00:00", "updated_since"),
                                         ("updated_since=yesterday", "updated_since"),
                                         ("updated_since=2026-11-02T09:00:00Z&cursor=x", "cursor")])
@pytest.mark.parametrize("resource", ["cases", "debtors", "letters", "payments"])
def test_a_cursor_or_time_this_api_did_not_give_is_a_400_naming_it(api, resource, query, name):
    response = api.get(f"/api/v1/{resource}/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and name in response.json()["detail"]


@pytest.mark.parametrize("resource", ["cases", "debtors", "letters", "payments"])
def test_a_time_with_any_offset_python_reads_is_asked_in_utc(api, resource, two_cases):
    """PostgreSQL takes offsets up to ±15:59 only; Schemathesis sent -22:02 and got a 500."""
    far = api.get(f"/api/v1/{resource}/?updated_since=1036-05-05T07:23:48-22:02")
    utc = api.get(f"/api/v1/{resource}/?updated_since=1036-05-06T05:25:48Z")
    assert far.status_code == 200 and far.json()["results"] == utc.json()["results"]


def test_debtors_letters_and_payments_sync_too(api, creditor, two_cases):
    first, second = two_cases
    with at(T0 + datetime.timedelta(hours=1)):
        api.post("/api/v1/payments/", json.dumps({"case": first.pk, "amount": "10.00", "paid_on": "2026-11-02"}),
                 content_type="application/json")
    since = "updated_since=2026-11-02T09:30:00Z"
    assert len(api.get(f"/api/v1/payments/?{since}").json()["results"]) == 1
    assert api.get(f"/api/v1/debtors/?{since}").json()["results"] == []
    day = datetime.date(2026, 11, 3)
    with at(datetime.datetime.combine(day, datetime.time(5, 30), tzinfo=datetime.UTC)), creditor_scope(creditor):
        run_cycle(creditor=creditor, day=day)
    letters = api.get("/api/v1/letters/?updated_since=2026-11-02T09:30:00Z").json()["results"]
    assert {letter["case"] for letter in letters} >= {first.pk}
    assert set(letters[0]) >= {"id", "case", "kind", "sent_on", "pdf_url", "changed_at"}


def test_changes_at_the_same_instant_are_each_read_once_in_id_order(api, creditor):
    """The daily cycle stamps a chunk of cases with one time: a page may end inside it."""
    with at(T0):
        made = [make_case(creditor).pk for _ in range(5)]
    seen, url = [], "/api/v1/cases/?updated_since=2026-11-02T08:00:00Z&page_size=2"
    while url:
        body = api.get(url).json()
        assert {result["changed_at"] for result in body["results"]} <= {"2026-11-02T09:00:00Z"}
        seen += ids(body)
        url = body["next"]
    assert seen == sorted(made)


def test_a_case_counts_as_changed_at_its_latest_event_and_filters_still_apply(api, creditor, two_cases):
    first, second = two_cases
    with at(T0 + datetime.timedelta(hours=3)):
        assert api.post(f"/api/v1/cases/{first.pk}/pause", json.dumps({"reason": "Avbetalningsplan"}),
                        content_type="application/json").status_code == 200
    since = "updated_since=2026-11-02T10:00:00Z"
    [paused] = api.get(f"/api/v1/cases/?{since}").json()["results"]
    assert paused["id"] == first.pk and paused["changed_at"] == "2026-11-02T12:00:00Z"
    assert api.get(f"/api/v1/cases/?{since}&stage=on_hold").json()["results"][0]["id"] == first.pk
    assert api.get(f"/api/v1/cases/?{since}&stage=reminder").json()["results"] == []
    everything = api.get("/api/v1/cases/?updated_since=2026-11-02T08:00:00Z&stage=on_hold").json()
    assert ids(everything) == [first.pk]  # the case's older events do not make it change twice


def test_a_debtor_changes_when_its_category_does(api, creditor, two_cases):
    first, second = two_cases
    since = "updated_since=2026-11-02T10:00:00Z"
    assert api.get(f"/api/v1/debtors/?{since}").json()["results"] == []
    with at(T0 + datetime.timedelta(hours=2)):
        changed = api.patch(f"/api/v1/debtors/{first.debtor_id}/", json.dumps({"vip": True}),
                            content_type="application/json")
        assert changed.status_code == 200 and changed.json()["category"] == "vip"
    [debtor] = api.get(f"/api/v1/debtors/?{since}").json()["results"]
    assert debtor["id"] == first.debtor_id and debtor["changed_at"] == "2026-11-02T11:00:00Z"
    assert api.get("/api/v1/debtors/?updated_since=2026-11-02T11:00:01Z").json()["results"] == []
