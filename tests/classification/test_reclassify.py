"""Reclassification through the database: the daily cycle, the ledger import, VIP and overrides."""
import datetime
from decimal import Decimal

from cases.models import Case, CaseEvent, LedgerEntry
from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from cases.timeline import event_text
from classification.features import features_for
from classification.models import ClassificationRules, CreditReport
from classification.services import debtor_override, debtor_set_vip, reclassify
from classification.texts import reasons_text
from core.tenancy import creditor_scope
from cycle.run import run_cycle
from debtors.models import Category, Debtor
from dunning.holds import case_dispute, case_promise
from intake.service import ledger_import
from payments.services import payment_register
from tests.factories import DebtorFactory, InvoiceFactory, make_case

D = datetime.date
HEADER = ("customer_number;customer_name;invoice_number;invoice_date;due_date;amount;open_amount;paid_on;"
          "reminder_fee_agreed;address;postal_code;city")
ADDRESS = ("Storgatan 1", "111 22", "Stockholm")  # no address, no letter: the ladder would wait
CHANGED = "classification.category.changed"


def ledger(creditor, today, *rows):
    data = "\n".join([HEADER, *(";".join((*row, *ADDRESS)) for row in rows)]).encode()
    return ledger_import(creditor=creditor, data=data, today=today)


def paid(number, due, days_late, amount="800,00"):
    """A ledger row for an invoice the debtor paid `days_late` days after `due`."""
    invoice_date = due - datetime.timedelta(days=30)
    return ("1001", "Berit Sen", number, invoice_date.isoformat(), due.isoformat(), amount, "0",
            (due + datetime.timedelta(days=days_late)).isoformat(), "ja")


def moves(case):
    return [(e.on, e.data["from"], e.data["to"]) for e in CaseEvent.objects.filter(case=case, code=CHANGED)]


def fee_kinds(case):
    return sorted(LedgerEntry.objects.filter(case=case, kind__endswith="fee").values_list("kind", flat=True))


def test_a_debtor_who_keeps_paying_late_moves_to_risk_on_the_next_cycle(scoped):
    # March: one open invoice and two paid on time. A new debtor is classified on import.
    ledger(scoped, D(2026, 3, 3),
           ("1001", "Berit Sen", "F-10", "2026-02-02", "2026-03-02", "1500,00", "1500,00", "", "ja"),
           paid("F-1", D(2025, 9, 30), 0), paid("F-2", D(2025, 10, 31), 2))
    debtor = Debtor.objects.get(customer_number="1001")
    assert debtor.category == Category.NORMAL
    assert reasons_text(debtor.category_reasons, "en") == [
        "No risk signals: 3 invoices in the last 12 months, 0 of 2 paid more than 14 days late"]
    case = Case.objects.get(invoice__invoice_number="F-10")
    run_cycle(creditor=scoped, day=D(2026, 3, 12))  # the normal ladder's reminder, with its fee
    assert fee_kinds(case) == ["reminder_fee"]

    # The ERP's next export shows the year's other invoices, paid 20–45 days late.
    ledger(scoped, D(2026, 3, 13), paid("F-3", D(2025, 11, 30), 20), paid("F-4", D(2025, 12, 31), 45),
           paid("F-5", D(2026, 1, 31), 31))
    assert Debtor.objects.get(pk=debtor.pk).category == Category.NORMAL  # a known debtor waits for the cycle

    report = run_cycle(creditor=scoped, day=D(2026, 3, 16))
    assert report.reclassified == {("normal", "risk"): 1}
    debtor.refresh_from_db()
    assert (debtor.category, debtor.category_since) == (Category.RISK, D(2026, 3, 16))
    assert reasons_text(debtor.category_reasons, "en") == ["3 of the last 5 invoices were paid more than 14 days late"]
    assert reasons_text(debtor.category_reasons, "sv") == ["3 av de senaste 5 fakturorna betalades mer än 14 dagar för sent"]
    assert moves(case) == [(D(2026, 3, 16), "normal", "risk")]
    event = case.events.get(code=CHANGED)
    assert event_text(event) == "Kategori normal → risk: 3 av de senaste 5 fakturorna betalades mer än 14 dagar för sent"
    # The risk ladder: the collection demand the first bank day after the reminder's deadline (23 March).
    case.refresh_from_db()
    assert (case.next_action, case.next_step_on) == ("collection_demand", D(2026, 3, 24))

    day = D(2026, 3, 17)
    while day <= D(2026, 3, 24):
        run_cycle(creditor=scoped, day=day)
        day += datetime.timedelta(days=1)
    case.refresh_from_db()
    assert case.stage == Stage.COLLECTION
    assert fee_kinds(case) == ["collection_fee", "reminder_fee"]  # the reminder fee once
    assert list(case.applied_steps.order_by("sequence").values_list("category", "action")) == [("normal", "reminder"), ("risk", "collection_demand")]
    assert moves(case) == [(D(2026, 3, 16), "normal", "risk")]  # and no further moves


def test_a_risky_vip_stays_vip_with_the_risk_reasons_listed(scoped):
    debtor = DebtorFactory(creditor=scoped, identity_number="19811218-9876")
    case = make_case(scoped, debtor=debtor, due_date=D(2026, 3, 2), reminder_fee_agreed=True)
    CreditReport.objects.create(creditor=scoped, identity_number="19811218-9876", score=12, risk_class=5,
                                payment_remarks=2, reported_on=D(2026, 2, 20), source="UC")
    run_cycle(creditor=scoped, day=D(2026, 3, 3))
    assert Debtor.objects.get(pk=debtor.pk).category == Category.RISK

    debtor = debtor_set_vip(debtor=debtor, vip=True, on=D(2026, 3, 4), actor="user:anna@acme.se")
    run_cycle(creditor=scoped, day=D(2026, 3, 5))
    debtor.refresh_from_db()
    assert debtor.category == Category.VIP
    assert reasons_text(debtor.category_reasons, "en") == [
        "Designated VIP by the creditor",
        "The credit report from UC of 2026-02-20 gives risk class 5 of 5",
        "The credit report from UC of 2026-02-20 lists 2 payment remarks",
    ]
    assert moves(case) == [(D(2026, 3, 3), "normal", "risk"), (D(2026, 3, 4), "risk", "vip")]
    assert case.events.filter(code=CHANGED).last().actor == "user:anna@acme.se"
    case.refresh_from_db()
    assert (case.next_action, case.next_step_on) == ("reminder", D(2026, 3, 16))  # 14 days after due, a bank day


def test_an_override_holds_until_its_date_then_the_computed_category_returns(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    debtor = debtor_override(debtor=case.debtor, category=Category.RISK, until=D(2026, 3, 10),
                             note="Konkursansökan enligt Bolagsverket", on=D(2026, 3, 3))
    assert debtor.category == Category.RISK
    run_cycle(creditor=scoped, day=D(2026, 3, 10))
    assert Debtor.objects.get(pk=debtor.pk).category == Category.RISK
    run_cycle(creditor=scoped, day=D(2026, 3, 11))
    debtor.refresh_from_db()
    assert (debtor.category, debtor.override_category) == (Category.NORMAL, Category.RISK)  # kept, expired
    assert moves(case) == [(D(2026, 3, 3), "normal", "risk"), (D(2026, 3, 11), "risk", "normal")]


def test_a_stale_credit_report_is_not_used_and_the_reason_says_so(scoped):
    debtor = DebtorFactory(creditor=scoped, identity_number="19811218-9876")
    make_case(scoped, debtor=debtor, due_date=D(2026, 3, 2))
    CreditReport.objects.create(creditor=scoped, identity_number="19811218-9876", score=5, risk_class=5,
                                payment_remarks=4, reported_on=D(2025, 11, 1), source="UC")
    reclassify(creditor=scoped, on=D(2026, 3, 3))
    debtor.refresh_from_db()
    assert debtor.category == Category.NORMAL
    assert reasons_text(debtor.category_reasons, "en")[1] == (
        "The latest credit report (from UC of 2025-11-01) is older than 90 days and was not used")


def test_the_creditors_own_rules_decide(scoped):
    debtor = DebtorFactory(creditor=scoped, identity_number="19811218-9876")
    make_case(scoped, debtor=debtor, due_date=D(2026, 3, 2))
    CreditReport.objects.create(creditor=scoped, identity_number="19811218-9876", score=50, risk_class=3,
                                payment_remarks=0, reported_on=D(2026, 3, 1), source="UC")
    reclassify(creditor=scoped, on=D(2026, 3, 3))
    assert Debtor.objects.get(pk=debtor.pk).category == Category.NORMAL
    ClassificationRules.objects.filter(creditor=scoped).update(risk_class_from=3)
    reclassify(creditor=scoped, on=D(2026, 3, 3))
    assert Debtor.objects.get(pk=debtor.pk).category == Category.RISK


def test_reclassifying_the_same_day_twice_changes_nothing(scoped):
    debtor = DebtorFactory(creditor=scoped)
    make_case(scoped, debtor=debtor, due_date=D(2026, 3, 2))
    for number, days in enumerate((20, 30, 40)):
        InvoiceFactory(creditor=scoped, debtor=debtor, due_date=D(2026, 1, 2) - datetime.timedelta(days=30 * number),
                       paid_on=D(2026, 1, 2) - datetime.timedelta(days=30 * number - days))
    first = reclassify(creditor=scoped, on=D(2026, 3, 3))
    events = CaseEvent.objects.count()
    second = reclassify(creditor=scoped, on=D(2026, 3, 3))
    assert (first.moved, second.moved, second.reasons_updated) == (1, 0, 0)
    assert CaseEvent.objects.count() == events


def test_what_counts_as_paying_late(scoped):
    """Paid through Fordra: the payment's date. Credited, withdrawn and disputed invoices say
    nothing about paying; a written-off one was never paid."""
    debtor = DebtorFactory(creditor=scoped)
    due = D(2026, 1, 2)
    paid_late = make_case(scoped, debtor=debtor, due_date=due)
    payment_register(case=paid_late, amount=Decimal("1100.00"), paid_on=due + datetime.timedelta(days=40))
    assert Case.objects.get(pk=paid_late.pk).closed_reason == ClosedReason.PAID
    for reason in (ClosedReason.WITHDRAWN, ClosedReason.WRITTEN_OFF):
        case = make_case(scoped, debtor=debtor, due_date=due)
        case_transition(case=case, to=Stage.CLOSED, on=due + datetime.timedelta(days=50), closed_reason=reason)
    case_dispute(case=make_case(scoped, debtor=debtor, due_date=due), on=due + datetime.timedelta(days=3))
    promised = make_case(scoped, debtor=debtor, due_date=due)
    case_promise(case=promised, until=D(2026, 2, 20), on=D(2026, 2, 2))
    run_cycle(creditor=scoped, day=D(2026, 2, 25))  # two bank days after the promised day: broken
    InvoiceFactory(creditor=scoped, debtor=debtor, due_date=D(2026, 3, 10))  # not due yet

    features = features_for(scoped, [debtor.pk], D(2026, 3, 3))[debtor.pk]
    assert sorted((o.days_late, o.paid) for o in features.outcomes) == [(40, True), (50, False), (60, False)]
    assert (features.invoices, features.broken_promises, features.disputes) == (6, 1, 1)
    assert features.open_overdue == Decimal("2000.00")  # the promised and the disputed: both still owed
    promised.refresh_from_db()
    assert promised.stage == Stage.REMINDER


def test_another_creditors_history_and_reports_are_not_used(scoped, other_creditor):
    with creditor_scope(other_creditor):
        other = DebtorFactory(creditor=other_creditor, customer_number="1001", identity_number="19811218-9876")
        CreditReport.objects.create(creditor=other_creditor, identity_number="19811218-9876", score=1, risk_class=5,
                                    payment_remarks=9, reported_on=D(2026, 3, 1), source="UC")
        for number in range(3):
            InvoiceFactory(creditor=other_creditor, debtor=other, due_date=D(2026, 1, 2) - datetime.timedelta(days=31 * number),
                           paid_on=D(2026, 2, 20))
    debtor = DebtorFactory(creditor=scoped, customer_number="1001", identity_number="19811218-9876")
    make_case(scoped, debtor=debtor, due_date=D(2026, 3, 2))
    reclassify(creditor=scoped, on=D(2026, 3, 3))
    debtor.refresh_from_db()
    assert debtor.category == Category.NORMAL
    assert reasons_text(debtor.category_reasons, "en") == [
        "No risk signals: 1 invoice in the last 12 months, 0 of 0 paid more than 14 days late"]


def test_a_designation_made_while_the_cycle_classifies_is_not_overwritten(scoped, monkeypatch):
    """The cycle reads a debtor, another request makes it a VIP, the cycle writes: the VIP stands."""
    import classification.services as services

    debtor = DebtorFactory(creditor=scoped, identity_number="19811218-9876")
    case = make_case(scoped, debtor=debtor, due_date=D(2026, 3, 2))
    CreditReport.objects.create(creditor=scoped, identity_number="19811218-9876", score=12, risk_class=5,
                                payment_remarks=0, reported_on=D(2026, 3, 1), source="UC")
    original = services.classify

    def classify_while_someone_designates(*args, **kwargs):
        Debtor.objects.filter(pk=debtor.pk).update(vip=True, category=Category.VIP, category_since=D(2026, 3, 3))
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "classify", classify_while_someone_designates)
    report = reclassify(creditor=scoped, on=D(2026, 3, 3))
    assert report.moved == 0
    assert Debtor.objects.get(pk=debtor.pk).category == Category.VIP
    assert moves(case) == []


def test_the_cycle_reclassifies_once_a_day(scoped):
    debtor = DebtorFactory(creditor=scoped, identity_number="19811218-9876")
    make_case(scoped, debtor=debtor, due_date=D(2026, 3, 2))
    assert run_cycle(creditor=scoped, day=D(2026, 3, 3)).reclassified == {}
    # A report stored behind the services' back (they reclassify at once) waits for the next day's cycle.
    CreditReport.objects.create(creditor=scoped, identity_number="19811218-9876", score=12, risk_class=5,
                                payment_remarks=0, reported_on=D(2026, 3, 3), source="UC")
    assert run_cycle(creditor=scoped, day=D(2026, 3, 3)).reclassified == {}
    assert run_cycle(creditor=scoped, day=D(2026, 3, 4)).reclassified == {("normal", "risk"): 1}
