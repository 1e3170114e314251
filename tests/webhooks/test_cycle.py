"""The daily cycle's bulk path writes the webhook events of what it does, for a creditor that
listens, and none for one that does not."""
import datetime

from cases.models import CaseEvent
from core.tenancy import creditor_scope
from dunning.models import QueueItem
from letters.models import Letter
from tests.cycling import run_days
from tests.factories import DebtorFactory, make_case
from webhooks.events import EVENT_TYPES
from webhooks.models import WebhookDelivery, WebhookEvent

from .conftest import register

DUE = datetime.date(2026, 10, 1)


def test_the_cycle_emits_stage_changes_letters_and_queue_items(creditor, other_creditor):
    endpoint, _ = register(creditor, events=EVENT_TYPES)
    case = make_case(creditor, due_date=DUE)
    with creditor_scope(creditor):
        homeless = DebtorFactory(creditor=creditor, address="", postal_code="", city="")
    unaddressed = make_case(creditor, due_date=DUE, debtor=homeless)
    quiet = make_case(other_creditor, due_date=DUE)  # no endpoint: no events
    run_days(creditor, DUE, DUE + datetime.timedelta(days=70))
    run_days(other_creditor, DUE, DUE + datetime.timedelta(days=70))
    with creditor_scope(creditor):
        events = [(e.type, e.payload) for e in WebhookEvent.objects.order_by("id")]
        letters = {(letter.pk, letter.case_id, letter.kind, letter.sent_on.isoformat(), str(letter.total))
                   for letter in Letter.objects.all()}
        items = {(item.pk, item.case_id, item.kind) for item in QueueItem.objects.all()}
        stage_changes = [(e.case_id, e.data["from"], e.data["to"], e.on.isoformat())
                         for e in CaseEvent.objects.filter(code="cases.stage.changed").order_by("id")]
        assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == len(events)
    assert letters and items and stage_changes  # the cycle did each
    sent = {(d["letter"], d["case"], d["kind"], d["sent_on"], d["total"]) for t, d in events if t == "letter.sent"}
    assert sent == letters
    opened = {(d["queue_item"], d["case"], d["kind"]) for t, d in events if t == "queue.item_created"}
    assert opened == items and (unaddressed.pk, "address_missing") in {(c, kind) for _, c, kind in items}
    changed = [(d["case"], d["from"], d["to"], d["on"]) for t, d in events if t == "case.stage_changed"]
    assert changed == stage_changes and (case.pk, "reminder", "collection") in {c[:3] for c in changed}
    with creditor_scope(other_creditor):
        assert Letter.objects.filter(case=quiet).exists() and not WebhookEvent.objects.exists()
