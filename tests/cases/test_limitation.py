import datetime

from cases.limitation import limitation_date, nearing_limitation
from cases.selectors import case_limitation
from cycle.run import run_cycle
from tests.factories import DebtorFactory, make_case

D = datetime.date


def test_three_years_for_a_consumer_ten_for_a_business():
    assert limitation_date(arose_on=D(2026, 2, 1), is_consumer=True, demands_sent=[]) == D(2029, 2, 1)
    assert limitation_date(arose_on=D(2026, 2, 1), is_consumer=False, demands_sent=[]) == D(2036, 2, 1)


def test_a_written_demand_starts_a_new_period():
    assert limitation_date(arose_on=D(2024, 2, 29), is_consumer=True,
                           demands_sent=[D(2024, 3, 10), D(2025, 1, 15)]) == D(2028, 1, 15)
    assert limitation_date(arose_on=D(2024, 2, 29), is_consumer=True, demands_sent=[]) == D(2027, 2, 28)


def test_a_payment_acknowledges_the_claim_and_starts_a_new_period():
    assert limitation_date(arose_on=D(2024, 2, 29), is_consumer=False, demands_sent=[D(2024, 3, 10)],
                           paid_on=[D(2025, 6, 30)]) == D(2035, 6, 30)


def test_warning_ninety_days_before():
    assert not nearing_limitation(D(2029, 2, 1), D(2028, 11, 2))
    assert nearing_limitation(D(2029, 2, 1), D(2028, 11, 3))


def test_a_case_counts_from_its_latest_letter(scoped):
    case = make_case(scoped, due_date=D(2026, 3, 2))
    assert case_limitation(case) == D(2029, 1, 31)  # invoice dated 30 days before the due date
    run_cycle(creditor=scoped, day=D(2026, 3, 12))
    assert case_limitation(case) == D(2029, 3, 12)
    company = make_case(scoped, due_date=D(2026, 3, 2), debtor=DebtorFactory(creditor=scoped, customer_type="company"))
    assert case_limitation(company) == D(2036, 1, 31)


def test_a_case_counts_from_its_latest_payment_too(scoped):
    from decimal import Decimal

    from core.tenancy import creditor_scope
    from payments.services import payment_register

    case = make_case(scoped, amount=Decimal("1000.00"), due_date=D(2026, 3, 2))
    run_cycle(creditor=scoped, day=D(2026, 3, 12))  # a reminder, sent that day
    with creditor_scope(scoped):
        payment_register(case=case, amount=Decimal("100.00"), paid_on=D(2026, 4, 20), source="direct")
    assert case_limitation(case) == D(2029, 4, 20)
