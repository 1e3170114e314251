"""The pure classification: (features, rules, today) → category and reasons, table-driven and by property."""
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from classification.rules import (
    NORMAL,
    RISK,
    SIGNALS,
    VIP,
    Classification,
    CreditFacts,
    Features,
    InvoiceOutcome,
    Override,
    RuleSet,
    classify,
)
from classification.texts import reason_text, reasons_text

TODAY = datetime.date(2026, 11, 23)
RULES = RuleSet()


def outcomes(*days_late, paid=True):
    """Invoices due a month apart, newest first, paid this many days late."""
    return tuple(InvoiceOutcome(TODAY - datetime.timedelta(days=30 * (i + 1)), late, paid)
                 for i, late in enumerate(days_late))


def report(days_old=10, risk_class=2, remarks=0, score=60):
    return CreditFacts(TODAY - datetime.timedelta(days=days_old), "UC", score, risk_class, remarks)


def codes(result: Classification) -> list[str]:
    return [r["code"] for r in result.reasons]


@pytest.mark.parametrize("features, category, expected", [
    (Features(), NORMAL, ["no_risk_signals"]),
    (Features(invoices=5, outcomes=outcomes(0, 3, 20, 0, 40)), NORMAL, ["no_risk_signals"]),  # 2 of 5 late
    (Features(invoices=5, outcomes=outcomes(15, 30, 20, 0, 0)), RISK, ["late_invoices"]),  # 3 of 5 late
    (Features(invoices=6, outcomes=outcomes(0, 0, 0, 0, 0, 60, 60, 60)), NORMAL, ["no_risk_signals"]),  # late ones older
    (Features(outcomes=outcomes(14, 14, 14)), NORMAL, ["no_risk_signals"]),  # 14 days is not *more* than 14
    (Features(credit_report=report(risk_class=4)), RISK, ["credit_risk_class"]),
    (Features(credit_report=report(risk_class=3)), NORMAL, ["no_risk_signals"]),
    (Features(credit_report=report(remarks=1)), RISK, ["payment_remarks"]),
    (Features(credit_report=report(days_old=91, risk_class=5, remarks=3)), NORMAL,
     ["no_risk_signals", "credit_report_stale"]),
    (Features(credit_report=report(days_old=90, risk_class=5)), RISK, ["credit_risk_class"]),
    (Features(broken_plans=1), RISK, ["broken_plans"]),
    (Features(broken_promises=1), NORMAL, ["no_risk_signals"]),
    (Features(broken_promises=2), RISK, ["broken_promises"]),
    (Features(payment_order_cases=1), RISK, ["payment_orders"]),
    (Features(collection_cases=3, disputes=2), NORMAL, ["no_risk_signals"]),
])
def test_default_rules(features, category, expected):
    result = classify(features, RULES, today=TODAY)
    assert (result.category, codes(result)) == (category, expected)


def test_an_unpaid_invoice_counts_once_it_is_more_than_the_limit_overdue():
    still_in_time = Features(outcomes=(InvoiceOutcome(TODAY - datetime.timedelta(days=5), 5, paid=False),)
                             + outcomes(20, 20, 0, 0))
    assert classify(still_in_time, RULES, today=TODAY).category == NORMAL  # 2 of the 4 decided
    overdue = Features(outcomes=(InvoiceOutcome(TODAY - datetime.timedelta(days=25), 25, paid=False),)
                       + outcomes(20, 20, 0, 0))
    result = classify(overdue, RULES, today=TODAY)
    assert result.category == RISK
    assert result.reasons[0]["params"] == {"late": 3, "of": 5, "days": 14, "unpaid": 1}
    assert reason_text(result.reasons[0], "en") == "3 of the last 5 invoices were paid more than 14 days late or are still unpaid"


def test_the_creditors_thresholds_apply():
    strict = RuleSet(late_days=7, late_of_last=3, late_count=1, risk_class_from=None, payment_remarks_over=2,
                     score_below=30, broken_plans_from=None)
    assert classify(Features(outcomes=outcomes(8)), strict, today=TODAY).category == RISK
    assert classify(Features(credit_report=report(risk_class=5, remarks=2)), strict, today=TODAY).category == NORMAL
    assert codes(classify(Features(credit_report=report(score=29)), strict, today=TODAY)) == ["credit_score"]
    assert classify(Features(broken_plans=4), strict, today=TODAY).category == NORMAL


def test_a_vip_stays_vip_and_its_risk_signals_are_listed():
    risky = Features(outcomes=outcomes(30, 30, 30), credit_report=report(risk_class=5, remarks=2))
    result = classify(risky, RULES, today=TODAY, vip=True)
    assert result.category == VIP
    assert codes(result) == ["vip", "late_invoices", "credit_risk_class", "payment_remarks"]
    assert reasons_text(result.reasons, "en")[:2] == ["Designated VIP by the creditor",
                                                      "3 of the last 3 invoices were paid more than 14 days late"]


def test_an_override_wins_until_it_expires():
    override = Override(NORMAL, TODAY, "Betalar enligt avtal från och med december")
    risky = Features(broken_plans=1)
    result = classify(risky, RULES, today=TODAY, vip=True, override=override)
    assert (result.category, codes(result)) == (NORMAL, ["override", "vip", "broken_plans"])
    assert reason_text(result.reasons[0]) == ("Satt till normal för hand till och med 2026-11-23: "
                                              "Betalar enligt avtal från och med december")
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert classify(risky, RULES, today=tomorrow, vip=True, override=override).category == VIP
    assert classify(risky, RULES, today=tomorrow, override=override).category == RISK


def test_every_reason_reads_as_a_sentence_in_both_languages():
    features = Features(invoices=1, outcomes=outcomes(40, 40, 40), credit_report=report(risk_class=5, remarks=1, score=5),
                        broken_plans=1, broken_promises=2, payment_order_cases=1)
    rules = RuleSet(score_below=10)
    reasons = (classify(features, rules, today=TODAY, vip=True, override=Override(RISK, TODAY, "x")).reasons
               + classify(Features(), rules, today=TODAY).reasons
               + classify(Features(credit_report=report(days_old=200)), rules, today=TODAY).reasons)
    assert {r["code"] for r in reasons} == SIGNALS | {"vip", "override", "no_risk_signals", "credit_report_stale"}
    for reason in reasons:
        sv, en = reason_text(reason, "sv"), reason_text(reason, "en")
        assert sv and en and sv != en and "{" not in sv + en, reason
    assert "visar 1 betalningsanmärkning" in reasons_text(reasons, "sv")[5]
    assert reason_text("En anteckning") == "En anteckning"  # a plain-text reason is shown as written


outcome = st.builds(InvoiceOutcome, due_date=st.dates(TODAY - datetime.timedelta(days=365), TODAY),
                    days_late=st.integers(0, 120), paid=st.booleans())
credit = st.builds(CreditFacts, reported_on=st.dates(TODAY - datetime.timedelta(days=400), TODAY),
                   source=st.just("UC"), score=st.integers(0, 100), risk_class=st.integers(1, 5),
                   payment_remarks=st.integers(0, 5))
features = st.builds(Features, invoices=st.integers(0, 20), outcomes=st.lists(outcome, max_size=12).map(tuple),
                     broken_promises=st.integers(0, 3), broken_plans=st.integers(0, 2),
                     payment_order_cases=st.integers(0, 2), credit_report=st.none() | credit)


@given(features, st.booleans())
def test_vip_hides_nothing(f, vip):
    """The risk signals are the same whether or not the debtor is a VIP; a VIP is always VIP;
    anyone else is a risk exactly when there is a signal."""
    plain, as_vip = classify(f, RULES, today=TODAY), classify(f, RULES, today=TODAY, vip=True)
    assert as_vip.category == VIP
    assert plain.risk_signals == as_vip.risk_signals
    assert (plain.category == RISK) == bool(plain.risk_signals)
    assert plain.reasons  # a category always comes with its why


@given(features, st.integers(0, 5))
def test_one_more_late_invoice_never_makes_a_risk_normal(f, days):
    before = classify(f, RULES, today=TODAY)
    later = InvoiceOutcome(TODAY - datetime.timedelta(days=1), RULES.late_days + 1 + days, paid=True)
    after = classify(Features(**{**f.__dict__, "outcomes": (later,) + f.outcomes}), RULES, today=TODAY)
    assert not (before.category == RISK and after.category == NORMAL)
