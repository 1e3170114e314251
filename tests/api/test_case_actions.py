"""`POST /api/v1/cases/{id}/pause|resume|withdraw|dispute`: the portal's case actions for an ERP."""
import datetime
import json

import pytest
import time_machine

from cases.models import Case, CaseEvent
from cases.stages import ClosedReason, HoldReason, Stage
from core.tenancy import creditor_scope
from dunning.models import QueueItem, QueueKind
from tests.factories import make_case


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 10, 0), tick=False):
        yield


def act(api, case_id, name, body=None):
    return api.post(f"/api/v1/cases/{case_id}/{name}", json.dumps(body or {}), content_type="application/json")


def stored(creditor, case) -> Case:
    with creditor_scope(creditor):
        return Case.objects.get(pk=case.pk)


def test_pause_then_resume(api, creditor, case):
    response = act(api, case.pk, "pause", {"reason": "Checking the delivery", "until": "2026-12-15"})
    assert response.status_code == 200
    assert response.json()["stage"] == Stage.ON_HOLD and response.json()["id"] == case.pk
    held = stored(creditor, case)
    assert (held.hold_reason, held.hold_until) == (HoldReason.PAUSED, datetime.date(2026, 12, 15))
    again = act(api, case.pk, "pause", {"reason": "again"})
    assert again.status_code == 409 and again.json()["code"] == "case_on_hold"
    resumed = act(api, case.pk, "resume")
    assert resumed.status_code == 200 and resumed.json()["stage"] == Stage.REMINDER
    nothing = act(api, case.pk, "resume")
    assert nothing.status_code == 409 and nothing.json()["code"] == "case_not_on_hold"


def test_a_pause_needs_a_reason_and_a_day_after_today(api, creditor, case):
    for body, field in [({}, "reason"), ({"reason": "x", "until": "2026-11-23"}, "until"),
                        ({"reason": "x", "untill": "2026-12-01"}, "untill"), ({"reason": 5}, "reason")]:
        response = act(api, case.pk, "pause", body)
        assert response.status_code == 400, body
        assert field in json.dumps(response.json()["detail"])
    assert stored(creditor, case).stage == Stage.REMINDER


def test_withdraw_closes_the_case_with_its_reason_and_a_closed_case_refuses_everything(api, creditor, case):
    response = act(api, case.pk, "withdraw", {"reason": "Settled by a credit note"})
    assert response.status_code == 200 and response.json()["closed_reason"] == ClosedReason.WITHDRAWN
    with creditor_scope(creditor):
        assert CaseEvent.objects.filter(case=case, data__note="Settled by a credit note").exists()
    for name, body in [("withdraw", {}), ("pause", {"reason": "x"}), ("dispute", {"text": "x"})]:
        refused = act(api, case.pk, name, body)
        assert refused.status_code == 409 and refused.json()["code"] == "case_closed", name
    assert act(api, case.pk, "resume").json()["code"] == "case_not_on_hold"


def test_a_dispute_holds_the_case_for_an_agent_and_a_second_one_is_the_answer(api, creditor, case):
    response = act(api, case.pk, "dispute", {"text": "The goods never arrived"})
    assert response.status_code == 200 and response.json()["stage"] == Stage.ON_HOLD
    with creditor_scope(creditor):
        assert QueueItem.objects.filter(case=case, kind=QueueKind.DISPUTE_REVIEW, outcome="").count() == 1
    answer = act(api, case.pk, "dispute", {"text": "They were delivered on 2026-10-02, signed for"})
    assert answer.status_code == 200
    with creditor_scope(creditor):
        assert QueueItem.objects.filter(case=case, kind=QueueKind.DISPUTE_REVIEW).count() == 1
        assert CaseEvent.objects.filter(case=case, code="dunning.dispute.answered").exists()
    refused = act(api, case.pk, "resume")
    assert refused.status_code == 409 and refused.json()["code"] == "dispute_undecided"


def test_a_paused_case_cannot_be_disputed_until_resumed(api, creditor, case):
    act(api, case.pk, "pause", {"reason": "x"})
    refused = act(api, case.pk, "dispute", {"text": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "case_on_hold"


@pytest.mark.parametrize("name, body", [("pause", {"reason": "x"}), ("resume", {}), ("withdraw", {}),
                                        ("dispute", {"text": "x"})])
def test_another_creditors_case_is_404_like_a_missing_one_and_stays_as_it_was(api, other_creditor, name, body):
    theirs = make_case(other_creditor, amount="500.00")
    foreign, missing = act(api, theirs.pk, name, body), act(api, 999999, name, body)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert stored(other_creditor, theirs).stage == Stage.REMINDER


def test_the_answer_tells_the_events_in_the_readers_language(api, case):
    english = api.post(f"/api/v1/cases/{case.pk}/pause", json.dumps({"reason": "x"}), content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE="en")
    swedish = act(api, case.pk, "resume")
    opened = api.get(f"/api/v1/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["events"][0]["text"]
    assert english.json()["events"][0]["text"] == opened
    assert swedish.json()["events"][0]["text"] != opened
