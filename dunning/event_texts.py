"""The timeline's sentences for the codes dunning writes (registered in `DunningConfig.ready`):
the steps, holds and their ends, payment plans, the agents' decisions, addresses and
returned letters. The `WHY_…` codes are never an event's own code: a stage change names
one to say why it happened (`cases.timeline`)."""
from decimal import Decimal

from cases.models import PAYMENT_PLAN_BROKEN, PROMISE_BROKEN
from cases.timeline import format_amount, format_date, register
from law.actions import Action, FeeKind
from letters.models import LetterKind
from letters.texts import TITLES

from .models import FilingStatus, Outcome, QueueKind

WHY_DISPUTED = "dunning.hold.disputed"
WHY_PROMISED = "dunning.hold.promised"
WHY_PAYMENT_PLAN = "dunning.hold.payment_plan"
WHY_PROMISE_LAPSED = "dunning.promise.lapsed"
WHY_PROMISE_KEPT = "dunning.promise.kept"
WHY_PAUSED = "dunning.hold.paused"
WHY_PAUSE_ENDED = "dunning.pause.ended"
DISPUTE_ANSWERED = "dunning.dispute.answered"
WHY_DISPUTE_UPHELD = "dunning.dispute.upheld"
WHY_DISPUTE_DISMISSED = "dunning.dispute.dismissed"
WHY_DISPUTE_WRITTEN_DOWN = "dunning.dispute.written_down"
DISPUTE_DOCUMENT_ADDED = "dunning.dispute.document_added"
FILING_STATUS = "dunning.payment_order.status"
WHY_PLAN_KEPT = "dunning.payment_plan.kept"
WHY_PLAN_LAPSED = "dunning.payment_plan.lapsed"

ADDRESS_MISSING = "dunning.address.missing"
ADDRESS_SET = "debtors.address.set"
LETTER_RETURNED = "letters.letter.returned"
LETTER_UNDELIVERABLE = "letters.letter.undeliverable"
PAYMENT_PLAN_CREATED = "letters.payment_plan.created"
REVIEW_REQUESTED = "dunning.payment_order.review_requested"
STEP_EVENTS = {Action.REMINDER: "dunning.reminder.sent", Action.PHONE_CALL: "dunning.phone_call.queued",
               Action.COLLECTION_DEMAND: "dunning.collection_demand.sent",
               Action.PAYMENT_ORDER: "dunning.payment_order.filed"}
DECIDABLE_KINDS = (QueueKind.PHONE_CALL, QueueKind.PAYMENT_ORDER_REVIEW, QueueKind.DISPUTE_REVIEW,
                   QueueKind.PROMISE_BROKEN, QueueKind.PLAN_BROKEN)


def decided_code(kind: str) -> str:
    """`cases.phone_call.decided`: an agent's decision on a work item of `kind`."""
    return f"cases.{kind}.decided"


ACTION_EN = {Action.REMINDER: "reminder", Action.PHONE_CALL: "phone call",
             Action.COLLECTION_DEMAND: "collection demand", Action.PAYMENT_ORDER: "payment order"}
FEE_EN = {FeeKind.REMINDER_FEE: "reminder fee", FeeKind.COLLECTION_FEE: "collection fee",
          FeeKind.LATE_PAYMENT_COMPENSATION: "late-payment compensation",
          FeeKind.PAYMENT_PLAN_FEE: "payment plan fee",
          FeeKind.PAYMENT_ORDER_FEE: "application fee for a payment order",
          FeeKind.PAYMENT_ORDER_WORK: "drawing up the payment order application"}
QUEUE_KIND_EN = {QueueKind.PHONE_CALL: "Phone call", QueueKind.PAYMENT_ORDER_REVIEW: "Payment order review",
                 QueueKind.DISPUTE_REVIEW: "Dispute", QueueKind.ADDRESS_MISSING: "Address missing",
                 QueueKind.PROMISE_BROKEN: "Broken promise to pay", QueueKind.PLAN_BROKEN: "Broken payment plan"}
FILING_STATUS_EN = {FilingStatus.TO_FILE: "to be filed", FilingStatus.FILED: "filed with the Enforcement Authority",
                    FilingStatus.DECIDED: "decided", FilingStatus.ENFORCEMENT: "enforcement",
                    FilingStatus.WITHDRAWN: "withdrawn"}
OUTCOME_EN = {
    Outcome.NO_AGREEMENT: "reached, no agreement", Outcome.PROMISED: "promise to pay",
    Outcome.PAYMENT_PLAN: "payment plan", Outcome.NO_ANSWER: "no answer, to be tried again",
    Outcome.UNREACHABLE: "no answer, no tries left", Outcome.AGREEMENT: "agreement",
    Outcome.WAIVED: "call waived by a supervisor", Outcome.APPROVED: "approved", Outcome.REJECTED: "rejected",
    Outcome.UPHELD: "the dispute is upheld", Outcome.DISMISSED: "the dispute is dismissed",
    Outcome.CANCELLED: "cancelled: the case is closed", Outcome.WRONG_NUMBER: "wrong number",
    Outcome.CREDITED: "the claim is credited", Outcome.WRITTEN_DOWN: "the claim is written down in part",
    Outcome.ADDRESS_SET: "address or e-mail added",
}
STEP_SV = {Action.REMINDER: "Påminnelse skickad", Action.PHONE_CALL: "Telefonsamtal lagt i handläggarkön",
           Action.COLLECTION_DEMAND: "Inkassokrav skickat",
           Action.PAYMENT_ORDER: "Ansökan om betalningsföreläggande ges in"}
STEP_EN = {Action.REMINDER: "Reminder sent", Action.PHONE_CALL: "Phone call put in the agents' queue",
           Action.COLLECTION_DEMAND: "Collection demand sent",
           Action.PAYMENT_ORDER: "Application for a payment order filed"}


def _step(action: str, language: str):
    """`Påminnelse skickad, betalas senast 2026-10-20 (påminnelseavgift 60,00 kr)`."""
    def text(data: dict) -> str:
        deadline = format_date(data["deadline"]) if data.get("deadline") else ""
        if language == "en":
            fees = ", ".join(f"{FEE_EN[FeeKind(fee['kind'])]} SEK {format_amount(fee['amount'], 'en')}"
                             for fee in data["fees"])
            return STEP_EN[action] + (f", due by {deadline}" if deadline else "") + (f" ({fees})" if fees else "")
        fees = ", ".join(f"{FeeKind(fee['kind']).label.lower()} {format_amount(fee['amount'])} kr"
                         for fee in data["fees"])
        return STEP_SV[action] + (f", betalas senast {deadline}" if deadline else "") + (f" ({fees})" if fees else "")
    return text


def _address_missing(language: str):
    """The step waits (the cycle found no address), or a letter came back (`returns`)."""
    def text(data: dict) -> str:
        if "action" in data:
            action = Action(data["action"])
            if language == "en":
                return (f"Address missing: the {ACTION_EN[action]} waits; the debtor has neither a postal address "
                        f"nor an agreed e-mail")
            return f"Adress saknas: {action.label} väntar, gäldenären har varken postadress eller godkänd e-post"
        if language == "en":
            return f"Address missing: a letter came back ({data['reason']}); the ladder waits for a new address"
        return f"Adress saknas: brev kom i retur ({data['reason']}); stegen väntar på en ny adress"
    return text


def _returned(language: str):
    """`Påminnelse 2026-10-12 kom i retur: Okänd adress; avgifter 60,00 kr avskrivna (0,00 kr redan betalt)`."""
    def text(data: dict) -> str:
        written_off, paid = Decimal(str(data["written_off"])), Decimal(str(data["already_paid"]))
        sent_on = format_date(data["sent_on"])
        if language == "en":
            out = f"{TITLES['en'][LetterKind(data['kind'])]} of {sent_on} came back: {data['reason']}"
            out += f"; fees of SEK {format_amount(written_off, 'en')} written off" if written_off else ""
            return out + (f" (SEK {format_amount(paid, 'en')} already paid)" if paid else "")
        out = f"{LetterKind(data['kind']).label} {sent_on} kom i retur: {data['reason']}"
        out += f"; avgifter {format_amount(written_off)} kr avskrivna" if written_off else ""
        return out + (f" ({format_amount(paid)} kr redan betalt)" if paid else "")
    return text


def _plan_created(language: str):
    """`Avbetalningsplan: 3 delbetalningar, 1 500,00 kr`: the instalments, counted and summed."""
    def text(data: dict) -> str:
        instalments = data["instalments"]
        total = sum((Decimal(str(instalment["amount"])) for instalment in instalments), Decimal("0"))
        if language == "en":
            return f"Payment plan: {len(instalments)} instalments, SEK {format_amount(total, 'en')}"
        return f"Avbetalningsplan: {len(instalments)} delbetalningar, {format_amount(total)} kr"
    return text


def _decided(kind: str, language: str):
    """`Telefonsamtal: Inget svar, nytt försök (Inget svar: försök 1 av 2, nytt försök 2026-05-11)`."""
    def text(data: dict) -> str:
        outcome = Outcome(data["outcome"])
        note = data.get("note") or unanswered_note(data, language)
        if language == "en":
            head = f"{QUEUE_KIND_EN[kind]}: {OUTCOME_EN[outcome]}"
        else:
            head = f"{QueueKind(kind).label}: {outcome.label}"
        return head + (f" ({note})" if note else "")
    return text


def unanswered_note(data: dict, language: str = "sv") -> str:
    """An unanswered call's try, as the timeline tells it (empty for any other outcome)."""
    if data["outcome"] not in (Outcome.NO_ANSWER, Outcome.UNREACHABLE) or "attempt" not in data:
        return ""
    attempt, attempts = data["attempt"], data["attempts"]
    if language == "en":
        then = f"tried again on {format_date(data['retry_on'])}" if data.get("retry_on") else "the ladder goes on"
        return f"No answer: try {attempt} of {attempts}, {then}"
    then = f"nytt försök {format_date(data['retry_on'])}" if data.get("retry_on") else "stegen fortsätter"
    return f"Inget svar: försök {attempt} av {attempts}, {then}"


def _paused(language: str):
    def text(data: dict) -> str:
        until, note = data.get("until"), data.get("note") or ""
        if language == "en":
            return ("Paused by the creditor" + (f" until {format_date(until)}" if until else "")
                    + (f": {note}" if note else ""))
        return "Pausat av borgenären" + (f" till {format_date(until)}" if until else "") + (f": {note}" if note else "")
    return text


def _disputed(language: str):
    def text(data: dict) -> str:
        note = data.get("note") or ""
        if language == "en":
            return "The debtor disputes the claim" + (f": {note}" if note else "")
        return "Gäldenären bestrider kravet" + (f": {note}" if note else "")
    return text


def _promised(language: str):
    """`Betalningslöfte 1 000,00 kr till 2026-05-08` (the amount, if one was named)."""
    def text(data: dict) -> str:
        until, amount = format_date(data["until"]), data.get("amount")
        if language == "en":
            return "Promise to pay " + (f"SEK {format_amount(amount, 'en')} " if amount else "") + f"by {until}"
        return "Betalningslöfte " + (f"{format_amount(amount)} kr " if amount else "") + f"till {until}"
    return text


for action in Action:
    register(STEP_EVENTS[action], sv=_step(action, "sv"), en=_step(action, "en"))
for kind in DECIDABLE_KINDS:
    register(decided_code(kind), sv=_decided(kind, "sv"), en=_decided(kind, "en"))
register(REVIEW_REQUESTED, sv="Betalningsföreläggande väntar på handläggarens godkännande",
         en="The payment order waits for an agent's approval")
register(ADDRESS_MISSING, sv=_address_missing("sv"), en=_address_missing("en"))
register(ADDRESS_SET, sv="Adress tillagd: stegen fortsätter där de stod",
         en="Address added: the ladder goes on where it stood")
register(LETTER_RETURNED, sv=_returned("sv"), en=_returned("en"))
register(LETTER_UNDELIVERABLE,
         sv=lambda d: f"{TITLES['sv'][LetterKind(d['kind'])]} kan inte skickas: adress saknas",
         en=lambda d: f"{TITLES['en'][LetterKind(d['kind'])]} cannot be sent: no address")
register(PAYMENT_PLAN_CREATED, sv=_plan_created("sv"), en=_plan_created("en"))
register(PROMISE_BROKEN, sv="Betalningslöfte brutet: obetalt {promised:date}",
         en="Promise to pay broken: unpaid on {promised:date}")
register(PAYMENT_PLAN_BROKEN, sv="Avbetalningsplan bruten: {paid:sek} kr betalt av {owed:sek} kr förfallet",
         en="Payment plan broken: SEK {paid:sek} paid of SEK {owed:sek} due")

register(WHY_DISPUTED, sv=_disputed("sv"), en=_disputed("en"))
register(WHY_PROMISED, sv=_promised("sv"), en=_promised("en"))
register(WHY_PAYMENT_PLAN, sv="Avbetalningsplan: {instalments} delbetalningar, den sista {last:date}",
         en="Payment plan: {instalments} instalments, the last on {last:date}")
register(WHY_PAUSED, sv=_paused("sv"), en=_paused("en"))
register(WHY_PAUSE_ENDED, sv="Pausen till {until:date} är slut; stegen fortsätter",
         en="The pause until {until:date} has ended; the ladder goes on")
register(DISPUTE_ANSWERED, sv="Borgenären svarar på bestridandet: {note}",
         en="The creditor answers the dispute: {note}")
register(WHY_PROMISE_KEPT, sv="Betalningslöftet hölls ({paid:sek} kr betalt); resten drivs vidare",
         en="The promise to pay was kept (SEK {paid:sek} paid); the rest is pursued")
register(WHY_PROMISE_LAPSED, sv="Betalningslöftet till {promised:date} hölls inte",
         en="The promise to pay by {promised:date} was not kept")
register(WHY_DISPUTE_UPHELD, sv="Bestridandet godtogs; kravet återkallas",
         en="The dispute was upheld; the claim is withdrawn")
register(WHY_DISPUTE_DISMISSED, sv="Bestridandet lämnas utan avseende", en="The dispute is dismissed")
register(FILING_STATUS, sv=lambda data: "Betalningsföreläggande: " + FilingStatus(data["status"]).label
         + (f" (mål {data['reference']})" if data.get("reference") else ""),
         en=lambda data: "Payment order: " + FILING_STATUS_EN[data["status"]]
         + (f" (case {data['reference']})" if data.get("reference") else ""))
register(DISPUTE_DOCUMENT_ADDED, sv="Handling till bestridandet: {name}", en="Document for the dispute: {name}")
register(WHY_DISPUTE_WRITTEN_DOWN,
         sv="Bestridandet avgjort: kravet skrevs ned med {amount:sek} kr; resten drivs vidare",
         en="The dispute was decided: the claim was written down by SEK {amount:sek}; the rest is pursued")
register(WHY_PLAN_KEPT, sv="Avbetalningsplanen fullgjord ({paid:sek} kr); resten drivs vidare",
         en="The payment plan was kept (SEK {paid:sek}); the rest is pursued")
register(WHY_PLAN_LAPSED, sv="Avbetalningsplanen bröts: delbetalningen {missed:date} uteblev",
         en="The payment plan was broken: the instalment of {missed:date} was not paid")
