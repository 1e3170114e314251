"""A new debtor arrives classified: its category comes from the file's invoices (and any
credit report) before its cases open, so they open on its category's ladder."""
import datetime

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseEvent
from classification.models import CreditReport
from classification.services import reclassify
from classification.texts import reasons_text
from core.tenancy import creditor_scope
from debtors.models import Category, Debtor
from dunning.planning import cases_replan
from intake.service import ledger_import

D = datetime.date
TODAY = D(2026, 11, 23)
HEADER = ("customer_number;customer_name;customer_type;identity_number;invoice_number;invoice_date;due_date;"
          "amount;open_amount;paid_on;credited_invoice;vip;reminder_fee_agreed")
CHANGED = "classification.category.changed"
# Valid identity numbers, each with the customer type it belongs to.
IDENTITIES = [("consumer", "19811218-9876"), ("company", "556703-7485"), ("company", "556036-0793"), ("consumer", "")]


def run(creditor, lines: list[str]):
    data = "\n".join([HEADER, *lines]).encode()
    with creditor_scope(creditor):
        return ledger_import(creditor=creditor, data=data, name="ledger.csv", today=TODAY)


def line(customer, number, due: D, amount="1000,00", open_amount="", paid_on: D | None = None, credits="",
         vip=False, kind="consumer", identity="") -> str:
    invoice_date = due - datetime.timedelta(days=30)
    return ";".join([customer, f"Kund {customer}", kind, identity, number, invoice_date.isoformat(), due.isoformat(),
                     amount, open_amount, paid_on.isoformat() if paid_on else "", credits, "ja" if vip else "nej",
                     "ja"])


def test_a_new_debtor_who_paid_late_arrives_as_risk_with_its_case_on_the_risk_ladder(creditor):
    late = [line("1001", f"F-{n}", due, open_amount="0", paid_on=due + datetime.timedelta(days=30))
            for n, due in enumerate([D(2026, 5, 29), D(2026, 6, 30), D(2026, 7, 31)])]
    run(creditor, [*late, line("1001", "F-9", D(2026, 11, 30))])
    with creditor_scope(creditor):
        debtor = Debtor.objects.get(customer_number="1001")
        assert (debtor.category, debtor.category_since) == (Category.RISK, TODAY)
        assert reasons_text(debtor.category_reasons, "en") == ["3 of the last 3 invoices were paid more than 14 days late"]
        case = Case.objects.get(invoice__invoice_number="F-9")
        # The risk ladder's reminder: 3 days after the due date (the normal one waits 10).
        assert (case.next_action, case.next_step_on) == ("reminder", D(2026, 12, 3))
        assert not CaseEvent.objects.filter(code=CHANGED).exists()  # it never was normal


def test_a_new_vip_arrives_as_vip(creditor):
    run(creditor, [line("1002", "F-1", D(2026, 11, 30), vip=True)])
    with creditor_scope(creditor):
        debtor = Debtor.objects.get(customer_number="1002")
        assert debtor.category == Category.VIP
        assert Case.objects.get().next_step_on == D(2026, 12, 14)  # the VIP ladder: 14 days after due


def test_a_new_debtor_with_a_credit_note_is_classified_once_it_is_applied(creditor):
    run(creditor, [line("1003", "F-1", D(2026, 10, 1), open_amount="1000,00"),
                   line("1003", "K-1", D(2026, 10, 1), amount="-1000,00", credits="F-1")])
    with creditor_scope(creditor):
        debtor = Debtor.objects.get(customer_number="1003")
        assert debtor.category_since == TODAY
        assert reasons_text(debtor.category_reasons, "en") == [
            "No risk signals: 1 invoice in the last 12 months, 0 of 0 paid more than 14 days late"]


invoice = st.tuples(
    st.integers(-420, 40),  # due date, days from today
    st.sampled_from(["open", "partly", "paid", "paid", "paid_undated"]),
    st.integers(-5, 60),  # days paid after the due date
)
customer = st.tuples(st.lists(invoice, min_size=1, max_size=6), st.booleans(), st.sampled_from(IDENTITIES),
                     st.booleans())  # invoices, VIP, identity, a credit note on the first
reports = st.dictionaries(st.sampled_from([i for _, i in IDENTITIES if i]),
                          st.tuples(st.integers(0, 100), st.integers(1, 5), st.integers(0, 3), st.integers(0, 500)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(customers=st.lists(customer, min_size=1, max_size=4), reports=reports)
def test_a_new_debtor_is_stored_as_the_reclassification_would_classify_it(creditor, customers, reports):
    """Classified from the file or from the stored history: the same category, reasons and plan."""
    with transaction.atomic(), creditor_scope(creditor):
        for identity, (score, risk_class, remarks, age) in reports.items():
            CreditReport.objects.create(creditor=creditor, identity_number=identity, score=score, risk_class=risk_class,
                                        payment_remarks=remarks, reported_on=TODAY - datetime.timedelta(days=age),
                                        source="UC")
        lines = []
        for c, (invoices, vip, (kind, identity), credit) in enumerate(customers):
            for n, (due_in, state, days_late) in enumerate(invoices):
                due = TODAY + datetime.timedelta(days=due_in)
                paid_on = due + datetime.timedelta(days=days_late)
                open_amount = {"open": "1000,00", "partly": "400,00"}.get(state, "0")
                lines.append(line(f"{c}", f"F-{c}-{n}", due, open_amount=open_amount,
                                  paid_on=paid_on if state == "paid" and paid_on <= TODAY else None,
                                  vip=vip, kind=kind, identity=identity))
            # A credit note is dated neither after today nor before the invoice it credits.
            if credit and invoices[0][1] != "paid" and invoices[0][0] <= 30:
                credited_due = max(TODAY, TODAY + datetime.timedelta(days=invoices[0][0]))
                lines.append(line(f"{c}", f"K-{c}", credited_due, amount="-100,00", credits=f"F-{c}-0", vip=vip,
                                  kind=kind, identity=identity))
        report = run(creditor, lines)
        assert report.rejected == 0, report.problems
        cases = list(Case.objects.select_related("invoice", "debtor").order_by("pk"))
        planned = [(c.next_action, c.next_step_on) for c in cases]

        again = reclassify(creditor=creditor, on=TODAY, debtors=Debtor.objects.all())
        assert (again.debtors, again.moved, again.reasons_updated) == (len(customers), 0, 0)
        cases_replan(cases)
        assert [(c.next_action, c.next_step_on) for c in cases] == planned
        transaction.set_rollback(True)
