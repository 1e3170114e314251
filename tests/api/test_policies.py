"""`GET /api/v1/policies/`, `GET/PUT /api/v1/policies/{category}/`: the ladders, checked against the law."""
import json

from core.tenancy import creditor_scope
from dunning.models import PolicyStep
from tests.api.conftest import api_client_for


def put(api, category, body):
    return api.put(f"/api/v1/policies/{category}/", json.dumps(body), content_type="application/json")


def stored_ladder(creditor, category):
    with creditor_scope(creditor):
        return list(PolicyStep.objects.filter(policy__category=category).order_by("number")
                    .values_list("action", "offset_days", "fee_amount"))


def test_every_category_has_its_ladder(api):
    policies = api.get("/api/v1/policies/").json()
    assert [p["category"] for p in policies] == ["normal", "risk", "vip"]
    normal = api.get("/api/v1/policies/normal/").json()
    assert normal == policies[0] and normal["steps"][0]["number"] == 1
    assert {"action", "anchor", "offset_days", "term_days", "fee_amount", "requires_approval",
            "call_retries"} <= set(normal["steps"][0])


def test_a_lawful_ladder_replaces_the_old_one(api, creditor):
    steps = [{"action": "reminder", "anchor": "due_date", "offset_days": 12, "term_days": 10, "fee_amount": "60.00"}]
    response = put(api, "risk", {"steps": steps})
    assert response.status_code == 200
    assert [(s["action"], s["offset_days"], s["fee_amount"]) for s in response.json()["steps"]] == [
        ("reminder", 12, "60.00")]
    assert [(a, d, str(f)) for a, d, f in stored_ladder(creditor, "risk")] == [("reminder", 12, "60.00")]


def test_a_step_without_the_fields_that_have_defaults_takes_the_defaults(api, creditor):
    """Schemathesis sent steps with no fee_amount: the default was the text "0.00" and the law's
    check compared it with 0 (a 500)."""
    steps = [{"action": "reminder", "anchor": "due_date", "offset_days": 10},
             {"action": "reminder", "anchor": "due_date", "offset_days": 20}]
    response = put(api, "normal", {"steps": steps})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 200:
        assert [s["fee_amount"] for s in response.json()["steps"]] == ["0.00", "0.00"]
    else:  # refused by a rule of the law, named: never a crash
        assert response.json()["code"] == "policy_unlawful"
    lone = put(api, "vip", {"steps": [{"action": "reminder", "anchor": "due_date", "offset_days": 10}]})
    assert lone.status_code == 200, lone.content
    step = lone.json()["steps"][0]
    assert (step["fee_amount"], step["term_days"], step["requires_approval"]) == ("0.00", 0, False)
    assert [(a, d, str(f)) for a, d, f in stored_ladder(creditor, "vip")] == [("reminder", 10, "0.00")]


def test_a_ladder_against_the_law_names_the_rule_per_step_and_changes_nothing(api, creditor):
    before = stored_ladder(creditor, "normal")
    steps = [{"action": "reminder", "anchor": "due_date", "offset_days": 10, "term_days": 10, "fee_amount": "900.00"},
             {"action": "collection_demand", "anchor": "previous_deadline", "offset_days": 1, "term_days": 1,
              "fee_amount": "180.00"}]
    response = put(api, "normal", {"steps": steps})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "policy_unlawful"
    by_step = {(v["step"], v["field"]) for v in body["detail"]}
    assert (1, "fee_amount") in by_step and (2, "term_days") in by_step
    assert all(v["rule"] and v["message"] for v in body["detail"])
    assert stored_ladder(creditor, "normal") == before


def test_a_malformed_ladder_is_a_400_naming_the_field(api, creditor):
    before = stored_ladder(creditor, "vip")
    for body in [{"steps": [{"action": "letter", "anchor": "due_date", "offset_days": 1}]},
                 {"steps": [{"action": "reminder", "anchor": "due_date", "offset_days": -1}]},
                 {"steps": [{"action": "reminder", "anchor": "due_date", "offset_days": 1,
                             "requires_approval": "yes"}]},
                 {"steps": [{"action": "reminder", "anchor": "due_date", "offset_days": 1, "colour": "red"}]},
                 {"ladder": []}, []]:
        response = put(api, "vip", body)
        assert response.status_code == 400 and response.json()["code"] == "invalid", body
    assert stored_ladder(creditor, "vip") == before


def test_an_unknown_category_is_404(api):
    assert api.get("/api/v1/policies/gold/").status_code == 404
    assert put(api, "gold", {"steps": []}).json()["code"] == "not_found"


def test_another_creditor_sees_and_changes_only_its_own(api, creditor, other_creditor):
    theirs = api_client_for(other_creditor)
    steps = [{"action": "reminder", "anchor": "due_date", "offset_days": 30, "term_days": 10, "fee_amount": "0"}]
    assert put(theirs, "vip", {"steps": steps}).status_code == 200
    assert [s["offset_days"] for s in api.get("/api/v1/policies/vip/").json()["steps"]] != [30]
    assert stored_ladder(creditor, "vip") != stored_ladder(other_creditor, "vip")
