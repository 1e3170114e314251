"""The creditor's overview (Översikt): each figure on a small known portfolio, tenants apart,
a fixed number of queries however many cases, and charts that say their figures in words."""
import datetime
import re
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.limitation import nearing_limitation
from cases.models import Case
from cases.selectors import case_limitation
from cases.stages import Stage
from core.tenancy import creditor_scope
from creditors.models import Role
from creditors.services import membership_add
from debtors.models import Category, CustomerType
from dunning.balances import case_balance, case_letter_record
from dunning.holds import case_dispute, case_withdraw
from dunning.models import QueueItem, QueueKind
from dunning.rows import queue_row
from letters.models import Letter, LetterKind
from payments.services import payment_register
from portal import charts
from portal.overview import ageing_bucket, cases_nearing_limitation, latest_start_nearing
from portal.selectors import portfolio_overview
from tests.factories import DebtorFactory, make_case
from tests.portal.members import sign_in_user

PASSWORD = "a-long-demo-password"
TODAY = datetime.date(2026, 11, 23)
NOON = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def browser(client, creditor):
    with creditor_scope(creditor):
        staff = membership_add(creditor=creditor, email="staff@acme.se", role=Role.STAFF, password=PASSWORD).user
    return sign_in_user(client, staff)


def _case(creditor, *, category=Category.NORMAL, amount="1000.00", due: datetime.date,
          customer_type=CustomerType.CONSUMER, **invoice_fields) -> Case:
    with creditor_scope(creditor):
        debtor = DebtorFactory(creditor=creditor, category=category, customer_type=customer_type)
    return make_case(creditor, amount=Decimal(amount), due_date=due, debtor=debtor, **invoice_fields)


def _pay_in_full(creditor, case: Case, on: datetime.date):
    """Pay what the case owes on `on` (principal and the interest accrued): it closes as paid."""
    with creditor_scope(creditor):
        payment = payment_register(case=case, amount=case_balance(case, as_of=on).total, paid_on=on)
        case.refresh_from_db()
    assert case.stage == Stage.CLOSED and case.closed_on == on
    return payment


def _portfolio(creditor) -> dict:
    """Four open cases, one in each ageing bucket; six closed, across quarters and categories.

    | case | category | due        | what happened                               |
    |------|----------|------------|---------------------------------------------|
    | A    | normal   | 2026-11-13 | open, 10 days                               |
    | B    | risk     | 2026-10-14 | open, 40 days                               |
    | C    | vip      | 2026-09-14 | disputed 2026-10-01: on hold, 70 days       |
    | D    | normal   | 2026-06-01 | 500 paid 2026-10-05, open, 175 days         |
    | E    | risk     | 2026-08-01 | paid 2026-09-10 (Q3, 40 days late)          |
    | F    | normal   | 2026-10-01 | paid 2026-11-02 (Q4, 32 days late)          |
    | G    | risk     | 2026-09-01 | withdrawn 2026-11-05 (Q4, not paid)         |
    | J    | risk     | 2026-09-15 | paid 2026-10-20 (Q4, 35 days late)          |
    | H    | normal   | 2026-01-10 | paid 2026-02-15 (Q1, outside DSO's 90 days) |
    | I    | normal   | 2025-10-01 | paid 2025-11-20 (before the 12 months)      |
    """
    c = {
        "A": _case(creditor, due=D(2026, 11, 13), amount="1000.00"),
        "B": _case(creditor, due=D(2026, 10, 14), amount="2000.00", category=Category.RISK),
        "C": _case(creditor, due=D(2026, 9, 14), amount="3000.00", category=Category.VIP),
        "D": _case(creditor, due=D(2026, 6, 1), amount="4000.00"),
        "E": _case(creditor, due=D(2026, 8, 1), amount="1500.00", category=Category.RISK),
        "F": _case(creditor, due=D(2026, 10, 1), amount="800.00"),
        "G": _case(creditor, due=D(2026, 9, 1), amount="700.00", category=Category.RISK),
        "J": _case(creditor, due=D(2026, 9, 15), amount="600.00", category=Category.RISK),
        "H": _case(creditor, due=D(2026, 1, 10), amount="1200.00"),
        "I": _case(creditor, due=D(2025, 10, 1), amount="900.00"),
    }
    paid = {}
    with creditor_scope(creditor):
        case_dispute(case=c["C"], on=D(2026, 10, 1), text="Varan kom aldrig")
        paid["D"] = payment_register(case=c["D"], amount=Decimal("500.00"), paid_on=D(2026, 10, 5)).amount
        case_withdraw(case=c["G"], on=D(2026, 11, 5))
        QueueItem.objects.create(**queue_row(case=c["A"], kind=QueueKind.ADDRESS_MISSING, on=TODAY)._asdict())
        QueueItem.objects.create(**queue_row(case=c["B"], kind=QueueKind.PAYMENT_ORDER_REVIEW, on=TODAY)._asdict())
    for key, on in (("E", D(2026, 9, 10)), ("F", D(2026, 11, 2)), ("J", D(2026, 10, 20)), ("H", D(2026, 2, 15)),
                    ("I", D(2025, 11, 20))):
        paid[key] = _pay_in_full(creditor, c[key], on).amount
    return {"cases": c, "paid": paid}


def _overview(creditor):
    with creditor_scope(creditor):
        return portfolio_overview()


def test_ageing_buckets_hold_the_open_cases_by_days_past_due_with_their_balances(creditor):
    portfolio = _portfolio(creditor)
    overview = _overview(creditor)
    with creditor_scope(creditor):
        owed = {key: case_balance(Case.objects.get(pk=case.pk)).total for key, case in portfolio["cases"].items()
                if key in "ABCD"}
    assert [(b.label, b.cases, b.outstanding) for b in overview.ageing] == [
        ("0–30 dagar", 1, owed["A"]), ("31–60 dagar", 1, owed["B"]), ("61–90 dagar", 1, owed["C"]),
        ("Över 90 dagar", 1, owed["D"]),
    ]
    assert sum(b.outstanding for b in overview.ageing) == overview.outstanding.total
    assert overview.overdue == owed["D"] and overview.overdue_cases == 1
    assert owed["D"] < Decimal("4000.00")  # the 500 paid, less the interest it paid first


@pytest.mark.parametrize("days, bucket", [(0, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (4000, 3),
                                          (-3, 0)])
def test_the_bucket_edges_are_the_case_lists(days, bucket):
    assert ageing_bucket(days) == bucket


def test_recovered_is_the_payments_on_cases_per_month_for_twelve_months(creditor):
    paid = _portfolio(creditor)["paid"]
    overview = _overview(creditor)
    months = {month.first_day: month.recovered for month in overview.recovered}
    assert list(months) == [D(2025, 12, 1), *(D(2026, m, 1) for m in range(1, 12))]
    assert months[D(2026, 2, 1)] == paid["H"]
    assert months[D(2026, 9, 1)] == paid["E"]
    assert months[D(2026, 10, 1)] == paid["D"] + paid["J"]
    assert months[D(2026, 11, 1)] == paid["F"] == overview.this_month.recovered
    assert sum(months.values()) == paid["H"] + paid["E"] + paid["D"] + paid["J"] + paid["F"]  # not I's, in 2025-11
    assert overview.previous_month.name == "oktober 2026"


def test_cases_per_stage_and_category(creditor):
    _portfolio(creditor)
    overview = _overview(creditor)
    table = {row.stage: dict(row.cells) for row in overview.stage_rows}
    assert table[Stage.REMINDER] == {"risk": 1, "normal": 2, "vip": 0}
    assert table[Stage.ON_HOLD] == {"risk": 0, "normal": 0, "vip": 1}
    assert table[Stage.CLOSED] == {"risk": 3, "normal": 3, "vip": 0}
    assert table[Stage.COLLECTION] == table[Stage.LEGAL] == {"risk": 0, "normal": 0, "vip": 0}
    assert overview.open_cases == 4 and overview.by_stage[Stage.CLOSED] == 6


def test_recovery_rate_per_quarter_and_category(creditor):
    _portfolio(creditor)
    overview = _overview(creditor)
    quarters = {q.label: {label: (r.paid, r.closed, r.rate) for label, r in q.categories} for q in overview.recovery}
    assert list(quarters) == ["K1 2026", "K2 2026", "K3 2026", "K4 2026"]
    assert quarters["K1 2026"] == {"Risk": (0, 0, None), "Normal": (1, 1, Decimal(1)), "VIP": (0, 0, None)}
    assert quarters["K2 2026"] == {"Risk": (0, 0, None), "Normal": (0, 0, None), "VIP": (0, 0, None)}
    assert quarters["K3 2026"]["Risk"] == (1, 1, Decimal(1))
    assert quarters["K4 2026"] == {"Risk": (1, 2, Decimal("0.5")), "Normal": (1, 1, Decimal(1)),
                                   "VIP": (0, 0, None)}
    assert overview.recovery[-1].total.percent == "67\u00a0%"  # 2 of 3


def test_dso_is_the_average_days_from_due_date_to_paid_over_90_days(creditor):
    _portfolio(creditor)
    dso = _overview(creditor).dso
    assert dso.cases == 3  # E, F, J; H was paid in February
    assert dso.days == Decimal("35.7")  # (40 + 32 + 35) / 3


def test_what_needs_the_creditor(creditor):
    _portfolio(creditor)
    attention = _overview(creditor).attention
    assert (attention.disputes, attention.disputes_to_decide, attention.address_missing, attention.payment_orders,
            attention.nearing_limitation) == (1, 1, 1, 1, 0)


def test_another_creditors_cases_never_count(creditor, other_creditor):
    _portfolio(creditor)
    before = _overview(creditor)
    _portfolio(other_creditor)
    _case(other_creditor, due=D(2023, 1, 10), invoice_date=D(2023, 1, 1))  # nearing limitation, theirs
    assert _overview(creditor) == before
    theirs = _overview(other_creditor)
    assert theirs.attention.nearing_limitation == 1 and theirs.open_cases == 5


def test_nearing_limitation_is_set_based_and_agrees_with_each_cases_own_date(creditor):
    """The cut-off for a consumer on 2026-11-23: three years before the day 90 days ahead (2027-02-21)."""
    assert latest_start_nearing(today=TODAY, is_consumer=True) == D(2024, 2, 21)
    assert latest_start_nearing(today=TODAY, is_consumer=False) == D(2017, 2, 21)
    company = CustomerType.COMPANY
    cases = {
        "old": _case(creditor, due=D(2023, 10, 31), invoice_date=D(2023, 10, 1)),
        "paid since": _case(creditor, due=D(2023, 10, 31), invoice_date=D(2023, 10, 1)),
        "letter since": _case(creditor, due=D(2023, 10, 31), invoice_date=D(2023, 10, 1)),
        "on the cut-off": _case(creditor, due=D(2024, 3, 1), invoice_date=D(2024, 2, 21)),
        "a day after": _case(creditor, due=D(2024, 3, 1), invoice_date=D(2024, 2, 22)),
        "company": _case(creditor, due=D(2023, 10, 31), invoice_date=D(2023, 10, 1), customer_type=company),
        "old company": _case(creditor, due=D(2016, 12, 1), invoice_date=D(2016, 11, 1), customer_type=company),
        "closed": _case(creditor, due=D(2023, 10, 31), invoice_date=D(2023, 10, 1)),
    }
    with creditor_scope(creditor):
        payment_register(case=cases["paid since"], amount=Decimal("100.00"), paid_on=D(2024, 6, 1))
        Letter.objects.create(**case_letter_record(case=cases["letter since"], kind=LetterKind.REMINDER,
                                                   sent_on=D(2024, 3, 1), deadline=D(2024, 3, 15)))
        case_withdraw(case=cases["closed"], on=D(2024, 1, 2))
        found = set(cases_nearing_limitation(today=TODAY).values_list("pk", flat=True))
        one_by_one = {case.pk for case in Case.objects.select_related("invoice", "debtor").exclude(stage=Stage.CLOSED)
                      if nearing_limitation(case_limitation(case), TODAY)}
    assert found == one_by_one == {cases[key].pk for key in ("old", "on the cut-off", "old company")}


def test_the_page_shows_the_figures_and_links_to_the_case_list(browser, creditor):
    paid = _portfolio(creditor)["paid"]
    page = browser.get("/").content.decode()
    assert 'href="/cases/?stage=on_hold&amp;hold=dispute"' in page
    for needs in ("limitation", "address_missing", "payment_order", "dispute"):
        assert f'href="/cases/?needs={needs}"' in page
    assert 'href="/cases/?stage=reminder&amp;category=risk"' in page
    assert "Över 90 dagar" in page and "36 dagar" in page  # DSO 35,7
    october = charts.money_text(paid["D"] + paid["J"])
    assert f"oktober 2026: {october}" in page  # the recovered chart's text, and the table's figure
    assert "K4 2026 (hittills): Risk 50\u00a0% (1 av 2 betalda)" in page


def test_an_empty_portfolio_shows_zeros_and_dashes(browser):
    page = browser.get("/").content.decode()
    assert "Inget ärende betalt under perioden" in page and ">–<" in page
    assert page.count('<rect class="bar') == 12  # a month's bar of height 0 each; no quarter has a rate


def test_the_number_of_queries_does_not_grow_with_the_cases(browser, creditor):
    def page_queries(cases: int) -> int:
        for n in range(cases - Case.objects.with_scopes_disabled().count()):
            case = _case(creditor, due=D(2026, 3, 1) + datetime.timedelta(days=7 * n),
                         category=Category.values[n % 3])
            if n % 3 == 0:
                _pay_in_full(creditor, case, D(2026, 11, 20))
            elif n % 3 == 1:
                with creditor_scope(creditor):
                    payment_register(case=case, amount=Decimal("10.00"), paid_on=D(2026, 11, 20))
        with CaptureQueriesContext(connection) as queries:
            assert browser.get("/").status_code == 200
        return len(queries.captured_queries)

    few = page_queries(3)
    assert page_queries(30) == few
    assert few <= 20, few


def test_a_bar_chart_says_its_figures_in_words():
    bars = [charts.Bar(label="jan", value=Decimal("1500.00"), text="januari 2026: 1 500,00 kr"),
            charts.Bar(label="feb", value=Decimal("0.00"), text="februari 2026: 0,00 kr"),
            charts.Bar(label="<mar>", value=Decimal("3000.00"), text="mars & april", css="current")]
    svg = str(charts.bar_chart(bars, chart_id="paid", title="Inbetalt per månad"))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="paid-title paid-desc"' in svg
    assert '<title id="paid-title">Inbetalt per månad</title>' in svg
    assert '<desc id="paid-desc">januari 2026: 1 500,00 kr; februari 2026: 0,00 kr; mars &amp; april</desc>' in svg
    assert "&lt;mar&gt;" in svg and "<mar>" not in svg
    heights = [float(h) for h in re.findall(r'<rect class="bar[^"]*" x="[^"]+" y="[^"]+" width="[^"]+" '
                                            r'height="([^"]+)"', svg)]
    assert heights[1] == 0 and heights[2] == pytest.approx(2 * heights[0], abs=0.1)
    assert ">4\u00a0tkr<" in svg  # the axis: 0, 1, 2, 3, 4 tkr
    assert "script" not in svg and "http://www.w3.org/2000/svg" in svg


def test_a_grouped_chart_draws_no_bar_where_nothing_closed():
    groups = [charts.Group(label="K1 2026", values=[Decimal("0.5"), None, Decimal(1)], text="K1 2026: …")]
    svg = str(charts.grouped_bar_chart(groups, series_css=["series-risk", "series-normal", "series-vip"],
                                       chart_id="rates", title="Andel betalda"))
    assert svg.count('<rect class="bar') == 2 and ">–<" in svg
    assert ">50<" in svg and ">100<" in svg and ">100\u00a0%<" in svg  # the bars' labels and the axis's top


@pytest.mark.parametrize("largest, step", [(Decimal(0), Decimal(1)), (Decimal(3000), Decimal(1000)),
                                           (Decimal("311973.18"), Decimal(100000)), (Decimal(9), Decimal("2.5")),
                                           (Decimal(1), Decimal("0.25"))])
def test_the_axis_steps_are_round(largest, step):
    assert charts.nice_step(largest) == step
    assert charts.nice_step(largest) * charts.TICKS >= largest


@pytest.mark.parametrize("value, text", [(Decimal(0), "0\u00a0kr"), (Decimal(500), "500\u00a0kr"),
                                         (Decimal(25000), "25\u00a0tkr"), (Decimal(2500), "2,5\u00a0tkr"),
                                         (Decimal(1500000), "1,5\u00a0mkr")])
def test_axis_labels_in_swedish_short_form(value, text):
    assert charts.kronor_tick(value) == text


def test_a_large_portfolios_balances_follow_the_page(browser, creditor, monkeypatch):
    monkeypatch.setattr("portal.case_views.OUTSTANDING_INLINE_MAX", 1)  # "large": more than one open case
    make_case(creditor, amount="1000.00")
    make_case(creditor, amount="500.00")
    page = browser.get("/").content.decode().replace("\u00a0", " ")
    assert 'hx-get="/overview/outstanding"' in page and "1 500,00 kr" not in page  # the rest came without them
    fragment = browser.get("/overview/outstanding").content.decode().replace("\u00a0", " ")
    assert 'id="outstanding-cards"' in fragment and 'id="ageing" hx-swap-oob="true"' in fragment
    assert "2 öppna ärenden · kapital 1 500,00 kr" in fragment
    inline = browser.get("/?outstanding=1").content.decode().replace("\u00a0", " ")  # without JavaScript
    assert "2 öppna ärenden · kapital 1 500,00 kr" in inline and "hx-get" not in inline.split("<main>")[1]
