"""A re-sent payment CSV books nothing twice: its repeated payments wait for an agent (payments.duplicates)."""
import datetime
import io
import itertools
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Payment, PaymentFile
from cases.stages import Stage
from core.tenancy import creditor_scope, scopes_disabled
from dunning.balances import case_balance
from payments.importing import payment_assign, payments_import
from payments.services import payment_register
from tests.factories import make_case
from tests.portal.members import sign_in_user

from .test_batch import state

PAID_ON = datetime.date(2026, 11, 20)
HEADER = "ocr_reference;amount;paid_on;payer"


@pytest.fixture
def cases(creditor, other_creditor):
    with creditor_scope(creditor):
        mine = make_case(creditor, amount=Decimal("1000.00"), due_date=datetime.date(2026, 11, 10))
    with creditor_scope(other_creditor):
        theirs = make_case(other_creditor, amount=Decimal("500.00"), due_date=datetime.date(2026, 11, 10))
    return mine, theirs


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return (header + "\n" + "\n".join(lines) + "\n").encode("cp1252")


def balances(*cases) -> list:
    out = []
    for case in cases:
        with creditor_scope(case.creditor):
            case.refresh_from_db()
            balance = case_balance(case, as_of=PAID_ON)
            out.append((case.stage, balance.total, balance.overpayment))
    return out


def held() -> list[Payment]:
    with scopes_disabled():
        return list(Payment.objects.filter(duplicate_of__isnull=False).order_by("record"))


def test_a_resent_csv_with_one_changed_byte_books_nothing_again(cases):
    mine, theirs = cases
    with creditor_scope(mine.creditor):
        owed = case_balance(mine, as_of=PAID_ON).total
    data = csv_file(f"{mine.ocr_reference};{owed};{PAID_ON};Anna Åström", f"{theirs.ocr_reference};200,00;{PAID_ON};Bo Ek")
    first = payments_import(name="in.csv", data=data)
    assert first.matched.count == 2 and first.possible_duplicates.count == 0
    before = balances(mine, theirs)
    assert before[0] == (Stage.CLOSED, 0, 0)

    again = payments_import(name="in (1).csv", data=data + b"\n")  # a trailing newline: another SHA-256
    assert again.already_imported_at is None
    assert (again.matched.count, again.unmatched.count, again.overpaid.count) == (0, 0, 0)
    assert (again.possible_duplicates.count, again.possible_duplicates.amount) == (2, owed + Decimal("200.00"))
    assert balances(mine, theirs) == before  # no phantom overpayment owed back
    with scopes_disabled():
        originals = {p.record: p for p in Payment.objects.filter(file_id=first.file_id)}
    kept = held()
    assert [(p.case_id, p.duplicate_of_id, p.file_id, p.record) for p in kept] == [
        (None, originals[2].pk, again.file_id, 2), (None, originals[3].pk, again.file_id, 3)]
    assert kept[0].unmatched_reason == f"possible duplicate of payment #{originals[2].pk} (file in.csv, row 2)"
    assert [p.creditor_id for p in kept] == [mine.creditor_id, theirs.creditor_id]  # as the first: its creditor's
    with scopes_disabled():
        assert PaymentFile.objects.get(pk=again.file_id).summary["possible_duplicates"] == {
            "count": 2, "amount": str(owed + Decimal("200.00"))}


def test_a_resent_csv_with_a_row_added_books_only_the_new_row(cases):
    mine, theirs = cases
    rows = [f"{mine.ocr_reference};100,00;{PAID_ON};X", f"{theirs.ocr_reference};50,00;{PAID_ON};Y"]
    payments_import(name="monday.csv", data=csv_file(*rows))
    again = payments_import(name="tuesday.csv", data=csv_file(*rows, f"{mine.ocr_reference};100,00;{PAID_ON};Z"))
    assert (again.possible_duplicates.count, again.matched.count) == (2, 1)
    with creditor_scope(mine.creditor):
        assert sorted(Payment.objects.filter(case=mine).values_list("payer", flat=True)) == ["X", "Z"]


def test_a_payment_with_another_amount_date_or_payer_is_a_new_payment(cases):
    mine, _ = cases
    payments_import(name="a.csv", data=csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X"))
    again = payments_import(name="b.csv", data=csv_file(
        f"{mine.ocr_reference};100,01;{PAID_ON};X", f"{mine.ocr_reference};100,00;{PAID_ON - datetime.timedelta(1)};X",
        f"{mine.ocr_reference};100,00;{PAID_ON};Y", f"{mine.ocr_reference};100;{PAID_ON};X"))
    assert (again.matched.count, again.possible_duplicates.count) == (3, 1)  # 100 is 100,00: the same payment
    assert [p.record for p in held()] == [5]


def test_the_same_csv_byte_for_byte_is_already_imported(cases):
    mine, _ = cases
    data = csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X")
    payments_import(name="in.csv", data=data)
    again = payments_import(name="in.csv", data=data)
    assert again.already_imported_at is not None and "nothing imported" in str(again)
    assert held() == []


def test_equal_rows_in_one_file_are_separate_payments_and_a_resend_holds_as_many(cases):
    # Two equal instalments on one day are real; what repeats them is a second file.
    mine, _ = cases
    row = f"{mine.ocr_reference};100,00;{PAID_ON};X"
    first = payments_import(name="a.csv", data=csv_file(row, row))
    assert (first.matched.count, first.possible_duplicates.count) == (2, 0)
    again = payments_import(name="b.csv", data=csv_file(row, row, row))  # earlier files had two: one is new
    assert (again.possible_duplicates.count, again.matched.count) == (2, 1)
    with scopes_disabled():
        firsts = list(Payment.objects.filter(file_id=first.file_id).order_by("record").values_list("pk", flat=True))
    assert [p.duplicate_of_id for p in held()] == firsts  # each points at its own first, not both at one
    third = payments_import(name="c.csv", data=csv_file(row, row, row, "\n"))
    assert (third.possible_duplicates.count, third.matched.count) == (3, 0)
    fourth = payments_import(name="d.csv", data=csv_file(row, row, row, row, "\n"))
    assert (fourth.possible_duplicates.count, fourth.matched.count) == (3, 1)  # the held ones are not payments
    with creditor_scope(mine.creditor):
        assert Payment.objects.filter(case=mine).count() == 4


def test_a_held_payment_an_agent_finds_real_is_assigned_and_booked(cases):
    mine, _ = cases
    row = f"{mine.ocr_reference};100,00;{PAID_ON};X"
    payments_import(name="a.csv", data=csv_file(row))
    payments_import(name="b.csv", data=csv_file(row, ""))
    [kept] = held()
    with creditor_scope(mine.creditor):
        principal = case_balance(mine, as_of=PAID_ON).principal
    payment_assign(payment=kept, case=mine)
    with creditor_scope(mine.creditor):
        assert case_balance(mine, as_of=PAID_ON).principal < principal
        kept.refresh_from_db()
        assert (kept.case_id, kept.unmatched_reason) == (mine.pk, "")
    # Once booked it is a payment of its own: a third copy of the file is held against both.
    third = payments_import(name="c.csv", data=csv_file(row, row, ""))
    assert third.possible_duplicates.count == 2


def test_a_resent_unmatched_payment_is_held_not_kept_twice_for_an_agent(cases):
    payments_import(name="a.csv", data=csv_file(f"faktura 1234;25,00;{PAID_ON};Z"))
    again = payments_import(name="b.csv", data=csv_file(f"faktura 1234;25,00;{PAID_ON};Z", ""))
    assert (again.unmatched.count, again.possible_duplicates.count) == (0, 1)
    with scopes_disabled():
        first = Payment.objects.get(file_id=PaymentFile.objects.get(name="a.csv").pk)
    assert held()[0].duplicate_of_id == first.pk and first.free_text == "faktura 1234"


def test_the_account_is_whose_export_the_file_is(cases):
    mine, _ = cases
    row = f"{mine.ocr_reference};100,00;{PAID_ON};X"
    payments_import(name="own.csv", creditor=mine.creditor, data=csv_file(row))
    agency = payments_import(name="agency.csv", data=csv_file(row, ""))  # the agency's account: another payment
    assert (agency.matched.count, agency.possible_duplicates.count) == (1, 0)
    own_again = payments_import(name="own-2.csv", creditor=mine.creditor, data=csv_file(row, "", ""))
    assert (own_again.matched.count, own_again.possible_duplicates.count) == (0, 1)
    with scopes_disabled():
        own = Payment.objects.get(file__name="own.csv")
        assert PaymentFile.objects.get(name="own.csv").exported_by_id == mine.creditor_id
    assert held()[0].duplicate_of_id == own.pk


BANK = "ocr_reference;amount;paid_on;payer;bank_reference"


def test_a_bank_reference_is_the_identity(cases):
    mine, _ = cases
    rows = [f"{mine.ocr_reference};100,00;{PAID_ON};X;R1", f"{mine.ocr_reference};100,00;{PAID_ON};X;R2"]
    first = payments_import(name="a.csv", data=csv_file(*rows, header=BANK))
    assert first.matched.count == 2  # equal but for the bank's reference: two payments
    again = payments_import(name="b.csv", data=csv_file(*rows, f"{mine.ocr_reference};100,00;{PAID_ON};X;R3",
                                                        header=BANK))
    assert (again.duplicates.count, again.possible_duplicates.count, again.matched.count) == (2, 0, 1)
    assert "duplicates skipped 2 (200,00 kr), possible duplicates 0 (0,00 kr)" in str(again).replace("\u00a0", " ")
    with creditor_scope(mine.creditor):
        assert sorted(Payment.objects.values_list("reference", flat=True)) == ["R1", "R2", "R3"]
    other = payments_import(name="c.csv", data=csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X;R4", header=BANK))
    assert (other.matched.count, other.possible_duplicates.count) == (1, 0)


def test_a_row_repeating_a_bank_reference_leaves_the_rows_without_one_free(cases):
    # R1 came again: that is the earlier payment, so an equal row without a reference is another.
    mine, _ = cases
    payments_import(name="a.csv", data=csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X;R1", header=BANK))
    again = payments_import(name="b.csv", data=csv_file(
        f"{mine.ocr_reference};100,00;{PAID_ON};X;R1", f"{mine.ocr_reference};100,00;{PAID_ON};X;", header=BANK))
    assert (again.duplicates.count, again.possible_duplicates.count, again.matched.count) == (1, 0, 1)


def test_a_row_with_a_bank_reference_equal_to_an_earlier_one_without_is_held(cases):
    # The same export, once without the column: the reference cannot tell, the values can.
    mine, _ = cases
    payments_import(name="a.csv", data=csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X"))
    again = payments_import(name="b.csv", data=csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X;R1", header=BANK))
    assert (again.matched.count, again.possible_duplicates.count) == (0, 1)
    assert held()[0].reference == "R1"


def test_the_command_counts_possible_duplicates(cases, tmp_path):
    mine, _ = cases
    path = tmp_path / "in.csv"
    path.write_bytes(csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X"))
    call_command("import_payments", str(path), stdout=io.StringIO())
    path.write_bytes(csv_file(f"{mine.ocr_reference};100,00;{PAID_ON};X", f"123;5,00;{PAID_ON};Y"))
    out = io.StringIO()
    call_command("import_payments", str(path), stdout=out)
    assert "unmatched 1 (5,00 kr), overpaid 0 (0,00 kr), duplicates skipped 0 (0,00 kr), " \
           "possible duplicates 1 (100,00 kr)" in out.getvalue().replace("\u00a0", " ")


def test_the_admin_shows_a_held_payment_with_its_first(cases, client, django_user_model):
    mine, _ = cases
    row = f"{mine.ocr_reference};100,00;{PAID_ON};X"
    payments_import(name="a.csv", data=csv_file(row))
    payments_import(name="b.csv", data=csv_file(row, ""))
    [kept] = held()
    sign_in_user(client, django_user_model.objects.create_superuser("boss@fordra.demo", "boss@fordra.demo", "x"))
    page = client.get(f"/admin/cases/payment/{kept.pk}/change/").content.decode()
    assert f"possible duplicate of payment #{kept.duplicate_of_id}" in page
    assert 'name="duplicate_of"' not in page  # shown, not a list of every payment to choose from
    response = client.post(f"/admin/cases/payment/{kept.pk}/change/", {"assign_to": mine.ocr_reference})
    assert response.status_code == 302
    with creditor_scope(mine.creditor):
        assert Payment.objects.filter(case=mine).count() == 2


SERIAL = itertools.count()
rows = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["100.00", "250.50"]), st.integers(0, 1),
                          st.sampled_from(["X", "Y"])), min_size=1, max_size=6)  # few values: rows repeat


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=rows, kept=st.lists(st.booleans(), min_size=6, max_size=6), added=rows, order=st.randoms())
def test_a_resent_file_books_exactly_what_it_adds(creditor, other_creditor, first, kept, added, order):
    """A file sent again with some of its rows, in another order, and new ones, books its new rows as
    `payment_register` books them one by one; it holds as many of each payment as earlier files had."""
    # Examples share the creditors; each gets new cases, so no OCR reference (part of what is
    # compared) is an earlier example's.
    slug = f"r{next(SERIAL)}"
    resent_creditor, once_creditor = creditor, other_creditor
    by_creditor = {}
    for creditor in (resent_creditor, once_creditor):
        with creditor_scope(creditor):
            by_creditor[creditor] = [make_case(creditor, amount=Decimal("900.00"), due_date=datetime.date(2026, 11, 10))
                                     for _ in range(3)]

    def lines(creditor, items):
        return [f"{by_creditor[creditor][case].ocr_reference};{amount};{PAID_ON - datetime.timedelta(days)};{payer}"
                for case, amount, days, payer in items]

    second = [row for row, keep in zip(first, kept) if keep] + added
    order.shuffle(second)
    earlier, new = Counter(first), []
    for row in second:  # the first occurrences repeat the earlier file's; the rest are new
        if earlier[row]:
            earlier[row] -= 1
        else:
            new.append(row)
    for creditor in (resent_creditor, once_creditor):
        payments_import(name=f"{slug}.csv", creditor=creditor, data=csv_file(*lines(creditor, first)))
    resent = payments_import(name=f"{slug}-again.csv", creditor=resent_creditor,
                             data=csv_file(*lines(resent_creditor, second), ""))  # a blank line: another SHA-256
    with creditor_scope(once_creditor):  # the single path, one payment at a time
        for case, amount, days, _payer in new:
            payment_register(case=by_creditor[once_creditor][case], amount=Decimal(amount),
                             paid_on=PAID_ON - datetime.timedelta(days), source="csv")
    assert (resent.possible_duplicates.count, resent.matched.count) == (len(second) - len(new), len(new))
    assert state(resent_creditor) == state(once_creditor)
