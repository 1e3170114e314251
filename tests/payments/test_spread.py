"""A payment that names several cases (BgMax TK22) is spread across them, or waits whole for an agent (issue #17)."""
import datetime
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cases.models import FEE_KINDS, Case, LedgerEntry, Payment
from cases.stages import Stage
from core.money import ZERO
from core.tenancy import creditor_scope, scopes_disabled
from dunning.balances import case_balance
from payments.importing import payments_import
from payments.services import payment_register
from payments.spread import payment_spread_register
from tests.factories import make_case, make_creditor

from .test_batch import portfolio, state

PAID_ON = datetime.date(2026, 11, 20)


def record(text: str) -> str:
    assert len(text) <= 80, text
    return text.ljust(80)


def bgmax_naming(payments, *, bankgiro: str, first_serial: int = 0) -> bytes:
    """A BgMax file with a deposit per payment; each payment is ([references], amount, day, deducted):
    the first reference in its TK20, the others in TK22 records (0 kr: references only), `deducted` in
    TK23 records of 100 kr each."""
    days = [day for _, _, day, _ in payments]
    out = [record(f"01{'BGMAX':<20}01{max(days):%Y%m%d}120000000000P")]
    extras = 0
    for number, (references, amount, day, deducted) in enumerate(payments, start=1):
        ore, serial = int(amount * 100), f"{first_serial + number:012d}"
        out.append(record(f"05{bankgiro.replace('-', ''):0>10}{'':10}SEK"))
        out.append(record(f"20{'9912346':0>10}{references[0]:<25}{ore:018d}21{serial}0"))
        for kind, reference in [("22", r) for r in references[1:]] + [("23", r) for r in deducted]:
            out.append(record(f"{kind}{'9912346':0>10}{reference:<25}{10000 if kind == '23' else 0:018d}21{serial}0"))
            extras += 1
        out.append(record(f"15{'3300111222333':0>35}{day:%Y%m%d}{number:05d}{ore:018d}SEK{1:08d}K"))
    out.append(record(f"70{len(payments):08d}{0:08d}{extras:08d}{len(payments):08d}"))
    return "\r\n".join(out).encode("latin-1")


@pytest.fixture
def three(creditor):
    """Three cases of one debtor, due on three days: named in the file newest first."""
    with creditor_scope(creditor):
        first = make_case(creditor, amount=Decimal("1000.00"), due_date=datetime.date(2026, 10, 10))
        debtor = first.debtor
        return [first, *(make_case(creditor, debtor=debtor, amount=amount, due_date=due) for amount, due in (
            (Decimal("500.00"), datetime.date(2026, 10, 20)), (Decimal("300.00"), datetime.date(2026, 10, 30))))]


def totals(cases) -> list[Decimal]:
    with creditor_scope(cases[0].creditor):
        return [case_balance(case, as_of=PAID_ON).total for case in cases]


def parts(creditor):
    with creditor_scope(creditor):
        return list(Payment.objects.order_by("part").values_list("case_id", "amount", "part", "record"))


def stages(cases):
    with creditor_scope(cases[0].creditor):
        return [Case.objects.get(pk=case.pk).stage for case in cases]


def test_a_payment_for_three_invoices_pays_each_in_full_and_the_rest_is_owed_back(creditor, three):
    owed = totals(three)
    amount = sum(owed) + Decimal("10.00")
    data = bgmax_naming([([c.ocr_reference for c in reversed(three)], amount, PAID_ON, [])], bankgiro=creditor.bankgiro)
    summary = payments_import(name="bg.txt", data=data)
    assert (summary.matched.count, summary.unmatched.count, summary.overpaid.amount) == (1, 0, Decimal("10.00"))
    assert parts(creditor) == [(three[0].pk, owed[0], 1, 3), (three[1].pk, owed[1], 2, 3),
                               (three[2].pk, owed[2] + Decimal("10.00"), 3, 3)]  # by due date, not as named
    assert stages(three) == [Stage.CLOSED] * 3
    with creditor_scope(creditor):
        assert sum(LedgerEntry.objects.filter(kind="payment").values_list("amount", flat=True)) == -amount
    again = payments_import(name="bg-again.txt", data=data.replace(b"120000000000P", b"130000000000P", 1))
    assert (again.duplicates.count, again.matched.count) == (1, 0)
    assert len(parts(creditor)) == 3


def test_what_the_last_case_does_not_get_in_full_it_owes_still(creditor, three):
    owed = totals(three)
    amount = owed[0] + owed[1] + Decimal("100.00")
    payments_import(name="bg.txt", data=bgmax_naming([([c.ocr_reference for c in three], amount, PAID_ON, [])],
                                                     bankgiro=creditor.bankgiro))
    assert stages(three)[:2] == [Stage.CLOSED, Stage.CLOSED] and stages(three)[2] != Stage.CLOSED
    assert totals(three)[2] == owed[2] - Decimal("100.00")


def unmatched(creditor=None):
    with scopes_disabled():
        return list(Payment.objects.filter(case__isnull=True).values_list("amount", "unmatched_reason", "creditor_id"))


@pytest.mark.parametrize("short", [Decimal("0.00"), Decimal("200.00")])
def test_a_payment_that_does_not_reach_the_last_case_waits_for_an_agent(creditor, three, short):
    owed = totals(three)
    amount = owed[0] + owed[1] - short
    data = bgmax_naming([([c.ocr_reference for c in three], amount, PAID_ON, [])], bankgiro=creditor.bankgiro)
    summary = payments_import(name="bg.txt", data=data)
    assert (summary.matched.count, summary.unmatched.count) == (0, 1)
    [(stored, reason, creditor_id)] = unmatched()
    assert (stored, creditor_id) == (amount, creditor.pk)
    assert reason.startswith(f"names 3 references ({three[0].ocr_reference}, {three[1].ocr_reference}, "
                             f"{three[2].ocr_reference}): ")
    assert "does not reach the last case" in reason
    assert stages(three) == [Stage.REMINDER] * 3 and totals(three) == owed  # nothing booked


def test_a_case_that_owes_nothing_keeps_the_payment_for_an_agent(creditor, three):
    with creditor_scope(creditor):
        payment_register(case=three[1], amount=totals(three)[1], paid_on=PAID_ON)
    payments_import(name="bg.txt", data=bgmax_naming([([c.ocr_reference for c in three], Decimal("5000.00"), PAID_ON,
                                                       [])], bankgiro=creditor.bankgiro))
    [(_, reason, _)] = unmatched()
    assert f"the case with OCR reference {three[1].ocr_reference} owes nothing" in reason


def test_references_of_two_creditors_or_none_or_a_deduction_keep_the_payment_whole(creditor, other_creditor, three):
    with creditor_scope(other_creditor):
        theirs = make_case(other_creditor, amount=Decimal("100.00"), due_date=datetime.date(2026, 10, 10))
    payments_import(name="bg.txt", data=bgmax_naming([
        ([three[0].ocr_reference, theirs.ocr_reference], Decimal("2000.00"), PAID_ON, []),
        ([three[0].ocr_reference, "1234"], Decimal("2000.00"), PAID_ON, []),
        ([three[0].ocr_reference, three[1].ocr_reference], Decimal("2000.00"), PAID_ON, [three[2].ocr_reference]),
    ], bankgiro="9999-9999"))
    reasons = [reason for _, reason, _ in unmatched()]
    assert len(reasons) == 3
    assert "they are cases of 2 creditors" in reasons[0]
    assert "OCR reference 1234 has a wrong check or length digit" in reasons[1]
    assert f"the payer deducted a credit note ({three[2].ocr_reference})" in reasons[2]
    assert stages(three) == [Stage.REMINDER] * 3


def test_a_payment_naming_one_case_in_a_tk22_only_pays_it(creditor, three):
    owed = totals(three)[1]
    payments_import(name="bg.txt", data=bgmax_naming([(["", three[1].ocr_reference], owed, PAID_ON, [])],
                                                     bankgiro=creditor.bankgiro))
    assert stages(three) == [Stage.REMINDER, Stage.CLOSED, Stage.REMINDER]


# The rule, one payment at a time and in bulk, on portfolios taken up the ladder first.
SERIAL = itertools.count()
amounts = st.lists(st.decimals(min_value=Decimal("50.00"), max_value=Decimal("3000.00"), places=2), min_size=2,
                   max_size=4)
paid = st.lists(st.tuples(st.lists(st.integers(0, 3), min_size=2, max_size=3, unique=True),
                          st.decimals(min_value=Decimal("1.00"), max_value=Decimal("9000.00"), places=2),
                          st.integers(0, 80)), min_size=1, max_size=4)


def payments_of(creditor) -> list[tuple]:
    with creditor_scope(creditor):
        numbers = {pk: rank for rank, pk in enumerate(sorted(Case.objects.values_list("pk", flat=True)))}
        return sorted((numbers.get(case_id, -1), amount, part, reason) for case_id, amount, part, reason in
                      Payment.objects.values_list("case_id", "amount", "part", "unmatched_reason"))


@settings(max_examples=8, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking: minutes
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amounts=amounts, paid=paid)
def test_spreading_in_bulk_is_spreading_one_at_a_time_and_creates_or_loses_no_ore(db, amounts, paid):
    spread_both_ways(amounts, paid)


def spread_both_ways(amounts, paid):
    example = next(SERIAL)  # examples share the test's database: own creditors, own serial numbers
    slug = f"s{example}"
    one = make_creditor(f"{slug}a", "One AB", "556703-7485", "5050-1055")
    many = make_creditor(f"{slug}b", "Many AB", "556036-0793", "5402-9681")
    by_one, by_file = portfolio(one, amounts), portfolio(many, amounts)
    file_payments = []
    for number, (indices, amount, days) in enumerate(paid, start=1):
        indices = list(dict.fromkeys(i % len(amounts) for i in indices))
        paid_on = datetime.date(2026, 9, 5) + datetime.timedelta(days=days)
        with creditor_scope(one):
            fields = dict(amount=amount, paid_on=paid_on, source="bgmax", reference=f"{example * 10 + number:012d}",
                          identity=f"{slug}-{number}")
            if len(indices) == 1:  # a case named twice: one case, paid as any payment is
                payment_register(case=by_one[indices[0]], **fields)
            else:
                payment_spread_register(cases=[by_one[i] for i in indices],
                                        references=[by_one[i].ocr_reference for i in indices], **fields)
        file_payments.append(([by_file[i].ocr_reference for i in indices], amount, paid_on, []))
    payments_import(name="bg.txt", creditor=many,  # other examples' creditors have the same bankgiro
                    data=bgmax_naming(file_payments, bankgiro=many.bankgiro, first_serial=example * 10))
    assert state(many) == state(one)
    assert [row[:3] for row in payments_of(many)] == [row[:3] for row in payments_of(one)]
    with creditor_scope(many):
        for number, (_, amount, paid_on, _) in enumerate(file_payments, start=1):
            rows = Payment.objects.filter(record=3 + sum(len(p[0]) + 2 for p in file_payments[:number - 1]))
            assert sum(rows.values_list("amount", flat=True)) == amount  # the parts add up to the payment
            entries = LedgerEntry.objects.filter(payment__in=rows, kind="payment")
            assert sum(entries.values_list("amount", flat=True), ZERO) == (-amount if rows[0].case_id else ZERO)
            parts_paid = rows.exclude(case=None).order_by("part")
            for part in parts_paid[:max(len(parts_paid) - 1, 0)]:  # every case but the last: paid in full
                # …as of the payment's date: a fee charged after it is still owed (the known gap below)
                if not LedgerEntry.objects.filter(case_id=part.case_id, kind__in=FEE_KINDS, booked_on__gt=paid_on):
                    assert Case.objects.get(pk=part.case_id).stage == Stage.CLOSED


def test_a_case_closes_when_a_payment_dated_later_but_reported_earlier_pays_the_rest(db):
    """Found by the property test above on 2026-12-03: a payment of 1,00 dated 20 October came
    in the first file; the spread of 7 October paid the rest of the case, but as of 7 October
    the 1,00 was still owed, so the case stayed open with nothing owed."""
    spread_both_ways([Decimal("101.57"), Decimal("824.59")],
                     [([0, 2], Decimal("1.00"), 45), ([1, 2, 0], Decimal("333.30"), 12),
                      ([2, 0, 1], Decimal("32.64"), 29), ([0, 2, 3], Decimal("532.02"), 32)])


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="known gap: a payment reported after a later step "
                   "charged its fee (a collection demand sent after the day the payer paid) leaves that fee owed, so "
                   "a case the spread paid in full as of the payment date stays open; whether such a fee is owed is "
                   "for the law to settle; found by the property test above on 2026-12-02")
def test_a_case_paid_in_full_by_a_late_reported_spread_closes_though_a_later_fee_was_charged(db):
    spread_both_ways([Decimal("180.93"), Decimal("459.14")],
                     [([2, 0], Decimal("1.22"), 19), ([3, 2], Decimal("264.02"), 7)])
    with scopes_disabled():  # the second payment is spread over two cases; the first part's case was paid in full
        first = Payment.objects.filter(part=1, case__isnull=False, amount__gt=Decimal("200")).order_by("pk").last()
        assert first.case.stage == Stage.CLOSED
