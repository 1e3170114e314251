"""A believable demo portfolio: two creditors, a few hundred debtors, a year of invoices.

Deterministic (a fixed random seed) and re-runnable: a creditor that already exists is
left as it is. Dates are relative to `today`, so the demo always looks current.
"""
import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from stdnum import luhn

from cases.models import Case, Invoice
from cases.stages import Stage
from classification.bureau import StaticBureau
from classification.credit_reports import credit_reports_fetch
from classification.services import reclassify
from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff, Creditor, Role
from creditors.services import creditor_create, membership_add
from cycle.run import run_cycle
from debtors.models import Category, CustomerType, Debtor
from dunning.balances import case_balance
from dunning.holds import case_dispute, case_promise
from dunning.legal import filing_status_set
from dunning.models import FilingStatus, Outcome, PaymentOrderFiling, QueueItem, QueueKind
from dunning.plans import case_payment_plan, plan_split
from dunning.queue import CALL_KINDS, queue_decide
from dunning.services import case_open_and_plan
from letters.models import Letter
from payments.services import payment_register

DEMO_PASSWORD = "fordra-demo"
AGENT_EMAIL = "agent@fordra.demo"
# The agency's people: an agent, a supervisor (waivers, payment-order approval), an auditor who only reads.
AGENCY_STAFF = {AGENT_EMAIL: AgencyRole.AGENT, "supervisor@fordra.demo": AgencyRole.SUPERVISOR,
                "auditor@fordra.demo": AgencyRole.AUDITOR}
AGENT, SUPERVISOR = f"user:{AGENT_EMAIL}", "user:supervisor@fordra.demo"
# The agents work the queue during the demo's year, but the last weeks' items still wait for them.
QUEUE_LEFT_DAYS = 21

FIRST_NAMES = ["Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per", "Emma",
               "Nils", "Lena", "Olof", "Ingrid", "Mikael", "Sofia", "Gustav", "Elin", "Björn", "Åsa", "Jörgen"]
LAST_NAMES = ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
              "Svensson", "Gustafsson", "Lindberg", "Lindqvist", "Bergström", "Holm", "Sjöberg", "Åberg"]
COMPANY_WORDS = ["Bygg", "El", "Måleri", "Transport", "Konsult", "Trädgård", "Rör", "Data", "Städ", "Golv"]
TOWNS = [("111 22", "Stockholm"), ("411 05", "Göteborg"), ("211 20", "Malmö"), ("753 20", "Uppsala"),
         ("702 10", "Örebro"), ("582 22", "Linköping"), ("903 26", "Umeå"), ("851 70", "Sundsvall")]
STREETS = ["Storgatan", "Kungsgatan", "Drottninggatan", "Västra vägen", "Björkstigen", "Hamngatan"]


@dataclass(frozen=True)
class DemoCreditor:
    slug: str
    name: str
    org_number: str
    bankgiro: str
    admin_email: str
    debtors: int
    company_share: float


DEMO_CREDITORS = [
    DemoCreditor("nordvik", "Nordvik Bygghandel AB", "556703-7485", "5050-1055", "anna@nordvik.demo", 180, 0.7),
    DemoCreditor("solkraft", "Solkraft Energi AB", "556036-0793", "5402-9681", "erik@solkraft.demo", 220, 0.1),
]


def _personnummer(rng: random.Random) -> str:
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 62))
    body = f"{born:%y%m%d}{rng.randrange(0, 1000):03d}"
    return f"{born.year // 100}{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


def _org_number(rng: random.Random) -> str:
    body = f"55{rng.randrange(2, 10)}{rng.randrange(0, 1_000_000):06d}"  # third digit ≥ 2: an organisation
    return f"{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}"


def _debtor(rng: random.Random, creditor: Creditor, number: int, spec: DemoCreditor) -> Debtor:
    postal_code, city = rng.choice(TOWNS)
    company = rng.random() < spec.company_share
    if company:
        name = f"{rng.choice(LAST_NAMES)}s {rng.choice(COMPANY_WORDS)} AB"
        identity, kind = _org_number(rng), CustomerType.COMPANY
    else:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        identity, kind = _personnummer(rng), CustomerType.CONSUMER
    vip = company and rng.random() < 0.08
    slug = name.lower().replace(" ", ".").translate(str.maketrans("åäö", "aao"))
    return Debtor(
        creditor=creditor, customer_number=f"{10000 + number:06d}", name=name, customer_type=kind,
        identity_number=identity, email=f"{slug}@example.se" if rng.random() < 0.6 else "",
        phone=f"07{rng.randrange(0, 10)}-{rng.randrange(100, 1000)} {rng.randrange(10, 100)} {rng.randrange(10, 100)}",
        address=f"{rng.choice(STREETS)} {rng.randrange(1, 80)}", postal_code=postal_code, city=city,
        language="en" if rng.random() < 0.05 else "sv", vip=vip, category=Category.VIP if vip else Category.NORMAL,
    )


def _history(rng: random.Random, creditor: Creditor, debtor: Debtor, today: datetime.date, serial: list[int]):
    """About a year of invoices: most paid (on time or late, by the debtor's habit), a few still open."""
    habit = rng.choices(["prompt", "sometimes_late", "late"], weights=[6, 3, 1])[0]
    invoices = []
    for _ in range(rng.randint(3, 9)):
        invoice_date = today - datetime.timedelta(days=rng.randrange(20, 380))
        due_date = invoice_date + datetime.timedelta(days=30)
        amount = Decimal(rng.randrange(19_900, 4_500_000 if debtor.customer_type == CustomerType.COMPANY else 900_000)) / 100
        days_late = {"prompt": rng.choice([0, 0, 0, 2]), "sometimes_late": rng.choice([0, 5, 12, 20]),
                     "late": rng.choice([15, 25, 40, 60])}[habit]
        paid_on = due_date + datetime.timedelta(days=days_late)
        serial[0] += 1
        invoices.append(Invoice(
            creditor=creditor, debtor=debtor, invoice_number=f"{creditor.slug[:2].upper()}{serial[0]:07d}",
            invoice_date=invoice_date, due_date=due_date, amount=amount,
            reminder_fee_agreed=rng.random() < 0.8, paid_on=paid_on if paid_on < today - datetime.timedelta(days=3)
            and rng.random() < 0.93 else None,
        ))
    return invoices


@transaction.atomic
def seed_creditor(spec: DemoCreditor, *, today: datetime.date) -> Creditor | None:
    if Creditor.objects.filter(slug=spec.slug).exists():
        return None
    rng = random.Random(f"fordra-demo-{spec.slug}")
    creditor = creditor_create(slug=spec.slug, name=spec.name, org_number=spec.org_number,
                               bankgiro=spec.bankgiro, address="Industrivägen 4", postal_code="123 45",
                               city="Stockholm", email=f"ekonomi@{spec.slug}.demo", phone="08-123 456 00")
    with creditor_scope(creditor):
        membership_add(creditor=creditor, email=spec.admin_email, role=Role.ADMIN, password=DEMO_PASSWORD)
        debtors = Debtor.objects.bulk_create(_debtor(rng, creditor, n, spec) for n in range(spec.debtors))
        serial = [0]
        invoices = Invoice.objects.bulk_create(
            invoice for debtor in debtors for invoice in _history(rng, creditor, debtor, today, serial)
        )
        for invoice in invoices:
            if invoice.paid_on is None and invoice.due_date < today:
                case_open_and_plan(invoice=invoice, opened_on=invoice.due_date + datetime.timedelta(days=1))
        _credit_reports(creditor, rng, debtors, today)
        _collect_for_a_year(creditor, rng, today)
        # The cycle classifies debtors with open cases; give the others their category too.
        reclassify(creditor=creditor, on=today, debtors=Debtor.objects.filter(creditor=creditor))
    return creditor


def _credit_reports(creditor: Creditor, rng: random.Random, debtors: list[Debtor], today: datetime.date) -> None:
    """Reports from a bureau about two debtors in five, mostly from the last months, a few too old to use."""
    reports = {}
    for debtor in debtors:
        if rng.random() >= 0.4:
            continue
        risk_class = rng.choices([1, 2, 3, 4, 5], weights=[30, 35, 20, 10, 5])[0]
        age = rng.randrange(100, 200) if rng.random() < 0.1 else rng.randrange(3, 75)
        reports[debtor.identity_number] = {
            "score": max(0, min(100, 105 - 20 * risk_class + rng.randrange(-8, 9))), "risk_class": risk_class,
            "payment_remarks": rng.choice([0, 1, 2, 3]) if risk_class >= 4 and rng.random() < 0.6 else 0,
            "reported_on": today - datetime.timedelta(days=age)}
    bureau = StaticBureau(reports, name="UC")
    credit_reports_fetch(creditor=creditor, bureau=bureau, identity_numbers=list(reports), on=today)


def _collect_for_a_year(creditor: Creditor, rng: random.Random, today: datetime.date) -> None:
    """Run the daily cycle over the past year, with debtors answering letters as debtors do:
    most pay within a couple of weeks of a letter, some in part, a few promise or dispute."""
    plans: dict[int, list] = {}  # case id → instalments the debtor will pay
    # Streams of their own: the debtors' stays as it was before the agents and Kronofogden came.
    agents = random.Random(f"fordra-demo-queue-{creditor.slug}")
    kronofogden = random.Random(f"fordra-demo-filings-{creditor.slug}")
    day = today - datetime.timedelta(days=365)
    while day <= today:
        run_cycle(creditor=creditor, day=day)
        _pay_instalments(plans, day)
        if day <= today - datetime.timedelta(days=QUEUE_LEFT_DAYS):
            _work_queue(agents, day, plans)
            _follow_filings(kronofogden, day)
        answering = Letter.objects.filter(sent_on=day - datetime.timedelta(days=rng.choice([3, 6, 9])))
        for letter in answering.select_related("case"):
            case = Case.objects.select_related("invoice", "debtor").get(pk=letter.case_id)
            if case.stage == Stage.CLOSED or case.stage == Stage.ON_HOLD:
                continue
            roll = rng.random()
            if roll < 0.45:
                payment_register(case=case, amount=case_balance(case, as_of=day).total, paid_on=day,
                                 reference=f"demo-{case.pk}-{day}")
            elif roll < 0.55:
                part = (case_balance(case, as_of=day).total / 3).quantize(Decimal("1"))
                if part > 0:
                    payment_register(case=case, amount=part, paid_on=day, reference=f"demo-{case.pk}-{day}")
            elif roll < 0.58:
                case_promise(case=case, until=day + datetime.timedelta(days=14), on=day, actor="user:demo-debtor")
            elif roll < 0.60:
                case_dispute(case=case, on=day, actor="user:demo-debtor", text="Fakturan stämmer inte med ordern")
            elif roll < 0.62 and case.stage != Stage.LEGAL:
                plans[case.pk] = _agree_plan(case, rng, day)
        day += datetime.timedelta(days=1)


def _agree_plan(case: Case, rng: random.Random, day: datetime.date) -> list:
    """Three monthly instalments agreed with an agent; one debtor in three stops paying after the first."""
    total = case_balance(case, as_of=day).total
    part = (total / 3).quantize(Decimal("0.01"))
    instalments = [(day + datetime.timedelta(days=30 * n), amount)
                   for n, amount in ((1, part), (2, part), (3, total - 2 * part))]
    case_payment_plan(case=case, instalments=instalments, on=day, actor=AGENT)
    return instalments[:1] if rng.random() < 0.33 else instalments


def _pay_instalments(plans: dict[int, list], day: datetime.date) -> None:
    """Pay what debtors agreed to pay on `day`: an instalment, or (None) all that is owed as promised."""
    for case_id, instalments in plans.items():
        for due_on, amount in instalments:
            if due_on == day:
                case = Case.objects.select_related("invoice", "debtor").get(pk=case_id)
                if case.stage != Stage.CLOSED:
                    amount = amount if amount is not None else case_balance(case, as_of=day).total
                    payment_register(case=case, amount=amount, paid_on=day, reference=f"demo-plan-{case_id}-{day}")


def _work_queue(rng: random.Random, day: datetime.date, agreed: dict[int, list]) -> None:
    """The agents answer what waited two bank days: calls (and follow-ups of broken promises
    and plans) reach most debtors (a promise, which two in three keep, a plan, no agreement)
    or none; the supervisor approves most payment orders, the agent rejects the rest;
    disputes are upheld or dismissed. Address items wait for an address. `agreed`: case id →
    the payments its debtor will make (None: all that is owed)."""
    waiting = (QueueItem.objects.filter(outcome="", created_on__lte=day - datetime.timedelta(days=2))
               .exclude(kind=QueueKind.ADDRESS_MISSING).select_related("case").order_by("pk"))
    for item in waiting:
        roll = rng.random()
        if item.kind in CALL_KINDS:
            owed = case_balance(item.case, as_of=day).total
            if Case.objects.filter(pk=item.case_id, stage=Stage.ON_HOLD).exists():
                owed = 0  # the debtor promised or disputed by letter meanwhile: nothing more to agree
            if roll < 0.4 and owed > 0:
                until = day + datetime.timedelta(days=10)
                queue_decide(item=item, outcome=Outcome.PROMISED, on=day, actor=AGENT, note="Betalar efter lön",
                             promise=(until, owed))
                if rng.random() < 0.67:
                    agreed[item.case_id] = [(until, None)]
            elif roll < 0.5 and owed > 0:
                instalments = plan_split(owed, first_on=day + datetime.timedelta(days=30), count=3)
                queue_decide(item=item, outcome=Outcome.PAYMENT_PLAN, on=day, actor=AGENT, instalments=instalments)
                agreed[item.case_id] = instalments if rng.random() < 0.67 else instalments[:1]
            else:
                queue_decide(item=item, outcome=Outcome.NO_AGREEMENT if roll < 0.8 else Outcome.NO_ANSWER, on=day,
                             actor=AGENT)
        elif item.kind == QueueKind.PAYMENT_ORDER_REVIEW:
            approved = roll < 0.85
            queue_decide(item=item, outcome=Outcome.APPROVED if approved else Outcome.REJECTED, on=day,
                         actor=SUPERVISOR if approved else AGENT,
                         note="Underlaget är komplett" if approved else "Gäldenären har hört av sig; avvakta")
        elif item.kind == QueueKind.DISPUTE_REVIEW:
            queue_decide(item=item, outcome=Outcome.UPHELD if roll < 0.4 else Outcome.DISMISSED, on=day,
                         actor=AGENT, note="Följesedeln bekräftar leveransen" if roll >= 0.4 else "Kreditnota utlovad")


def _follow_filings(rng: random.Random, day: datetime.date) -> None:
    """Kronofogden's answers, as the agents record them: filed within days of the approval,
    decided some six weeks on, and about a third of the decided go on to enforcement."""
    steps = ((FilingStatus.TO_FILE, 3, FilingStatus.FILED), (FilingStatus.FILED, 42, FilingStatus.DECIDED),
             (FilingStatus.DECIDED, 30, FilingStatus.ENFORCEMENT))
    for status, days, next_status in steps:
        waiting = PaymentOrderFiling.objects.filter(status=status, status_on__lte=day - datetime.timedelta(days=days))
        for filing in waiting.order_by("pk"):
            if next_status == FilingStatus.ENFORCEMENT and rng.random() >= 0.35:
                continue
            filing_status_set(filing=filing, status=next_status, on=day, actor=AGENT,
                              reference=f"{filing.case_id:04d}-{day:%y}" if next_status == FilingStatus.FILED else "")


def seed_agency_staff() -> None:
    User = get_user_model()
    for email, role in AGENCY_STAFF.items():
        user, created = User.objects.get_or_create(username=email, defaults={"email": email})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        AgencyStaff.objects.get_or_create(user=user, defaults={"role": role})


def seed_demo(*, today: datetime.date) -> list[tuple[DemoCreditor, bool]]:
    """Seed every demo creditor; returns each with whether it was created now."""
    seed_agency_staff()
    return [(spec, seed_creditor(spec, today=today) is not None) for spec in DEMO_CREDITORS]
