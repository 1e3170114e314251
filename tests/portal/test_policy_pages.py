"""The creditor's policies: the PS method drawn, and each ladder edited as a form the law checks."""
import pytest

import dunning.services
from core.tenancy import creditor_scope
from creditors.models import Role
from dunning import planning
from dunning.models import PolicyStep
from tests.portal.members import sign_in


@pytest.fixture
def admin(client, creditor):
    return sign_in(client, creditor, Role.ADMIN, "admin@acme.se")


def ladder(creditor, category="normal"):
    with creditor_scope(creditor):
        return list(PolicyStep.objects.filter(policy__category=category).order_by("number").values_list(
            "action", "offset_days", "term_days", "fee_amount"))


def posted(creditor, category="normal", **changes) -> dict:
    """The edit form as the browser sends it for the ladder as stored, with `changes`
    (`"1-fee_amount": "61,00"`: step 1's fee), and the empty row for a new step left empty."""
    with creditor_scope(creditor):
        steps = list(PolicyStep.objects.filter(policy__category=category).order_by("number"))
    data = {"steps-TOTAL_FORMS": str(len(steps) + 1), "steps-INITIAL_FORMS": str(len(steps)),
            "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "12"}
    for n, step in enumerate(steps):
        data.update({f"steps-{n}-action": step.action, f"steps-{n}-anchor": step.anchor,
                     f"steps-{n}-offset_days": str(step.offset_days), f"steps-{n}-term_days": str(step.term_days),
                     f"steps-{n}-fee_amount": f"{step.fee_amount:.2f}".replace(".", ","),
                     f"steps-{n}-call_retries": str(step.call_retries)})
        if step.requires_approval:
            data[f"steps-{n}-requires_approval"] = "on"
    data.update({f"steps-{len(steps)}-action": "", f"steps-{len(steps)}-anchor": "",
                 f"steps-{len(steps)}-call_retries": "2"})
    for key, value in changes.items():
        number, field = key.split("-", 1)
        data[f"steps-{int(number) - 1}-{field}"] = value
    return data


def test_the_ps_method_is_drawn_for_the_three_categories(admin, creditor):
    page = admin.get("/policies/").content.decode()
    assert '<svg class="chart flow" role="img"' in page and 'aria-current="page">Trappor' in page
    desc = page[page.index("<desc"):page.index("</desc>")]
    assert "Risk: 1. Påminnelse, dag 3 efter förfallodagen" in desc
    assert "VIP: " in desc and "Telefonsamtal, samma dag som förra fristen gått ut, 3 försök" in desc


def test_a_fee_over_the_legal_cap_is_refused_on_its_field_with_the_law_named(admin, creditor):
    before = ladder(creditor)
    page = admin.post("/policies/normal/", posted(creditor, **{"1-fee_amount": "61,00"})).content.decode()
    assert "Inget sparades: trappan bryter mot reglerna nedan." in page
    assert ("Avgiften får vara högst 60,00 kr (lag (1981:739) om ersättning för inkassokostnader m.m.) "
            "[fee.cap.reminder_fee]") in page.replace("\u00a0", " ")
    assert ladder(creditor) == before


def test_a_short_collection_demand_term_is_refused_with_the_rule(admin, creditor):
    page = admin.post("/policies/normal/", posted(creditor, **{"2-term_days": "5"})).content.decode()
    assert "Ett inkassokrav ska ge minst 8 dagar att betala eller invända (inkassolagen 5 §" in page
    assert "[term.collection_demand]" in page


def test_a_lawful_ladder_is_saved_with_a_new_step_and_one_removed(admin, creditor):
    data = posted(creditor, **{"1-offset_days": "12", "3-DELETE": "on"})
    data.update({"steps-3-action": "payment_order", "steps-3-anchor": "previous_deadline", "steps-3-offset_days": "20",
                 "steps-3-term_days": "0", "steps-3-fee_amount": "300", "steps-3-requires_approval": "on"})
    answer = admin.post("/policies/normal/", data, follow=True).content.decode()
    assert "Trappan för normal är sparad" in answer
    assert [(action, offset) for action, offset, *_ in ladder(creditor)] == [
        ("reminder", 12), ("collection_demand", 5), ("payment_order", 20)]


def test_a_large_categorys_cases_are_replanned_in_the_background_and_the_page_says_so(
        admin, creditor, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(planning, "REPLAN_INLINE", -1)  # every category is large
    queued = []
    monkeypatch.setattr(dunning.services, "replan_after_commit", lambda **task: queued.append(task))
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin.post("/policies/risk/", posted(creditor, "risk", **{"1-offset_days": "4"}), follow=True)
    assert ("Trappan för risk är sparad. De öppna ärendena planeras om efter den i bakgrunden"
            in answer.content.decode())
    assert ladder(creditor, "risk")[0][1] == 4
    assert queued == [{"creditor_id": creditor.pk, "category": "risk"}]  # queued once the ladder is committed


@pytest.mark.parametrize("role", [Role.STAFF, Role.READ_ONLY])
def test_only_the_creditors_administrators_change_a_ladder(client, creditor, role):
    browser = sign_in(client, creditor, role, "someone@acme.se")
    before = ladder(creditor)
    assert "Bara era administratörer kan ändra trappan." in browser.get("/policies/normal/").content.decode()
    assert browser.post("/policies/normal/", posted(creditor, **{"1-offset_days": "12"})).status_code == 403
    assert ladder(creditor) == before


def test_an_unknown_category_is_not_found(admin):
    assert admin.get("/policies/gold/").status_code == 404
