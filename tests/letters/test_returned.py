"""A letter that comes back undeliverable: no step, no fee; the debtor's cases wait for an address."""
import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import LedgerEntry
from cases.stages import Stage
from core.errors import Conflict, ValidationError
from dunning.addresses import debtor_address_set
from dunning.balances import case_balance
from dunning.models import AppliedStep, Outcome, QueueItem, QueueKind
from dunning.returns import letter_returned
from letters.delivery import print_batch_build
from letters.models import Letter
from letters.tasks import render_pending_letters
from tests.cycling import fees, reload, run_days
from tests.factories import DebtorFactory, make_case

D = datetime.date
DUE = D(2026, 3, 2)  # a Monday
REMINDER_DAY, DEMAND_DAY = D(2026, 3, 12), D(2026, 3, 30)


@pytest.fixture
def debtor(scoped):
    return DebtorFactory(creditor=scoped, address="Fel gata 1", postal_code="111 22", city="Stockholm")


@pytest.fixture
def case(scoped, debtor):
    return make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True)


def sent_reminder(scoped, case):
    assert run_days(scoped, DUE, REMINDER_DAY) == [(REMINDER_DAY, "reminder")]
    render_pending_letters.apply(kwargs={"creditor_id": scoped.pk})
    assert print_batch_build(creditor=scoped, day=REMINDER_DAY).letter_count == 1
    return Letter.objects.get(case=case)


def test_a_returned_reminder_is_no_step_its_fee_is_written_off_and_the_ladder_waits(scoped, case):
    letter = sent_reminder(scoped, case)
    assert case_balance(reload(case), as_of=D(2026, 3, 16)).fees == Decimal("60.00")
    letter_returned(letter=letter, on=D(2026, 3, 16), reason="Okänd adressat", actor="user:agent@fordra.demo")
    letter.refresh_from_db()
    assert (letter.returned_on, letter.returned_reason, letter.fees_waived) == (D(2026, 3, 16), "Okänd adressat",
                                                                                ["reminder_fee"])
    case = reload(case)
    assert case_balance(case, as_of=D(2026, 3, 16)).fees == Decimal("0.00")
    item, = QueueItem.objects.filter(case=case, kind=QueueKind.ADDRESS_MISSING)
    assert item.is_open and "Okänd adressat" in item.note
    assert case.events.get(code="letters.letter.returned").actor == "user:agent@fordra.demo"
    assert case.next_step_on is None
    assert run_days(scoped, D(2026, 3, 16), D(2026, 5, 29)) == []  # no collection demand, no new reminder
    assert reload(case).stage == Stage.REMINDER

    debtor_address_set(debtor=case.debtor, address="Rätt gata 2", postal_code="753 20", city="Uppsala",
                       on=D(2026, 6, 1))
    assert QueueItem.objects.get(pk=item.pk).outcome == Outcome.ADDRESS_SET
    # The reminder is taken again (and charged again, once), then the ladder goes on.
    applied = run_days(scoped, D(2026, 6, 1), D(2026, 7, 31))
    assert [action for _, action in applied] == ["reminder", "collection_demand"]
    assert applied[0][0] == D(2026, 6, 1)
    case = reload(case)
    assert [(s.sequence, s.action) for s in AppliedStep.objects.filter(case=case)] == [
        (1, "reminder"), (2, "reminder"), (3, "collection_demand")]
    assert case_balance(case, as_of=D(2026, 7, 31)).fees == Decimal("240.00")
    assert Letter.objects.filter(case=case).latest("id").recipient["city"] == "Uppsala"


def test_the_debtor_s_other_cases_wait_too(scoped, case, debtor):
    other = make_case(scoped, amount="500.00", due_date=DUE + datetime.timedelta(days=14), debtor=debtor)
    letter = sent_reminder(scoped, case)
    letter_returned(letter=letter, on=D(2026, 3, 13), reason="Avflyttad")
    assert run_days(scoped, D(2026, 3, 13), D(2026, 4, 30)) == []
    assert not Letter.objects.filter(case=other).exists()
    assert QueueItem.objects.filter(case=other, kind=QueueKind.ADDRESS_MISSING, outcome="").count() == 1


def test_a_returned_collection_demand_is_sent_again_with_its_fee_once(scoped, case):
    sent_reminder(scoped, case)
    assert run_days(scoped, D(2026, 3, 13), DEMAND_DAY) == [(DEMAND_DAY, "collection_demand")]
    render_pending_letters.apply(kwargs={"creditor_id": scoped.pk})
    print_batch_build(creditor=scoped, day=DEMAND_DAY)
    demand = Letter.objects.get(case=case, kind="collection_demand")
    letter_returned(letter=demand, on=D(2026, 4, 2), reason="Adressaten okänd")
    assert case_balance(reload(case), as_of=D(2026, 4, 2)).fees == Decimal("60.00")  # the reminder's stands
    assert reload(case).stage == Stage.COLLECTION  # escalation only goes forward
    debtor_address_set(debtor=case.debtor, address="Rätt gata 2", postal_code="753 20", city="Uppsala",
                       on=D(2026, 4, 6))
    assert run_days(scoped, D(2026, 4, 6), D(2026, 4, 7)) == [(D(2026, 4, 7), "collection_demand")]  # 6 April: Easter Monday
    assert fees(case) == [("collection_fee", Decimal("180.00")), ("collection_fee", Decimal("180.00")),
                          ("reminder_fee", Decimal("60.00"))]
    assert case_balance(reload(case), as_of=D(2026, 4, 7)).fees == Decimal("240.00")


def test_a_letter_comes_back_once_and_only_after_it_was_sent(scoped, case):
    run_days(scoped, DUE, REMINDER_DAY)
    letter = Letter.objects.get(case=case)
    with pytest.raises(Conflict, match="has not been sent"):
        letter_returned(letter=letter, on=REMINDER_DAY, reason="Okänd")
    render_pending_letters.apply(kwargs={"creditor_id": scoped.pk})
    print_batch_build(creditor=scoped, day=REMINDER_DAY)
    with pytest.raises(ValidationError, match="say why"):
        letter_returned(letter=letter, on=REMINDER_DAY, reason="  ")
    letter_returned(letter=letter, on=REMINDER_DAY, reason="Okänd")
    with pytest.raises(Conflict, match="already returned"):
        letter_returned(letter=letter, on=REMINDER_DAY, reason="Okänd")
    assert LedgerEntry.objects.filter(case=case, kind="write_off").count() == 1


def test_the_command_records_a_returned_letter(scoped, case):
    letter = sent_reminder(scoped, case)
    out = StringIO()
    call_command("letter_returned", str(letter.pk), "--reason", "Okänd adressat", "--date", "2026-03-16", stdout=out)
    assert "reminder_fee" in out.getvalue()
    assert Letter.objects.get(pk=letter.pk).returned_on == D(2026, 3, 16)
    with pytest.raises(CommandError, match="already returned"):
        call_command("letter_returned", str(letter.pk), "--reason", "Okänd")
    with pytest.raises(CommandError, match="no letter 999999"):
        call_command("letter_returned", "999999", "--reason", "Okänd")
