"""No address, no letter, no fee: a step whose letter cannot reach the debtor waits for an agent."""
import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail

from cases.models import Case, LedgerEntry
from cases.stages import Stage
from core.errors import ValidationError
from cycle.run import run_cycle
from dunning.addresses import debtor_address_set
from dunning.models import AppliedStep, Outcome, QueueItem, QueueKind
from intake.service import ledger_import
from letters.delivery import letters_email_pending, print_batch_build
from letters.models import Channel, Letter, LetterDelivery
from letters.tasks import render_pending_letters
from tests.cycling import reload, run_days
from tests.factories import DebtorFactory, make_case

D = datetime.date
DUE = D(2026, 3, 2)  # a Monday
REMINDER_DAY = D(2026, 3, 12)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def unaddressed(scoped):
    debtor = DebtorFactory(creditor=scoped, customer_number="K-1", name="Utan Adress", address="", postal_code="",
                           city="", email="utan@example.se", email_letters_agreed=False)
    return make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True,
                     invoice_number="F-1")


def address_items(case, **filters):
    return QueueItem.objects.filter(case=case, kind=QueueKind.ADDRESS_MISSING, **filters)


def test_no_address_no_step_no_fee_one_work_item_across_cycles(scoped, unaddressed):
    run_days(scoped, DUE, D(2026, 5, 29))  # long past the reminder, the demand and the payment order
    case = reload(unaddressed)
    assert case.stage == Stage.REMINDER
    assert not AppliedStep.objects.filter(case=case).exists()
    assert not Letter.objects.filter(case=case).exists()
    assert not LedgerEntry.objects.filter(case=case, component="fees").exists()
    item, = address_items(case)
    assert (item.is_open, item.created_on) == (True, REMINDER_DAY)
    assert (case.next_action, case.next_step_on) == ("reminder", None)
    assert case.events.filter(code="dunning.address.missing").count() == 1
    assert print_batch_build(creditor=scoped, day=D(2026, 5, 29)) is None


def test_the_reminder_goes_once_an_agent_adds_the_address(scoped, unaddressed):
    run_days(scoped, DUE, D(2026, 3, 20))
    debtor_address_set(debtor=unaddressed.debtor, address="Storgatan 12", postal_code="123 45", city="Västerås",
                       on=D(2026, 3, 20), actor="user:agent@fordra.demo")
    item, = address_items(unaddressed)
    assert (item.outcome, item.decided_on, item.decided_by) == (Outcome.ADDRESS_SET, D(2026, 3, 20),
                                                                "user:agent@fordra.demo")
    assert reload(unaddressed).next_step_on == REMINDER_DAY  # overdue: the next cycle takes it
    assert run_cycle(creditor=scoped, day=D(2026, 3, 23)).applied == {"reminder": 1}
    letter, = Letter.objects.filter(case=unaddressed)
    assert (letter.kind, letter.sent_on, letter.recipient["address"]) == ("reminder", D(2026, 3, 23), "Storgatan 12")
    assert [e.kind for e in LedgerEntry.objects.filter(case=unaddressed, component="fees")] == ["reminder_fee"]
    render_pending_letters.apply(kwargs={"creditor_id": scoped.pk})
    batch = print_batch_build(creditor=scoped, day=D(2026, 3, 23))
    row, = csv.DictReader(io.StringIO(batch.manifest.open("rb").read().decode()))
    assert (row["address"], row["postal_code"], row["city"]) == ("Storgatan 12", "123 45", "Västerås")


def test_an_address_that_still_reaches_no_one_is_refused(scoped, unaddressed):
    run_days(scoped, DUE, REMINDER_DAY)
    with pytest.raises(ValidationError) as error:
        debtor_address_set(debtor=unaddressed.debtor, address="Storgatan 12", city="Västerås")
    assert error.value.detail == {"missing": ["postal_code"]}
    assert address_items(unaddressed, outcome="").count() == 1


LEDGER = ("customer_number,customer_name,invoice_number,invoice_date,due_date,amount,address,postal_code,city\n"
          "K-1,Utan Adress,F-1,2026-01-31,2026-03-02,1000.00,{address}\n")


def test_a_later_ledger_row_with_the_address_lets_the_reminder_go(scoped):
    ledger_import(creditor=scoped, data=LEDGER.format(address=",,").encode(), today=D(2026, 3, 3))
    case = Case.objects.get(invoice__invoice_number="F-1")
    run_days(scoped, DUE, D(2026, 3, 20))
    assert address_items(case, outcome="").count() == 1 and not Letter.objects.filter(case=case).exists()
    report = ledger_import(creditor=scoped, data=LEDGER.format(address="Ågatan 3,753 20,Uppsala").encode(),
                           today=D(2026, 3, 20))
    assert report.updated == 1
    assert address_items(case).get().outcome == Outcome.ADDRESS_SET
    assert run_cycle(creditor=scoped, day=D(2026, 3, 23)).applied == {"reminder": 1}
    assert Letter.objects.get(case=case).recipient["city"] == "Uppsala"


def test_a_debtor_who_agreed_to_e_mail_gets_the_letter_by_e_mail_without_a_postal_address(scoped):
    debtor = DebtorFactory(creditor=scoped, address="", postal_code="", city="", email="erik@example.se",
                           email_letters_agreed=True)
    case = make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True)
    run_days(scoped, DUE, REMINDER_DAY)
    assert not address_items(case).exists()
    letter, = Letter.objects.filter(case=case)
    render_pending_letters.apply(kwargs={"creditor_id": scoped.pk})
    letters_email_pending(creditor_id=scoped.pk)
    assert LetterDelivery.objects.get(letter=letter).channel == Channel.EMAIL
    assert mail.outbox[0].to == ["erik@example.se"]


def test_a_letter_for_e_mail_is_never_printed_without_an_address(scoped, settings):
    settings.EMAIL_BACKEND = "tests.dunning.test_address_missing.RefusingBackend"
    debtor = DebtorFactory(creditor=scoped, address="", postal_code="", city="", email="erik@example.se",
                           email_letters_agreed=True)
    case = make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor)
    run_days(scoped, DUE, REMINDER_DAY)
    render_pending_letters.apply(kwargs={"creditor_id": scoped.pk})  # the e-mail fails: it waits
    assert print_batch_build(creditor=scoped, day=REMINDER_DAY + datetime.timedelta(days=3)) is None
    assert not LetterDelivery.objects.filter(letter__case=case).exists()


def test_a_letter_already_made_without_an_address_is_held_not_printed(scoped, unaddressed):
    from dunning.balances import case_letter_record

    values = case_letter_record(case=reload(unaddressed), kind="reminder", sent_on=REMINDER_DAY, deadline=None)
    Letter.objects.create(**values)  # as the cycle made them before
    render_pending_letters.apply(kwargs={"creditor_id": scoped.pk})
    for day in (REMINDER_DAY, REMINDER_DAY + datetime.timedelta(days=1)):
        assert print_batch_build(creditor=scoped, day=day) is None
    item, = address_items(unaddressed)
    assert item.is_open
    assert unaddressed.events.filter(code="letters.letter.undeliverable").count() == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_the_fee_and_the_stage_wait_too_at_the_collection_demand(scoped):
    debtor = DebtorFactory(creditor=scoped)
    case = make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True)
    run_days(scoped, DUE, REMINDER_DAY)
    debtor.address = ""  # moved abroad without a forwarding address, say: the ledger allows it
    debtor.save(update_fields=["address"])
    run_days(scoped, REMINDER_DAY, D(2026, 5, 29))
    case = reload(case)
    assert case.stage == Stage.REMINDER
    assert [s.action for s in AppliedStep.objects.filter(case=case)] == ["reminder"]
    assert sorted(e.amount for e in LedgerEntry.objects.filter(case=case, component="fees")) == [Decimal("60.00")]
    assert address_items(case, outcome="").get().note.endswith("the collection_demand waits")
