"""What a debtor reads: every kind, in Swedish and English, checked on the PDF's own text."""
import datetime
from decimal import Decimal

import pytest

from core.errors import ValidationError
from core.money import format_sek
from cycle.run import run_cycle
from dunning.queue import queue_decide
from dunning.models import Outcome, QueueItem, QueueKind
from dunning.plans import letter_payment_plan_create
from letters.models import Letter, LetterKind
from letters.rendering import letter_render
from tests.factories import make_case

from .pdf_inspect import pdf_text

D = datetime.date
DUE = D(2026, 3, 2)


def kr(value) -> str:
    return f"{format_sek(Decimal(value))} kr".replace("\u00a0", " ")


def read(letter: Letter) -> str:
    letter = letter_render(letter_id=letter.pk)
    return " ".join(pdf_text(letter.pdf.read()).replace("\u00a0", " ").split())


def run_ladder(creditor, case, approver):
    """Reminder, collection demand, and (after a supervisor's approval) the payment order."""
    day = DUE
    while day <= D(2026, 4, 24):
        run_cycle(creditor=creditor, day=day)
        day += datetime.timedelta(days=1)
    review = QueueItem.objects.get(case=case, kind=QueueKind.PAYMENT_ORDER_REVIEW)
    queue_decide(item=review, outcome=Outcome.APPROVED, on=D(2026, 4, 28), actor=approver)
    run_cycle(creditor=creditor, day=D(2026, 4, 28))
    return {letter.kind: letter for letter in Letter.objects.filter(case=case)}


def common_checks(text: str, letter: Letter):
    assert "Åsa Öberg" in text and "Storgatan 12 B" in text and "123 45 Västerås" in text
    assert letter.ocr_reference in text and "5050-1055" in text
    assert kr(letter.total) in text
    assert kr(letter.amounts["principal"]).removesuffix(" kr") in text
    if letter.deadline:
        assert letter.deadline.isoformat() in text
    assert letter.sent_on.isoformat() in text
    assert "Acme Bygg AB" in text and "Fordra Inkasso AB" in text


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_ladder_s_letters_say_everything_the_law_asks(scoped, debtor, language, supervisor):
    debtor.language = language
    debtor.save()
    case = make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True,
                     invoice_number="F2026-0815")
    letters = run_ladder(scoped, case, supervisor)
    assert set(letters) == {"reminder", "collection_demand", "payment_order_notice"}
    sv = language == "sv"

    reminder = read(letters["reminder"])
    common_checks(reminder, letters["reminder"])
    assert ("Påminnelse" if sv else "Payment reminder") in reminder
    assert ("Påminnelseavgift 60,00" if sv else "Reminder fee 60,00") in reminder

    demand_letter = letters["collection_demand"]
    demand = read(demand_letter)
    common_checks(demand, demand_letter)
    assert (demand_letter.deadline - demand_letter.sent_on).days >= 8
    assert ("Inkassokrav" if sv else "Debt collection demand") in demand
    # the claim and what it rests on, the creditor, and that the agency acts for it
    assert "F2026-0815" in demand and "2026-03-02" in demand and "556703-7485" in demand
    assert ("på uppdrag av Acme Bygg AB" if sv else "on behalf of Acme Bygg AB") in demand
    # principal, interest with rate, period and days, each fee separately
    period = demand_letter.amounts["interest"]["periods"][0]
    assert "1 000,00" in demand and kr(demand_letter.amounts["interest"]["amount"]).removesuffix(" kr") in demand
    assert "10,00 %" in demand
    assert f"{period['start']} – {period['end']}: {period['days']} {'dagar' if sv else 'days'}" in demand
    assert ("Påminnelseavgift 60,00" if sv else "Reminder fee 60,00") in demand
    assert ("Inkassoavgift 180,00" if sv else "Collection fee 180,00") in demand
    # how to pay, how to dispute, what happens otherwise
    assert ("Ange alltid OCR-numret" if sv else "Always quote the OCR reference") in demand
    last_day = "är också sista dag att invända mot kravet" if sv else "also the last day to dispute the claim"
    assert last_day in demand
    assert ("bestrider kravet" if sv else "dispute all or part of the claim") in demand
    assert "kundtjanst@fordra.se" in demand and "08-120 450 00" in demand
    assert ("betalningsföreläggande hos Kronofogden" if sv else "for a payment order") in demand

    notice_letter = letters["payment_order_notice"]
    notice = read(notice_letter)
    common_checks(notice, notice_letter)
    assert ("betalningsföreläggande" if sv else "payment order") in notice
    assert "300,00" in notice and "380,00" in notice


def test_a_payment_plan_letter_lists_its_instalments(scoped, claim_case):
    sent_on = D(2026, 11, 23)
    debt = Decimal("12524.76")  # 12 345,50 and 53 days at 10 %
    letter = letter_payment_plan_create(case=claim_case, sent_on=sent_on, instalments=[
        (D(2026, 12, 28), Decimal("4000.00")), (D(2027, 1, 28), Decimal("4000.00")),
        (D(2027, 2, 26), Decimal("4524.76"))])
    assert (letter.kind, letter.total, letter.deadline, letter.step) == (
        LetterKind.PAYMENT_PLAN, debt, D(2026, 12, 28), None)
    text = read(letter)
    common_checks(text, letter)
    assert "Avbetalningsplan" in text and "Skuld totalt 12 524,76 kr" in text
    assert "1 2026-12-28 4 000,00" in text and "3 2027-02-26 4 524,76" in text
    assert "DELBETALNING 1" in text.upper() and "4 000,00 kr" in text  # the slip asks for the first instalment
    assert claim_case.events.filter(code="letters.payment_plan.created").exists()


@pytest.mark.parametrize("instalments, message", [
    ([(D(2026, 12, 28), "12000.00")], "add up to 12\u00a0000,00 kr; the debt is 12\u00a0524,76 kr"),
    ([(D(2026, 11, 20), "12524.76")], "come after the letter's date"),
    ([(D(2027, 1, 28), "6000.00"), (D(2026, 12, 28), "6524.76")], "each after the one before"),
    ([(D(2026, 12, 28), "-1.00")], "positive"),
    ([], "1 to 36 instalments"),
])
def test_a_payment_plan_must_add_up_and_run_forward(claim_case, instalments, message):
    with pytest.raises(ValidationError, match=message):
        letter_payment_plan_create(case=claim_case, sent_on=D(2026, 11, 23), instalments=instalments)
    assert not Letter.objects.exists()


def test_english_letters_keep_swedish_number_and_date_formats(claim_case):
    from .conftest import make_letter

    text = read(make_letter(claim_case, language="en"))
    assert "12 524,76 kr" in text and "2026-12-07" in text and "Debt collection demand" in text
