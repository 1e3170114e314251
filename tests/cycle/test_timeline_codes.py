"""Every event Fordra writes reads in Swedish and in English: two months of collecting
through the services, the daily cycle, the payment file and the ledger import writes every
code there is, and the timeline renders each from its data, without falling back to a
stored text."""
import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest

from cases import timeline
from cases.models import CaseEvent
from cases.services import case_note_add
from classification.services import debtor_override
from core.tenancy import scopes_disabled
from cycle.run import run_cycle
from debtors.models import Category
from dunning.addresses import debtor_address_set
from dunning.balances import case_balance, case_letter_record
from dunning.documents import dispute_document_add
from dunning.holds import case_dispute, case_dispute_answer, case_pause
from dunning.legal import filing_status_set
from dunning.models import Outcome, QueueItem, QueueKind
from dunning.plans import case_payment_plan
from dunning.queue import queue_decide
from dunning.returns import letter_returned
from intake.service import ledger_import
from letters.delivery import letters_email_pending, print_batch_build
from letters.models import Letter, LetterKind
from letters.rendering import letter_render
from payments.importing import payment_assign, payment_duplicate_confirm, payments_import
from payments.services import case_settle_by_creditor, credit_note_apply, payment_register
from tests.factories import DebtorFactory, make_case

D = datetime.date
DUE = D(2026, 3, 2)  # a Monday
AGREED = D(2026, 3, 20)
AGENT = "user:agent@fordra.demo"
REPOSITORY = Path(__file__).resolve().parents[2]
APPS = ("cases", "dunning", "payments", "letters", "classification", "intake", "debtors", "creditors", "cycle", "api",
        "portal", "demo")

# Bulk rows whose stored text the registry cannot write yet, because the bulk path leaves
# out of the data what its sentence needs: (code, the missing key). The lead adds the key
# to the bulk path and removes the entry.
BULK_GAPS: set[tuple[str, str]] = set()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(creditor, first, last):
    day = first
    while day <= last:
        run_cycle(creditor=creditor, day=day)
        day += datetime.timedelta(days=1)


def plan(case, on):
    total = case_balance(case, as_of=on).total
    first = (total / 2).quantize(Decimal("0.01"))
    instalments = [(D(2026, 3, 27), first), (D(2026, 4, 3), total - first)]
    case_payment_plan(case=case, instalments=instalments, on=on, actor=AGENT)
    return instalments


def open_item(case, kind):
    return QueueItem.objects.get(case=case, kind=kind, outcome="")


@pytest.fixture
def two_months(scoped, supervisor):
    """The events of a portfolio collected in March and April 2026, every way Fordra writes one."""
    def case(**debtor):
        return make_case(scoped, amount="1000.00", due_date=DUE, reminder_fee_agreed=True,
                         debtor=DebtorFactory(creditor=scoped, **debtor))

    ladder, vip, disputed, dismissed = case(), case(vip=True, category=Category.VIP), case(), case()
    written_down, paused = case(), case()
    unaddressed = case(address="", postal_code="", city="")
    paid, credited, settled, by_file, assigned, broken, kept, returned, overridden = (case() for _ in range(9))
    emailed = case(email="erik@example.se", email_letters_agreed=True)
    run(scoped, DUE, D(2026, 3, 4))
    case_dispute(case=disputed, on=D(2026, 3, 5), actor=AGENT, text="Varan var trasig")
    case_dispute(case=dismissed, on=D(2026, 3, 5), actor=AGENT)
    case_dispute(case=written_down, on=D(2026, 3, 5), actor=AGENT, text="Halva leveransen saknades")
    dispute_document_add(case=written_down, name="följesedel.pdf", data=b"%PDF-1.4\n1 0 obj\n%%EOF\n", actor=AGENT)
    case_dispute_answer(case=dismissed, on=D(2026, 3, 6), text="Leveransen är kvitterad", actor="user:anna@acme.se")
    case_note_add(case=ladder, text="Kunden ringde och frågade om fakturan", on=D(2026, 3, 6), actor=AGENT)
    case_pause(case=paused, on=D(2026, 3, 6), until=D(2026, 3, 16), note="Reklamation utreds", actor=AGENT)
    run(scoped, D(2026, 3, 5), D(2026, 3, 9))
    day = D(2026, 3, 10)
    queue_decide(item=open_item(disputed, QueueKind.DISPUTE_REVIEW), outcome=Outcome.UPHELD, on=day, actor=AGENT)
    queue_decide(item=open_item(dismissed, QueueKind.DISPUTE_REVIEW), outcome=Outcome.DISMISSED, on=day,
                 actor=AGENT, note="Leveransen är kvitterad")
    queue_decide(item=open_item(written_down, QueueKind.DISPUTE_REVIEW), outcome=Outcome.WRITTEN_DOWN, on=day,
                 actor=supervisor, write_down=Decimal("500.00"))
    payment_register(case=paid, amount=case_balance(paid, as_of=day).total + Decimal("5.00"), paid_on=day)
    credit_note_apply(case=credited, amount=Decimal("200.00"), on=day, reference="K-1")
    case_settle_by_creditor(case=settled, on=day)
    total = case_balance(by_file, as_of=day).total
    csv = ("ocr_reference;amount;paid_on;payer\n"
           f"{by_file.ocr_reference};{total};{day};Betalare\n"
           f"faktura {assigned.invoice.invoice_number};400,00;{day};Betalare\n").encode()
    payments_import(name="in.csv", today=day, data=csv)
    with scopes_disabled():
        unmatched = assigned.payments.model.objects.get(case=None)
    payment_assign(payment=unmatched, case=assigned, actor=AGENT)
    payments_import(name="in-again.csv", today=day, data=csv + b"\n")  # the export sent again
    with scopes_disabled():
        repeat = assigned.payments.model.objects.get(case=None, duplicate_of__case=by_file)
    payment_duplicate_confirm(payment=repeat, on=day, actor=AGENT)
    run(scoped, day, D(2026, 3, 13))
    for letter in Letter.objects.filter(case__in=[emailed, returned]):  # rendering them all costs seconds
        letter_render(letter_id=letter.pk)
    letters_email_pending(creditor_id=scoped.pk)
    print_batch_build(creditor=scoped, day=D(2026, 3, 13))
    letter_returned(letter=Letter.objects.get(case=returned), on=D(2026, 3, 16), reason="Okänd adressat",
                    actor=AGENT)
    run(scoped, D(2026, 3, 14), AGREED)
    debtor_address_set(debtor=unaddressed.debtor, on=AGREED, address="Ny gata 1", postal_code="753 20",
                       city="Uppsala", actor=AGENT)
    debtor_override(debtor=overridden.debtor, category=Category.RISK, until=D(2026, 6, 30), note="Konkursrykten",
                    on=AGREED, actor=AGENT)
    plan(broken, AGREED)
    for due_on, amount in plan(kept, AGREED):
        payment_register(case=kept, amount=amount, paid_on=due_on)
    run(scoped, D(2026, 3, 21), D(2026, 4, 17))  # the VIP's call is queued on Friday 17 April
    queue_decide(item=open_item(vip, QueueKind.PHONE_CALL), outcome=Outcome.NO_ANSWER, on=D(2026, 4, 17), actor=AGENT)
    queue_decide(item=open_item(broken, QueueKind.PLAN_BROKEN), outcome=Outcome.NO_AGREEMENT, on=D(2026, 4, 17),
                 actor=AGENT)
    run(scoped, D(2026, 4, 18), D(2026, 4, 20))
    queue_decide(item=open_item(vip, QueueKind.PHONE_CALL), outcome=Outcome.AGREEMENT, on=D(2026, 4, 20),
                 actor=AGENT, promise=(D(2026, 4, 22), Decimal("100.00")))
    run(scoped, D(2026, 4, 21), D(2026, 4, 27))  # the promise broke on Friday 24 April: a follow-up call
    queue_decide(item=open_item(vip, QueueKind.PROMISE_BROKEN), outcome=Outcome.PROMISED, on=D(2026, 4, 27),
                 actor=AGENT, promise=(D(2026, 4, 29), Decimal("100.00")))
    payment_register(case=vip, amount=Decimal("100.00"), paid_on=D(2026, 4, 28))  # kept: the rest goes on
    review = open_item(ladder, QueueKind.PAYMENT_ORDER_REVIEW)
    queue_decide(item=review, outcome=Outcome.APPROVED, on=D(2026, 4, 28), actor=supervisor)
    filing_status_set(filing=review.filing, status="filed", on=D(2026, 4, 29), actor=AGENT, reference="1234-26")
    run(scoped, D(2026, 4, 28), D(2026, 4, 28))
    # A letter that can go neither by post nor by e-mail (made by hand: the cycle would not send it).
    nowhere = make_case(scoped, due_date=D(2026, 5, 1), debtor=DebtorFactory(creditor=scoped, address="",
                                                                             postal_code="", city=""))
    letter_render(letter_id=Letter.objects.create(**case_letter_record(
        case=nowhere, kind=LetterKind.REMINDER, sent_on=D(2026, 4, 28), deadline=D(2026, 5, 8))).pk)
    print_batch_build(creditor=scoped, day=D(2026, 4, 29))
    run(scoped, D(2026, 4, 29), D(2026, 5, 4))  # 29 April + two bank days (1 May is a holiday)
    ledger_import(creditor=scoped, name="ledger.csv", today=D(2026, 4, 29), data=(
        "customer_number,customer_name,invoice_number,invoice_date,due_date,amount\n"
        "K-77,Importerad Kund,F-77,2026-03-01,2026-03-31,750.00\n").encode())
    with scopes_disabled():
        return list(CaseEvent.objects.order_by("id"))


def rendered(event, language):
    """The event's sentence, rendered strictly: None (and the missing key) where the data falls short."""
    try:
        return timeline.render(event.code, event.data, language), None
    except KeyError as missing:
        return None, missing.args[0]


def test_every_event_written_reads_in_swedish_and_english_from_its_data(two_months):
    gaps = set()
    for event in two_months:
        swedish, missing = rendered(event, "sv")
        english, _ = rendered(event, "en")
        if missing is not None:
            assert event.text, f"{event.code} lacks {missing!r} and stored no text: {event.data}"
            gaps.add((event.code, missing))
            continue
        assert swedish and english and swedish != english, (event.code, event.data)
        # A bulk path that still stores a sentence stores the one the registry writes.
        assert event.text in ("", swedish[:timeline.TEXT_LENGTH]), (event.code, event.text, swedish)
    assert gaps <= BULK_GAPS
    # And every code registered is written (or named as a stage change's why) in these two months.
    written = {event.code for event in two_months} | {event.data["why"] for event in two_months
                                                       if event.data.get("why")}
    assert written == timeline.registered()


def test_every_event_code_in_the_code_is_registered():
    """A code spelled in an app's source (`"dunning.reminder.sent"`) has its sentences: a new
    code without them fails here, before any reader sees its stored text instead."""
    pattern = re.compile(r"[\"'](?:%s)\.[a-z_]+\.[a-z_]+[\"']" % "|".join(APPS))
    found = set()
    for app in APPS:
        for path in (REPOSITORY / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found |= {match[1:-1] for match in pattern.findall(path.read_text(encoding="utf-8"))}
    assert found and found <= timeline.registered(), found - timeline.registered()
