"""The data bench/reclassify.py measures: one creditor's debtors, each with a year of history.

Every debtor has 1–11 invoices over the last year (6 on average): the older ones paid
(on time or late, `Invoice.paid_on`, no case, as the ledger import stores them), the
newest one or two open, with a case on the normal ladder; some have credit reports,
closed cases that reached a collection demand or a payment order, broken promises,
disputes, a VIP designation or a manual override. All rows go in by COPY.
"""
import datetime
import random
from decimal import Decimal
from types import SimpleNamespace

DAY = datetime.date(2026, 11, 23)  # a Monday
YEAR = 365
SEED = 5


DEBTOR_FIELDS = ["creditor", "customer_number", "name", "customer_type", "identity_number", "email", "phone",
                 "address", "postal_code", "city", "country", "language", "vip", "email_letters_agreed", "category",
                 "category_reasons", "override_category", "override_until", "override_note", "created_at"]
INVOICE_FIELDS = ["creditor", "debtor", "invoice_number", "invoice_date", "due_date", "amount", "currency",
                  "reminder_fee_agreed", "paid_on", "created_at"]
CASE_FIELDS = ["creditor", "invoice", "debtor", "stage", "closed_reason", "hold_reason", "resume_stage", "currency",
               "ocr_reference", "opened_on", "closed_on", "next_action", "next_step_on", "created_at"]
QUEUE_FIELDS = ["creditor", "case", "kind", "created_on", "due_on", "outcome", "decided_on", "decided_by", "note"]
ENTRY_FIELDS = ["creditor", "case", "kind", "component", "amount", "currency", "booked_on", "text", "reference",
                "applies_to", "created_at"]
STEP_FIELDS = ["creditor", "case", "sequence", "category", "ladder_step", "action", "applied_on", "deadline",
               "created_at"]
REPORT_FIELDS = ["creditor", "identity_number", "score", "risk_class", "payment_remarks", "reported_on", "source",
                 "imported_at"]

# A debtor's habit: (share of debtors, P(paid on time), P(1–30 days late)); the rest is 30+ days late.
# Overall about 70 % on time, 20 % 1–30 days late, 10 % later.
PAYERS = [(0.65, 0.85, 0.13), (0.25, 0.55, 0.30), (0.10, 0.30, 0.35)]
RISK_CLASS_WEIGHTS = [30, 30, 20, 12, 8]  # risk class 1…5 of a credit report


def personal_number(serial: int) -> str:
    """A valid canonical personnummer, distinct per serial (up to 20 million)."""
    from stdnum import luhn

    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=serial % 20_000)
    digits = f"{born:%y%m%d}{serial // 20_000:03d}"
    return f"{born:%Y%m%d}-{digits[6:]}{luhn.calc_check_digit(digits)}"


def _late_days(rng: random.Random, habit) -> int:
    _, on_time, a_bit = habit
    draw = rng.random()
    if draw < on_time:
        return -rng.randint(0, 10)  # paid on or before the due date
    if draw < on_time + a_bit:
        return rng.randint(1, 30)
    return rng.randint(31, 120)


def _amount(rng: random.Random) -> Decimal:
    return Decimal(rng.randint(20_000, 500_000)) / 100


def _dunned(due_date, amount, is_consumer, ladder, caps):
    """Walk an open case along the normal ladder as the daily cycles before DAY did: the
    steps taken [(step, on)], the fees charged [(fee, on)], and the plan left for DAY onwards."""
    from dunning.engine import CaseFacts, Taken, deadline_for, plan_next

    facts = CaseFacts(due_date=due_date, is_consumer=is_consumer, reminder_fee_agreed=True, principal=amount)
    taken, fees = [], []
    while True:
        plan = plan_next(facts, ladder, caps)
        if plan is None or plan.on is None or plan.on >= DAY or plan.step.action == "payment_order":
            return taken, fees, plan
        taken.append((plan.step, plan.on))
        fees.extend((fee, plan.on) for fee in plan.fees)
        facts = CaseFacts(due_date=due_date, is_consumer=is_consumer, reminder_fee_agreed=True, principal=amount,
                          taken=facts.taken + (Taken(plan.step.action, plan.on, deadline_for(plan.step, plan.on)),),
                          fees_charged=facts.fees_charged | {fee.kind for fee in plan.fees})


def _debtors(rng, c: int, n: int, now) -> tuple[list, list]:
    """Debtor rows, all `normal` with no reasons yet; and each one's (consumer?, identity number, habit).
    15 % are companies; 30 % of consumers have an identity number; 1 % are VIPs; 0.3 % have a manual risk override."""
    rows, profiles = [], []
    for d in range(n):
        consumer = rng.random() < 0.85
        identity = personal_number(d) if consumer and rng.random() < 0.30 else ""
        override = rng.random() < 0.003
        profiles.append((consumer, identity, rng.choices(PAYERS, weights=[p[0] for p in PAYERS])[0]))
        rows.append((c, f"{d:07d}", f"Kund {d}", "consumer" if consumer else "company", identity, "", "",
                     f"Gatan {d % 200 + 1}", "70210", "Örebro", "SE", "sv", rng.random() < 0.01, False, "normal", [],
                     "risk" if override else "", DAY + datetime.timedelta(days=60) if override else None,
                     "Bench: manual risk" if override else "", now))
    return rows, profiles


def _invoices(rng, c: int, debtor_ids: list, profiles: list, now) -> tuple[list, list, list]:
    """1–11 invoices a debtor over the year: the newest open (15 %: the two newest), due 1–75 days
    ago; the older ones paid as the debtor's habit has it (no case). For 6 % of debtors the newest
    paid one went to collection first (a third of those to a payment order): no paid_on, a closed case.
    Returns the invoice rows, [(index, consumer?, newest open?)] of the open ones, and
    [(index, reached a payment order?)] of the collected ones."""
    rows, opens, collected = [], [], []
    for debtor_id, (consumer, identity, habit) in zip(debtor_ids, profiles):
        count = rng.randint(1, 11)
        n_open = 2 if count > 1 and rng.random() < 0.15 else 1
        dues = sorted((DAY - datetime.timedelta(days=rng.randint(1, 75)) for _ in range(n_open)), reverse=True)
        dues += sorted((DAY - datetime.timedelta(days=rng.randint(76, YEAR - 5)) for _ in range(count - n_open)),
                       reverse=True)
        was_collected = count > n_open and rng.random() < 0.06
        for i, due in enumerate(dues):
            paid_on = None
            if i < n_open:
                opens.append((len(rows), consumer, i == 0))
            elif i == n_open and was_collected:
                collected.append((len(rows), rng.random() < 1 / 3))
            else:
                paid_on = min(DAY, due + datetime.timedelta(days=_late_days(rng, habit)))
            rows.append((c, debtor_id, f"R{len(rows) + 1:09d}", due - datetime.timedelta(days=30), due, _amount(rng),
                         "SEK", True, paid_on, now))
    return rows, opens, collected


def _open_cases(c: int, invoices: list, invoice_ids: list, opens: list, now) -> tuple[list, list]:
    """A case per open invoice, dunned on the normal ladder up to yesterday (so in reminder or
    collection), planned onwards; and each one's (invoice row, steps taken, fees charged)."""
    from cases.ocr import ocr_reference
    from dunning.facts import ladders
    from dunning.planning import set_plan
    from law.selectors import fee_caps

    ladder, caps = ladders()["normal"], fee_caps()
    cases, history = [], []
    for index, consumer, _ in opens:
        row, pk = invoices[index], invoice_ids[index]
        taken, fees, plan = _dunned(row[4], row[5], consumer, ladder, caps)
        planned = SimpleNamespace()
        set_plan(planned, plan, review_open=False)
        stage = "collection" if any(step.action == "collection_demand" for step, _ in taken) else "reminder"
        cases.append((c, pk, row[1], stage, "", "", "", "SEK", ocr_reference(pk), row[4] + datetime.timedelta(days=1),
                      None, planned.next_action, planned.next_step_on, now))
        history.append((row, taken, fees))
    return cases, history


def _collected_cases(rng, c: int, invoices: list, invoice_ids: list, collected: list, now) -> tuple[list, list]:
    """A closed, paid case per collected invoice; and each one's (invoice row, actions with days after the due date)."""
    from cases.ocr import ocr_reference

    cases, history = [], []
    for index, to_payment_order in collected:
        row, pk = invoices[index], invoice_ids[index]
        actions = [("reminder", 10), ("collection_demand", 25)] + ([("payment_order", 45)] if to_payment_order else [])
        closed_on = row[4] + datetime.timedelta(days=rng.randint(actions[-1][1] + 5, actions[-1][1] + 25))
        cases.append((c, pk, row[1], "closed", "paid", "", "", "SEK", ocr_reference(pk),
                      row[4] + datetime.timedelta(days=1), closed_on, "", None, now))
        history.append((row, actions))
    return cases, history


def _ledgers(c: int, open_ids: list, open_history: list, collected_ids: list, collected_cases: list,
             collected_history: list, now) -> tuple[list, list]:
    """Each case's principal entry, fees and payment; and the steps it took (AppliedStep rows)."""
    from dunning.engine import deadline_for

    entries, steps = [], []
    for case_id, (row, taken, fees) in zip(open_ids, open_history):
        entries.append((c, case_id, "principal", "principal", row[5], "SEK", row[3], f"Faktura {row[2]}", "", "", now))
        entries.extend((c, case_id, fee.kind, "fees", fee.amount, "SEK", on, "", "", "", now) for fee, on in fees)
        steps.extend((c, case_id, n, "normal", step.number, step.action, on, deadline_for(step, on), now)
                     for n, (step, on) in enumerate(taken, start=1))
    for case_id, case, (row, actions) in zip(collected_ids, collected_cases, collected_history):
        entries.append((c, case_id, "principal", "principal", row[5], "SEK", row[3], f"Faktura {row[2]}", "", "", now))
        entries.append((c, case_id, "payment", "principal", -row[5], "SEK", case[10], "Betalning", "", "", now))
        steps.extend((c, case_id, n, "normal", n, action, row[4] + datetime.timedelta(days=after), None, now)
                     for n, (action, after) in enumerate(actions, start=1))
    return entries, steps


def _promises_and_disputes(rng, c: int, open_ids: list, open_cases: list, opens: list, now) -> tuple[list, list]:
    """On the debtor's newest open case: a broken promise (6 % of debtors once, 2 % twice: the
    default rules call two a risk), a dispute reviewed and dismissed (1 %)."""
    from cases.models import PROMISE_BROKEN

    events, queue = [], []
    for case_id, case, (_, _, newest) in zip(open_ids, open_cases, opens):
        if not newest:
            continue
        opened_on = case[9]
        draw = rng.random()
        for _ in range(2 if draw < 0.02 else 1 if draw < 0.08 else 0):
            on = opened_on + datetime.timedelta(days=rng.randint(0, (DAY - opened_on).days))
            events.append((c, case_id, now, on, "system", PROMISE_BROKEN, f"Betalningslöfte brutet: obetalt {on}",
                           {"promised": on.isoformat()}))
        if rng.random() < 0.01:
            created = opened_on + datetime.timedelta(days=rng.randint(0, (DAY - opened_on).days))
            queue.append((c, case_id, "dispute_review", created, created + datetime.timedelta(days=7), "dismissed",
                          min(DAY, created + datetime.timedelta(days=3)), "user:agent@bench.se", ""))
    return events, queue


def _credit_reports(rng, c: int, profiles: list, now) -> list:
    """80 % of the debtors with an identity number have one to three reports this year; the
    latest is fresh (at most 90 days old) for 60 % of them, otherwise stale."""
    reports = []
    for _, identity, _ in profiles:
        if not identity or rng.random() >= 0.80:
            continue
        latest = rng.randint(0, 89) if rng.random() < 0.60 else rng.randint(91, YEAR - 5)
        for age in {latest, *(rng.randint(latest + 1, YEAR) for _ in range(rng.randint(0, 2)))}:
            risk_class = rng.choices(range(1, 6), weights=RISK_CLASS_WEIGHTS)[0]
            reports.append((c, identity, max(0, min(100, 110 - 20 * risk_class + rng.randint(-10, 10))), risk_class,
                            0 if rng.random() < 0.85 else rng.randint(1, 4), DAY - datetime.timedelta(days=age), "UC",
                            now))
    return reports


def build(n_debtors: int):
    """One creditor with `n_debtors` debtors and their year, written by COPY; returns the creditor."""
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from cases.events import EVENT_FIELDS
    from cases.models import Case, CaseEvent, Invoice, LedgerEntry
    from classification.models import CreditReport
    from core.bulk import insert_rows
    from core.tenancy import creditor_scope
    from creditors.services import creditor_create
    from debtors.models import Debtor
    from dunning.models import AppliedStep, QueueItem

    rng = random.Random(SEED)
    now = timezone.now()
    with scopes_disabled():
        creditor = creditor_create(slug="bench", name="Bench AB", org_number="556703-7485", bankgiro="5050-1055")
    c = creditor.pk
    with creditor_scope(creditor):
        rows, profiles = _debtors(rng, c, n_debtors, now)
        debtor_ids = insert_rows(Debtor, DEBTOR_FIELDS, rows, returning=True)
        invoices, opens, collected = _invoices(rng, c, debtor_ids, profiles, now)
        invoice_ids = insert_rows(Invoice, INVOICE_FIELDS, invoices, returning=True)
        open_cases, open_history = _open_cases(c, invoices, invoice_ids, opens, now)
        collected_cases, collected_history = _collected_cases(rng, c, invoices, invoice_ids, collected, now)
        case_ids = insert_rows(Case, CASE_FIELDS, open_cases + collected_cases, returning=True)
        open_ids, collected_ids = case_ids[:len(open_cases)], case_ids[len(open_cases):]
        entries, steps = _ledgers(c, open_ids, open_history, collected_ids, collected_cases, collected_history, now)
        insert_rows(LedgerEntry, ENTRY_FIELDS, entries)
        insert_rows(AppliedStep, STEP_FIELDS, steps)
        events, queue = _promises_and_disputes(rng, c, open_ids, open_cases, opens, now)
        insert_rows(CaseEvent, EVENT_FIELDS, events)
        insert_rows(QueueItem, QUEUE_FIELDS, queue)
        reports = _credit_reports(rng, c, profiles, now)
        insert_rows(CreditReport, REPORT_FIELDS, reports)
    print(f"  {n_debtors:,} debtors, {len(invoices):,} invoices ({len(invoices) / n_debtors:.1f} a debtor), "
          f"{len(case_ids):,} cases ({len(open_cases):,} open, {len(collected_cases):,} collected and paid), "
          f"{len(entries):,} ledger entries, {len(steps):,} applied steps, {len(events):,} broken promises, "
          f"{len(queue):,} disputes, {len(reports):,} credit reports")
    return creditor
