"""A payment file (the bulk path) writes the same webhook events as one payment at a time;
the other services' events: a dispute, a VIP designation."""
import datetime

from cases.models import Case, Payment
from classification.services import debtor_set_vip
from core.tenancy import creditor_scope
from dunning.holds import case_dispute
from dunning.models import QueueItem
from payments.importing import payments_import
from payments.services import payment_register
from tests.factories import make_case, make_creditor
from webhooks.events import EVENT_TYPES
from webhooks.models import WebhookDelivery, WebhookEvent

from .conftest import register

DUE = datetime.date(2026, 9, 1)
PAID = [(0, "1100.00", datetime.date(2026, 9, 20)), (1, "200.00", datetime.date(2026, 9, 21)),
        (1, "300.00", datetime.date(2026, 9, 22))]


def hooks(creditor) -> list:
    """The creditor's events with its case and payment ids as their ranks, in the order written."""
    with creditor_scope(creditor):
        cases = {pk: f"case#{rank}" for rank, pk in enumerate(Case.objects.order_by("pk").values_list("pk", flat=True))}
        payments = {pk: f"payment#{rank}"
                    for rank, pk in enumerate(Payment.objects.order_by("pk").values_list("pk", flat=True))}
        assert WebhookDelivery.objects.count() == WebhookEvent.objects.count()
        rows = []
        for event in WebhookEvent.objects.order_by("id"):
            data = dict(event.payload, case=cases[event.payload["case"]])
            if "payment" in data:
                data["payment"] = payments[data["payment"]]
            rows.append((event.type, data))
    return rows


def test_a_payment_file_writes_the_events_payment_register_does(db):
    one = make_creditor("one", "One AB", "556703-7485", "5050-1055")
    many = make_creditor("many", "Many AB", "556036-0793", "5402-9681")
    by_one = [make_case(one, amount=amount, due_date=DUE) for amount in ("1000.00", "800.00")]
    by_file = [make_case(many, amount=amount, due_date=DUE) for amount in ("1000.00", "800.00")]
    for creditor in (one, many):
        register(creditor, events=EVENT_TYPES)
    lines = []
    for index, amount, paid_on in PAID:
        with creditor_scope(one):
            payment_register(case=by_one[index], amount=amount, paid_on=paid_on, source="csv")
        lines.append(f"{by_file[index].ocr_reference};{amount};{paid_on};X")
    payments_import(name="file.csv", creditor=many,
                    data=("ocr_reference;amount;paid_on;payer\n" + "\n".join(lines) + "\n").encode())
    expected = hooks(one)
    assert [kind for kind, _ in expected] == ["payment.allocated", "case.stage_changed", "case.closed",
                                              "payment.allocated", "payment.allocated"]
    assert expected[0][1]["allocation"]["principal"] == "1000.00" and expected[2][1]["closed_reason"] == "paid"
    # A batch closes its settled cases after allocating all its payments: the same events, another order.
    assert sorted(hooks(many), key=repr) == sorted(expected, key=repr)


def test_a_dispute_and_a_vip_designation_tell_their_listeners(creditor):
    case = make_case(creditor, due_date=DUE)
    register(creditor, events=["queue.item_created", "debtor.category_changed", "case.stage_changed"])
    with creditor_scope(creditor):
        case_dispute(case=case, on=datetime.date(2026, 10, 1), text="Fel belopp")
        debtor_set_vip(debtor=case.debtor, vip=True, on=datetime.date(2026, 10, 2))
        events = [(e.type, e.payload) for e in WebhookEvent.objects.order_by("id")]
        item = QueueItem.objects.get(case=case)
    kinds = [kind for kind, _ in events]
    assert kinds == ["case.stage_changed", "queue.item_created", "debtor.category_changed"]
    assert events[1][1]["kind"] == "dispute_review" and events[1][1]["case"] == case.pk
    assert events[1][1]["queue_item"] == item.pk
    assert events[2][1] == {"debtor": case.debtor_id, "from": "normal", "to": "vip", "on": "2026-10-02"}
