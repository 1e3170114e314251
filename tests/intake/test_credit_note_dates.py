"""A credit note in a ledger file counts from its own date, not from the day of the import.

Interest is computed here independently of the engine, day by day from the stored
reference rates (+ 8 percentage points, räntelagen 6 §), actual/365, rounded once to öre.
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case, CaseEvent, Component, EntryKind, Invoice, LedgerEntry, Payment
from cases.stages import ClosedReason, Stage
from cases.timeline import event_text
from core.tenancy import creditor_scope
from dunning.balances import case_balance
from intake.service import LedgerRejected, ledger_import
from law.selectors import reference_rates
from payments.services import payment_register

TODAY = datetime.date(2026, 11, 23)  # the day of the import
D = datetime.date
HEADER = ("customer_number,customer_name,customer_type,identity_number,invoice_number,invoice_date,due_date,amount,"
          "credited_invoice")
ANNA = "00042,Anna Andersson,consumer,19811218-9876"
INVOICE = f"{ANNA},F1001,2026-09-01,2026-10-01,2500.00,"  # 2 500,00 due 1 October


def credit_note(amount: str, dated: datetime.date, *, number: str = "K9001") -> str:
    return f"{ANNA},{number},{dated},{dated},-{amount},F1001"


def ledger(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def run(creditor, text: str, *, today: datetime.date = TODAY, **options):
    with creditor_scope(creditor):
        return ledger_import(creditor=creditor, data=text.encode(), name="ledger.csv", today=today, **options)


def the_case(creditor) -> Case:
    with creditor_scope(creditor):
        return Case.objects.select_related("invoice", "debtor").get(invoice__invoice_number="F1001")


def balance(creditor, as_of: datetime.date = TODAY):
    with creditor_scope(creditor):
        return case_balance(the_case(creditor), as_of=as_of)


def expected_interest(amount: Decimal, changes=(), *, due: datetime.date = D(2026, 10, 1),
                      until: datetime.date = TODAY) -> Decimal:
    """Late-payment interest from the day after the due date through `until` on `amount`,
    which each (day, change) in `changes` changes from the day after `day`."""
    rates = reference_rates()
    total, day = Decimal(0), due + datetime.timedelta(days=1)
    while day <= until:
        principal = amount + sum((change for on, change in changes if on < day), Decimal(0))
        total += principal * (rates.rate_for(day) + 8) / 100 / 365
        day += datetime.timedelta(days=1)
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def snapshot(creditor) -> dict:
    with creditor_scope(creditor):
        return {
            "invoices": sorted(Invoice.objects.values_list("invoice_number", "amount", "open_amount_reported")),
            "cases": sorted(Case.objects.values_list("invoice__invoice_number", "stage", "closed_reason", "closed_on",
                                                     "next_action", "next_step_on")),
            "entries": sorted(LedgerEntry.objects.values_list("case__invoice__invoice_number", "kind", "component",
                                                              "amount", "booked_on")),
            "events": CaseEvent.objects.count(),
            "payments": Payment.objects.count(),
        }


@pytest.mark.parametrize("handed_over", [TODAY, D(2026, 11, 1)], ids=["same file", "handed over before the note"])
def test_a_credit_note_dated_36_days_before_the_import_counts_from_its_date(creditor, handed_over):
    credited_on = TODAY - datetime.timedelta(days=36)
    if handed_over != TODAY:
        run(creditor, ledger(INVOICE), today=handed_over)
    run(creditor, ledger(INVOICE, credit_note("1250.00", credited_on)))
    assert balance(creditor).principal == Decimal("1250.00")
    # 2 500,00 from 2 Oct to 18 Oct (17 days) and 1 250,00 from 19 Oct to 23 Nov (36 days), at 10 %:
    # 11,64 + 12,33. Booked on the import day instead, it was 36,30: 12,33 too much.
    assert balance(creditor).interest == expected_interest(Decimal("2500.00"),
                                                           [(credited_on, Decimal("-1250.00"))]) == Decimal("23.97")
    with creditor_scope(creditor):
        credit = LedgerEntry.objects.get(case=the_case(creditor), kind=EntryKind.CREDIT)
    assert (credit.amount, credit.booked_on) == (Decimal("-1250.00"), credited_on)
    assert balance(creditor, as_of=credited_on - datetime.timedelta(days=1)).principal == Decimal("2500.00")


def test_a_credit_note_older_than_a_payment_moves_the_interest_it_paid_on_to_principal(creditor):
    """The payment paid interest on 2 500,00 up to its day; from the credit note's day only
    1 250,00 accrued, so the excess it paid is reallocated to principal (as for a payment
    registered late)."""
    run(creditor, ledger(INVOICE), today=D(2026, 10, 10))
    with creditor_scope(creditor):
        payment_register(case=the_case(creditor), amount=Decimal("1000.00"), paid_on=D(2026, 11, 1))
    run(creditor, ledger(INVOICE, credit_note("1250.00", D(2026, 10, 18))))
    # Independently: interest to 1 Nov on 2 500,00 then 1 250,00; the payment pays it, the rest is principal.
    credit = (D(2026, 10, 18), Decimal("-1250.00"))
    interest_paid = expected_interest(Decimal("2500.00"), [credit], until=D(2026, 11, 1))
    assert interest_paid == Decimal("16.44")
    principal_paid = Decimal("1000.00") - interest_paid
    now = balance(creditor)
    assert now.principal == Decimal("1250.00") - principal_paid == Decimal("266.44")
    accrued = expected_interest(Decimal("2500.00"), [credit, (D(2026, 11, 1), -principal_paid)])
    assert now.interest == accrued - interest_paid
    with creditor_scope(creditor):
        assert LedgerEntry.objects.filter(case=the_case(creditor), kind=EntryKind.REALLOCATION).exists()


@pytest.mark.parametrize("column", ["credited_on", "Krediteringsdatum"])
def test_a_credited_on_column_wins_over_the_credit_notes_invoice_date(creditor, column):
    credited_on = D(2026, 10, 20)
    row = f"{ANNA},K9001,2026-11-20,2026-11-20,-1250.00,F1001,{credited_on}"
    run(creditor, ledger(INVOICE + ",", row, header=f"{HEADER},{column}"))
    assert balance(creditor).interest == expected_interest(Decimal("2500.00"), [(credited_on, Decimal("-1250.00"))])
    with creditor_scope(creditor):
        event = CaseEvent.objects.get(case=the_case(creditor), code="cases.credit.applied")
    assert event.data["credited_on"] == "2026-10-20" and "2026-10-20" in event_text(event)


def test_a_credit_note_dated_before_the_due_date_leaves_no_interest_on_the_credited_part(creditor):
    run(creditor, ledger(INVOICE, credit_note("1000.00", D(2026, 9, 20))))
    assert balance(creditor).interest == expected_interest(Decimal("1500.00"))
    with creditor_scope(creditor):
        case = the_case(creditor)
        interest_posted = sum((e.amount for e in LedgerEntry.objects.filter(case=case, component=Component.INTEREST)),
                              Decimal(0))
    assert interest_posted == Decimal("0.00")  # nothing accrued by the credit note's day


@pytest.mark.parametrize("handed_over", [D(2026, 10, 10), TODAY], ids=["handed over before the note", "same file"])
def test_a_credit_note_for_the_whole_invoice_closes_the_case_as_credited_as_of_its_date(creditor, handed_over):
    credited_on = D(2026, 10, 18)
    if handed_over != TODAY:
        run(creditor, ledger(INVOICE), today=handed_over)
    run(creditor, ledger(INVOICE, credit_note("2500.00", credited_on)))
    case = the_case(creditor)
    # Closed the day of the note, or, for a note older than the case, the day the case began.
    assert (case.stage, case.closed_reason, case.closed_on) == (Stage.CLOSED, ClosedReason.CREDITED,
                                                                max(credited_on, handed_over))
    for day in (credited_on, TODAY, D(2027, 6, 30)):
        assert balance(creditor, as_of=day).total == Decimal("0.00")
    with creditor_scope(creditor):
        entries = LedgerEntry.objects.filter(case=case)
        accrued = sum((e.amount for e in entries.filter(kind__in=[EntryKind.INTEREST, EntryKind.INTEREST_ADJUSTMENT])),
                      Decimal(0))
        credit = entries.get(kind=EntryKind.CREDIT)
    assert credit.booked_on == credited_on
    # Interest accrued up to the note's day only (and is written off with the rest): none after it.
    assert accrued == expected_interest(Decimal("2500.00"), [(credited_on, Decimal("-2500.00"))])


def test_reimporting_the_same_file_changes_nothing(creditor):
    text = ledger(INVOICE, credit_note("1250.00", D(2026, 10, 18)))
    run(creditor, text)
    before = snapshot(creditor)
    again = run(creditor, text)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert snapshot(creditor) == before


@pytest.mark.parametrize("row, header, problem", [
    (f"{ANNA},K9001,2026-11-24,2026-11-24,-100.00,F1001", HEADER,
     ("invoice_date", "2026-11-24", "cannot be after today")),
    (f"{ANNA},K9001,2026-10-05,2026-10-05,-100.00,F1001,20261124", f"{HEADER},credited_on",
     ("credited_on", "20261124", "to today (2026-11-23)")),
    (f"{ANNA},K9001,2026-08-31,2026-08-31,-100.00,F1001", HEADER,
     ("invoice_date", "2026-08-31", "is dated 2026-09-01")),
    (f"{ANNA},K9001,2026-10-05,2026-10-05,-100.00,F1001,2026-08-15", f"{HEADER},krediteringsdatum",
     ("credited_on", "2026-08-15", "cannot be credited before it was issued")),
    (f"{ANNA},F1002,2026-10-05,2026-11-05,100.00,,2026-10-06", f"{HEADER},credited_on",
     ("credited_on", "2026-10-06", "only a credit note")),
], ids=["dated after today", "credited_on after today", "before the invoice", "credited_on before the invoice",
        "credited_on on an invoice"])
def test_a_credit_note_dated_in_the_future_or_before_its_invoice_is_a_row_error(creditor, row, header, problem):
    extra = "," if header != HEADER else ""
    with pytest.raises(LedgerRejected) as rejected:
        run(creditor, ledger(INVOICE + extra, row, header=header))
    [found] = rejected.value.report.problems
    column, value, reason = problem
    assert (found.row, found.column, found.value) == (3, column, value) and reason in found.reason
    with creditor_scope(creditor):
        assert not Invoice.objects.exists()  # nothing stored, not even the valid invoice row


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(credited=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("2500.00"), places=2),
       credited_on=st.dates(min_value=D(2026, 9, 1), max_value=TODAY),
       handed_over=st.one_of(st.none(), st.dates(min_value=D(2026, 9, 1), max_value=TODAY)))
def test_any_credit_note_date_and_amount_keeps_every_ore(creditor, credited, credited_on, handed_over):
    with transaction.atomic():
        if handed_over is not None:
            run(creditor, ledger(INVOICE), today=handed_over)
        run(creditor, ledger(INVOICE, credit_note(str(credited), credited_on)))
        case = the_case(creditor)
        with creditor_scope(creditor):
            entries = list(LedgerEntry.objects.filter(case=case))
        now = balance(creditor)
        principal_entries = sum((e.amount for e in entries if e.component == Component.PRINCIPAL), Decimal(0))
        assert now.principal == principal_entries == Decimal("2500.00") - credited
        assert sum(e.amount for e in entries if e.kind == EntryKind.CREDIT) == -credited
        assert now.fees >= 0 and now.overpayment == 0
        if credited == Decimal("2500.00"):
            assert (case.stage, case.closed_reason) == (Stage.CLOSED, ClosedReason.CREDITED)
            assert now.total == 0
        else:
            assert case.stage != Stage.CLOSED
            assert now.interest == expected_interest(Decimal("2500.00"), [(credited_on, -credited)])
        transaction.set_rollback(True)
