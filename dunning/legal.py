"""The application for a payment order (betalningsföreläggande), prepared from the case.

LAW.md lists what Kronofogden's application asks for; `application_for` gathers it from
the case as it stands on a day, for the supervisor who approves it and for the file:
- the applicant (the creditor) and its agent (ombud: the agency, `FORDRA_AGENCY`);
- the debtor (svarande) with identity number and address;
- the claim (delkrav): the unpaid principal, the invoice's number, date and due date, and
  the ground in plain Swedish, with no message to the debtor in it;
- the interest: its rate (the reference rate + 8 points, or the policy's contractual
  rate), from the day after the due date until payment, and what has accrued so far;
- the costs, each its own claim: the fees charged (reminder fee, collection cost or
  förseningsersättning) and those the filing charges (the application fee and the
  statutory compensation for drawing the application up: `dunning.engine.fees_for`,
  the same rule the daily cycle books them by).

`application_pdf` renders it for the case file; `application_file` gives the same fields
as a structured document (JSON, with the form's field names in Swedish). That structure
is Fordra's own: Kronofogden's bulk-filing format (XML for "ingivare") needs an agreement
with Kronofogden and its schema, which the agency does not have yet.
"""
import datetime
import html
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import translation

from cases.events import actor_label, log_event
from cases.models import Case, EntryKind
from core.errors import Conflict, ValidationError
from core.money import format_sek
from law.actions import Action
from law.selectors import rule_pack
from letters.context import agency_details
from letters.models import LetterKind
from letters.pdf import html_to_pdf, stylesheets
from letters.sandbox import SandboxFetcher

from .balances import case_letter_record
from .engine import fees_for
from .event_texts import FILING_STATUS
from .facts import facts_for, ladders
from .models import FilingStatus, PaymentOrderFiling, QueueItem


@dataclass(frozen=True)
class Cost:
    kind: str
    label: str
    amount: Decimal
    charged_on: datetime.date | None  # None: charged when the application is filed


@dataclass(frozen=True)
class Application:
    prepared_on: datetime.date
    case_id: int
    ocr_reference: str
    applicant: dict
    agent: dict
    debtor: dict
    principal: Decimal
    invoice_number: str
    invoice_date: datetime.date
    due_date: datetime.date
    ground: str
    interest_rate: Decimal  # percent a year, as of the application day
    interest_from: datetime.date
    interest_accrued: Decimal
    costs: tuple[Cost, ...]

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest_accrued + sum((c.amount for c in self.costs), Decimal("0.00"))


def application_for(case: Case, *, on: datetime.date) -> Application:
    """The application as it would be filed on `on` (inside the case's creditor scope)."""
    case = Case.objects.select_related("creditor", "debtor", "invoice").get(pk=case.pk)
    amounts = case_letter_record(case=case, kind=LetterKind.PAYMENT_ORDER_NOTICE, sent_on=on, deadline=None)["amounts"]
    periods = amounts["interest"]["periods"]
    creditor, debtor, invoice = case.creditor, case.debtor, case.invoice
    costs = [Cost(line["kind"], line["label"], Decimal(line["amount"]), datetime.date.fromisoformat(line["charged_on"]))
             for line in amounts["fees"]]
    with translation.override("sv"):  # the application is filed in Swedish, whatever the page's language
        costs += [Cost(fee.kind, str(EntryKind(fee.kind).label), fee.amount, None) for fee in _filing_fees(case, on)]
    return Application(
        prepared_on=on, case_id=case.pk, ocr_reference=case.ocr_reference,
        applicant={"name": creditor.name, "org_number": creditor.org_number, "address": creditor.address,
                   "postal_code": creditor.postal_code, "city": creditor.city, "email": creditor.email,
                   "phone": creditor.phone},
        agent={key: value for key, value in agency_details().items()
               if key in ("name", "org_number", "address", "postal_code", "city", "phone", "email")},
        debtor={"name": debtor.name, "identity_number": debtor.identity_number, "customer_type": debtor.customer_type,
                "address": debtor.address, "postal_code": debtor.postal_code, "city": debtor.city,
                "country": debtor.country},
        principal=Decimal(amounts["principal"]), invoice_number=invoice.invoice_number,
        invoice_date=invoice.invoice_date, due_date=invoice.due_date,
        ground=(f"Obetald faktura nr {invoice.invoice_number} daterad {invoice.invoice_date:%Y-%m-%d} med förfallodag "
                f"{invoice.due_date:%Y-%m-%d} avseende varor eller tjänster som {creditor.name} levererat till "
                f"{debtor.name}."),
        interest_rate=Decimal(periods[-1]["rate"]) if periods else Decimal("0"),
        interest_from=invoice.due_date + datetime.timedelta(days=1),
        interest_accrued=Decimal(amounts["interest"]["amount"]), costs=tuple(costs),
    )


def _filing_fees(case: Case, on: datetime.date):
    """The fees the payment-order step books when it is filed, by the engine's own rule."""
    ladder = ladders()[case.debtor.category]
    step = next((s for s in ladder.steps if s.action == Action.PAYMENT_ORDER), None)
    if step is None:
        return ()
    return fees_for(step, facts_for([case])[case.pk], ladder, rule_pack().fee_caps, on)


def application_file(application: Application) -> dict:
    """The application's fields as a structured document, named as the form names them."""
    def money(value: Decimal) -> str:
        return str(value.quantize(Decimal("0.01")))

    return {
        "format": "fordra.betalningsforelaggande.v1",
        "upprattad": application.prepared_on.isoformat(),
        "sokande": application.applicant,
        "ombud": application.agent,
        "svarande": [application.debtor],
        "delkrav": [{
            "kapitalbelopp": money(application.principal), "valuta": "SEK",
            "fakturanummer": application.invoice_number, "fakturadatum": application.invoice_date.isoformat(),
            "forfallodag": application.due_date.isoformat(), "grund": application.ground,
            "ranta": {"sats_procent": str(application.interest_rate), "fran": application.interest_from.isoformat(),
                      "till": "betalning sker", "upplupen_hittills": money(application.interest_accrued)},
        }],
        "kostnader": [{"slag": cost.kind, "benamning": cost.label, "belopp": money(cost.amount),
                       "debiterad": cost.charged_on.isoformat() if cost.charged_on else "vid ansökan"}
                      for cost in application.costs],
        "summa": money(application.total),
        "referens": {"arende": application.case_id, "ocr": application.ocr_reference},
    }


def application_pdf(application: Application) -> bytes:
    """The application as a PDF/A page for the case file (WeasyPrint in the letters' sandbox)."""
    return html_to_pdf(_html(application), fetcher=SandboxFetcher(), css=stylesheets("v1", "standard"))


def _html(a: Application) -> str:
    e = html.escape

    def kr(value: Decimal) -> str:
        return f"{format_sek(value)}&nbsp;kr"

    def party(title: str, who: dict, number_key: str) -> str:
        return (f"<h2>{title}</h2><p>{e(who.get('name', ''))}<br>{e(who.get(number_key, ''))}<br>"
                f"{e(who.get('address', ''))}<br>{e(who.get('postal_code', ''))} {e(who.get('city', ''))}</p>")

    costs = "".join(f"<tr><td>{e(c.label)}</td><td>{c.charged_on or 'vid ansökan'}</td>"
                    f"<td class='num'>{kr(c.amount)}</td></tr>" for c in a.costs)
    rate = f"{a.interest_rate:.2f}".replace(".", ",")
    return f"""<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>Ansökan om betalningsföreläggande, ärende {a.case_id}</title></head><body>
<h1>Ansökan om betalningsföreläggande</h1>
<p>Underlag upprättat {a.prepared_on:%Y-%m-%d} för ärende {a.case_id} (OCR {e(a.ocr_reference)}).</p>
{party("Sökande", a.applicant, "org_number")}{party("Ombud", a.agent, "org_number")}
{party("Svarande", a.debtor, "identity_number")}
<h2>Fordran</h2>
<table><tr><td>Kapitalbelopp</td><td class="num">{kr(a.principal)}</td></tr>
<tr><td>Ränta {rate} % per år från {a.interest_from:%Y-%m-%d} tills betalning sker
(upplupen hittills)</td><td class="num">{kr(a.interest_accrued)}</td></tr></table>
<p><strong>Grund:</strong> {e(a.ground)}</p>
<h2>Kostnader</h2>
<table><tr><th>Slag</th><th>Debiterad</th><th class="num">Belopp</th></tr>{costs}</table>
<p><strong>Summa i dag: {kr(a.total)}</strong>, därtill ränta tills betalning sker.</p>
</body></html>"""


# What may follow what: a filing goes forward, or is withdrawn; a withdrawn one stays so.
NEXT_STATUS = {
    FilingStatus.TO_FILE: {FilingStatus.FILED, FilingStatus.WITHDRAWN},
    FilingStatus.FILED: {FilingStatus.DECIDED, FilingStatus.WITHDRAWN},
    FilingStatus.DECIDED: {FilingStatus.ENFORCEMENT, FilingStatus.WITHDRAWN},
    FilingStatus.ENFORCEMENT: {FilingStatus.WITHDRAWN},
    FilingStatus.WITHDRAWN: set(),
}


def filing_open(*, review: QueueItem, on: datetime.date, actor=None) -> PaymentOrderFiling:
    """The approved application, kept as approved, to be filed (called by `queue_decide`)."""
    return PaymentOrderFiling.objects.create(
        creditor_id=review.creditor_id, case_id=review.case_id, review=review, status_on=on,
        application=application_file(application_for(review.case, on=on)), updated_by=actor_label(actor))


@transaction.atomic
def filing_status_set(*, filing: PaymentOrderFiling, status: str, on: datetime.date, actor=None,
                      reference: str = "", note: str = "") -> PaymentOrderFiling:
    """Record what became of a filing at Kronofogden (filed, decided, enforcement, withdrawn)."""
    filing = PaymentOrderFiling.objects.select_for_update().get(pk=filing.pk)
    if status not in NEXT_STATUS[filing.status]:
        allowed = ", ".join(sorted(NEXT_STATUS[filing.status])) or "nothing: it is withdrawn"
        raise Conflict(f"a filing that is {filing.status} can become {allowed}, not {status}",
                       code="filing_status", detail={"filing": filing.pk, "status": status})
    if on < filing.status_on:
        raise ValidationError(f"the status date {on} is before the last one ({filing.status_on})",
                              code="filing_date", detail={"filing": filing.pk, "last": filing.status_on.isoformat()})
    filing.status, filing.status_on, filing.updated_by = status, on, actor_label(actor)
    filing.reference = reference.strip()[:40] or filing.reference
    filing.note = note.strip()[:500]
    filing.save(update_fields=["status", "status_on", "updated_by", "reference", "note"])
    log_event(case=filing.case, code=FILING_STATUS, actor=actor, on=on,
              data={"filing": filing.pk, "status": status, "reference": filing.reference})
    return filing
