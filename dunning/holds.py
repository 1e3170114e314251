"""Holds and ends: pause, resume, dispute, promise to pay, withdraw.

A disputed case never escalates without an agent's decision; a promise pauses the ladder
until the promised date plus a grace of two bank days; a paused case does nothing; a
withdrawn case closes. Each lifts or ends with the ladder replanned from the case's facts.

A promise resolves itself: paid in full, the case closes with the payment; the amount
promised paid (of a part of the debt), it is kept and the ladder goes on for the rest;
otherwise it is broken, which the debtor's category counts (`cases.promise.broken`), and
an agent gets a follow-up call in the queue (`QueueKind.PROMISE_BROKEN`).
"""
import datetime
from decimal import Decimal

from django.db import transaction

from cases.event_texts import STAGE_CHANGED
from cases.events import log_event
from cases.models import PROMISE_BROKEN, Case, CaseEvent, Payment
from cases.services import case_transition
from cases.stages import ClosedReason, HoldReason, Stage
from core.errors import Conflict, ValidationError
from core.money import ZERO, format_sek
from law.bankdays import add_bank_days
from law.fees import PROMISE_GRACE_BANK_DAYS

from .event_texts import (
    DISPUTE_ANSWERED,
    WHY_DISPUTED,
    WHY_PAUSE_ENDED,
    WHY_PAUSED,
    WHY_PROMISE_KEPT,
    WHY_PROMISE_LAPSED,
    WHY_PROMISED,
)
from .hooks import queue_item_opened
from .models import Outcome, QueueItem, QueueKind
from .planning import case_replan
from .rows import queue_row


def _replan(case: Case) -> None:
    case_replan(case)


def _locked(case: Case) -> Case:
    return Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=case.pk)


@transaction.atomic
def case_hold(*, case: Case, reason: str, on: datetime.date, actor=None, until: datetime.date | None = None,
              why: str = "", details: dict | None = None) -> Case:
    """Put the case on hold for `reason`; `why` and `details` tell the timeline more (`case_transition`)."""
    case = _locked(case)
    if case.stage == Stage.ON_HOLD:
        raise Conflict(f"the case is already on hold ({case.get_hold_reason_display()})")
    case = case_transition(case=case, to=Stage.ON_HOLD, on=on, actor=actor, hold_reason=reason, why=why,
                           details=details)
    case.hold_until = until
    case.next_action, case.next_step_on = "", None
    case.save(update_fields=["hold_until", "next_action", "next_step_on"])
    return case


def case_pause(*, case: Case, on: datetime.date, actor=None, until: datetime.date | None = None,
               note: str = "") -> Case:
    """The creditor pauses the case (why, in `note`): until `until`, when the daily cycle
    resumes it by itself (`resume_ended_pauses`), or until the creditor resumes it."""
    if until is not None and until <= on:
        raise ValidationError("a pause lasts until a day after today", detail={"until": until.isoformat()})
    details = {"note": note.strip()[:500]} if note.strip() else {}
    if until is not None:
        details["until"] = until.isoformat()
    return case_hold(case=case, reason=HoldReason.PAUSED, on=on, actor=actor, until=until,
                     why=WHY_PAUSED if details else "", details=details or None)


def resume_ended_pauses(*, on: datetime.date) -> int:
    """Resume every case paused until a day that has come."""
    ended = Case.objects.filter(stage=Stage.ON_HOLD, hold_reason=HoldReason.PAUSED, hold_until__lte=on).order_by("pk")
    for case in ended:
        case_resume(case=case, on=on, why=WHY_PAUSE_ENDED, details={"until": case.hold_until.isoformat()})
    return len(ended)


@transaction.atomic
def case_dispute(*, case: Case, on: datetime.date, actor=None, text: str = "") -> Case:
    """The debtor disputes (bestrider) the claim: nothing more happens until an agent decides."""
    case = case_hold(case=case, reason=HoldReason.DISPUTE, on=on, actor=actor, why=WHY_DISPUTED,
                     details={"note": text} if text else None)
    queue_item_opened(QueueItem.objects.create(
        **queue_row(case=case, kind=QueueKind.DISPUTE_REVIEW, on=on, note=text)._asdict()))
    return case


@transaction.atomic
def case_dispute_answer(*, case: Case, on: datetime.date, text: str, actor=None) -> None:
    """The creditor's answer to an open dispute (what the debtor ordered, got, was told), for
    the agent who decides it; documents go with it (`dunning.documents`)."""
    case = _locked(case)
    if _dispute_decided(case):
        raise Conflict("the case has no open dispute to answer")
    if not text.strip():
        raise ValidationError("an answer says something", detail={"field": "text"})
    log_event(case=case, code=DISPUTE_ANSWERED, actor=actor, on=on, data={"note": text.strip()[:2000]})


def case_promise(*, case: Case, until: datetime.date, on: datetime.date, actor=None,
                 amount: Decimal | None = None) -> Case:
    """A promise to pay (`amount`, if named) by `until`: the ladder waits until then plus two bank days."""
    if until < on:
        raise ValidationError("a promise to pay must name a day that has not passed")
    details = {"until": until.isoformat()}
    if amount is not None:
        details["amount"] = str(amount)
    return case_hold(case=case, reason=HoldReason.PROMISE, on=on, actor=actor, until=until, why=WHY_PROMISED,
                     details=details)


@transaction.atomic
def case_resume(*, case: Case, on: datetime.date, actor=None, why: str = "", details: dict | None = None) -> Case:
    """Put the case back on the ladder where it was held; `why` and `details` tell the timeline more."""
    case = _locked(case)
    if case.stage != Stage.ON_HOLD:
        raise Conflict("only a case on hold can be resumed")
    if case.hold_reason == HoldReason.DISPUTE and not _dispute_decided(case):
        raise Conflict("a disputed case resumes only through an agent's decision on the dispute")
    case = case_transition(case=case, to=case.resume_stage, on=on, actor=actor, why=why, details=details)
    case.hold_until = None
    case.save(update_fields=["hold_until"])
    _replan(case)
    return case


def _dispute_decided(case: Case) -> bool:
    return not QueueItem.objects.filter(case=case, kind=QueueKind.DISPUTE_REVIEW, outcome="").exists()


@transaction.atomic
def case_withdraw(*, case: Case, on: datetime.date, actor=None) -> Case:
    case = _locked(case)
    case = case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=ClosedReason.WITHDRAWN)
    queue_cancel(case=case, on=on)
    return case


def queue_cancel(*, case: Case, on: datetime.date) -> int:
    """A closed case needs no more calls or reviews."""
    return QueueItem.objects.filter(case=case, outcome="").update(outcome=Outcome.CANCELLED, decided_on=on,
                                                                  decided_by="system")


def resume_lapsed_promises(*, on: datetime.date) -> int:
    """Cases whose promised date passed two bank days ago go back on the ladder: the promise
    kept if the amount promised came in since it was made, broken otherwise."""
    resumed = 0
    candidates = (Case.objects.filter(stage=Stage.ON_HOLD, hold_reason=HoldReason.PROMISE, hold_until__lt=on)
                  .order_by("pk"))
    for case in candidates:
        if add_bank_days(case.hold_until, PROMISE_GRACE_BANK_DAYS) <= on:
            made_on, amount = _promise_of(case)
            paid = sum(Payment.objects.filter(case=case, paid_on__gte=made_on, paid_on__lte=on)
                       .values_list("amount", flat=True), ZERO)
            if amount is not None and paid >= amount:
                case_resume(case=case, on=on, why=WHY_PROMISE_KEPT, details={"paid": str(paid)})
            else:
                _promise_broken(case, on, amount, paid)
            resumed += 1
    return resumed


def _promise_of(case: Case) -> tuple[datetime.date, Decimal | None]:
    """(the day the promise in force was made, the amount promised or None) from the case's timeline."""
    held = (CaseEvent.objects.filter(case=case, code=STAGE_CHANGED, data__why=WHY_PROMISED)
            .order_by("-on", "-at", "-id").first())
    if held is None:  # a hold older than the timeline's reasons: the day it ends is all that is known
        return case.hold_until, None
    amount = held.data.get("amount")
    return held.on, Decimal(amount) if amount is not None else None


@transaction.atomic
def _promise_broken(case: Case, on: datetime.date, amount: Decimal | None, paid: Decimal) -> None:
    promised = case.hold_until
    case = case_resume(case=case, on=on, why=WHY_PROMISE_LAPSED, details={"promised": promised.isoformat()})
    log_event(case=case, code=PROMISE_BROKEN, on=on, data={"promised": promised.isoformat()})
    what = f"{format_sek(amount)} kr till {promised}" if amount is not None else f"till {promised}"
    queue_item_opened(QueueItem.objects.create(**queue_row(case=case, kind=QueueKind.PROMISE_BROKEN, on=on, note=(
        f"Betalningslöftet {what} hölls inte ({format_sek(paid)} kr betalt sedan dess). Ring upp.")
    )._asdict()))
