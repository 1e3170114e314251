"""The creditor's case list: find a case by what is at hand, narrow, order, page and export it."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from core.tenancy import creditor_scope
from creditors.models import Role
from debtors.models import Category
from dunning.holds import case_dispute
from tests.factories import DebtorFactory, make_case
from tests.portal.members import sign_in


@pytest.fixture
def browser(client, creditor):
    return sign_in(client, creditor, Role.READ_ONLY)


def debtor(creditor, **fields):
    with creditor_scope(creditor):
        return DebtorFactory(creditor=creditor, **fields)


def listed(browser, query: str) -> str:
    response = browser.get(f"/cases/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def numbers(page: str, cases) -> list[str]:
    """The invoice numbers of `cases` that the page lists, in the page's order."""
    found = [(page.find(f">{case.invoice.invoice_number}<"), case.invoice.invoice_number) for case in cases]
    return [number for position, number in sorted(found) if position >= 0]


@pytest.fixture
def portfolio(creditor, other_creditor):
    today = timezone.localdate()
    anna = debtor(creditor, name="Anna Andersson", customer_number="K-100", identity_number="19811218-9876",
                  category=Category.RISK)
    bygg = debtor(creditor, name="Berg Bygg AB", customer_number="K-200", identity_number="556016-0680")
    cases = {
        "anna": make_case(creditor, amount="1200.00", debtor=anna, due_date=today - datetime.timedelta(days=10)),
        "bygg": make_case(creditor, amount="45000.00", debtor=bygg, due_date=today - datetime.timedelta(days=75)),
        "old": make_case(creditor, amount="300.00", debtor=bygg, due_date=today - datetime.timedelta(days=200)),
        # Another creditor's debtor of the same name and customer number is never found.
        "theirs": make_case(other_creditor, amount="999.00", due_date=today - datetime.timedelta(days=10),
                            debtor=debtor(other_creditor, name="Anna Andersson", customer_number="K-100",
                                          identity_number="19811218-9876")),
    }
    return cases


@pytest.mark.parametrize("text", ["anders", "K-100", "k-100", "19811218-9876", "811218-9876", "198112189876"])
def test_a_case_is_found_by_the_debtors_name_customer_or_identity_number(browser, portfolio, text):
    page = listed(browser, f"q={text}")
    assert numbers(page, portfolio.values()) == [portfolio["anna"].invoice.invoice_number]


def test_a_case_is_found_by_its_ocr_reference_or_invoice_number(browser, portfolio):
    bygg = portfolio["bygg"]
    assert numbers(listed(browser, f"q={bygg.ocr_reference}"), portfolio.values()) == [bygg.invoice.invoice_number]
    assert numbers(listed(browser, f"q={bygg.invoice.invoice_number.lower()}"),
                   portfolio.values()) == [bygg.invoice.invoice_number]
    assert "Inga ärenden matchar sökningen." in listed(browser, "q=Ingen+Alls")


def test_filters_narrow_the_list(browser, portfolio):
    anna, bygg, old = portfolio["anna"], portfolio["bygg"], portfolio["old"]
    assert numbers(listed(browser, "category=risk"), portfolio.values()) == [anna.invoice.invoice_number]
    assert numbers(listed(browser, "overdue=61-90"), portfolio.values()) == [bygg.invoice.invoice_number]
    assert numbers(listed(browser, "overdue=90%2B"), portfolio.values()) == [old.invoice.invoice_number]
    assert set(numbers(listed(browser, "amount_min=1+000&amount_max=50000"), portfolio.values())) == {
        anna.invoice.invoice_number, bygg.invoice.invoice_number}
    with creditor_scope(bygg.creditor_id):
        case_dispute(case=bygg, on=timezone.localdate(), text="Fel antal")
    assert numbers(listed(browser, "needs=dispute"), portfolio.values()) == [bygg.invoice.invoice_number]
    assert numbers(listed(browser, "stage=on_hold&hold=dispute"), portfolio.values()) == [bygg.invoice.invoice_number]


def test_a_filter_it_does_not_know_is_named_and_narrows_nothing(browser, portfolio):
    page = listed(browser, "stage=nonsense&amount_min=tusen")
    assert "Okänt val; filtret används inte." in page and "Ange ett belopp i kronor" in page
    assert len(numbers(page, portfolio.values())) == 3


def test_the_list_is_ordered_by_the_column_asked(browser, portfolio):
    anna, bygg, old = (portfolio[key].invoice.invoice_number for key in ("anna", "bygg", "old"))
    assert numbers(listed(browser, "sort=amount"), portfolio.values()) == [old, anna, bygg]
    assert numbers(listed(browser, "sort=-amount"), portfolio.values()) == [bygg, anna, old]
    assert numbers(listed(browser, "sort=due"), portfolio.values()) == [old, bygg, anna]
    page = listed(browser, "q=Berg&sort=amount")
    # The heading of the column it is ordered by says so, and links to the other way round.
    assert 'aria-sort="ascending"><a href="?q=Berg&amp;sort=-amount">Fakturabelopp ↑</a>' in page


def test_pages_keep_the_search(browser, creditor, settings, monkeypatch):
    monkeypatch.setattr("portal.case_views.CASES_PER_PAGE", 2)
    bygg = debtor(creditor, name="Berg Bygg AB")
    for amount in ("100.00", "200.00", "300.00"):
        make_case(creditor, amount=amount, debtor=bygg)
    make_case(creditor, amount="400.00")
    first = listed(browser, "q=Berg&sort=amount")
    assert "3 ärenden som matchar sökningen, sida 1 av 2" in first
    assert 'href="?q=Berg&amp;sort=amount&amp;page=2"' in first


def test_the_export_holds_what_the_list_shows_and_runs_no_formula(browser, creditor, portfolio):
    sly = debtor(creditor, name='=HYPERLINK("http://evil.example","klicka")', customer_number="K-300")
    sly_case = make_case(creditor, amount="500.00", debtor=sly)
    response = browser.get("/cases/export.csv?amount_max=1000&sort=amount")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["Ärende", "Faktura", "Kundnummer", "Kund"]
    assert [row[1] for row in rows[1:]] == [portfolio["old"].invoice.invoice_number,
                                            sly_case.invoice.invoice_number]
    assert rows[2][3] == "'=HYPERLINK(\"http://evil.example\",\"klicka\")"  # text, not a formula
    assert rows[1][8] == "300.00" and Decimal(rows[1][12]) > 300  # amounts are numbers; interest has run

    response = browser.get("/cases/export.xlsx?amount_max=1000&sort=amount")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3 and values[2][3] == '=HYPERLINK("http://evil.example","klicka")'
    assert sheet.cell(row=3, column=4).data_type == "s" and values[1][8] == 300


def test_the_lists_queries_do_not_grow_with_its_rows(browser, creditor):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert browser.get("/cases/?sort=-amount&category=normal").status_code == 200
        return len(captured)

    for _ in range(3):
        make_case(creditor, amount="100.00")
    few = queries()
    for _ in range(30):
        make_case(creditor, amount=Decimal("250.00"))
    assert queries() == few


def test_another_creditors_member_never_sees_these_cases(client, portfolio, other_creditor):
    sign_in(client, other_creditor, Role.ADMIN, "them@other.se")
    page = client.get("/cases/?q=Berg").content.decode()
    assert "Berg Bygg AB" not in page
    exported = b"".join(client.get("/cases/export.csv").streaming_content).decode("utf-8-sig")
    assert portfolio["theirs"].invoice.invoice_number in exported
    assert portfolio["anna"].invoice.invoice_number not in exported


def test_cases_close_to_limitation_are_one_filter_away(browser, creditor, portfolio):
    old = make_case(creditor, amount="700.00", due_date=datetime.date(2023, 12, 1),
                    invoice_date=datetime.date(2023, 11, 1))
    page = listed(browser, "needs=limitation")
    assert numbers(page, [*portfolio.values(), old]) == [old.invoice.invoice_number]
