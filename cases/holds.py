"""Holds and ends: pause, resume, dispute, promise to pay, withdraw; and the agent's decisions.

A disputed case never escalates without an agent's decision; a promise pauses the ladder
until the promised date plus a grace of two bank days; a paused case does nothing; a
withdrawn case closes. Each lifts or ends with the ladder replanned from the case's facts.
"""
import datetime

from django.db import transaction

from core.errors import Conflict, ValidationError

from .events import log_event
from .models import PROMISE_BROKEN, Case, Outcome, QueueItem, QueueKind
from .services import case_transition
from .stages import ClosedReason, HoldReason, Stage

CALL_OUTCOMES = {Outcome.NO_AGREEMENT, Outcome.AGREEMENT, Outcome.WAIVED}
REVIEW_OUTCOMES = {Outcome.APPROVED, Outcome.REJECTED}
DISPUTE_OUTCOMES = {Outcome.UPHELD, Outcome.DISMISSED}
OUTCOMES_OF_KIND = {QueueKind.PHONE_CALL: CALL_OUTCOMES, QueueKind.PAYMENT_ORDER_REVIEW: REVIEW_OUTCOMES,
                    QueueKind.DISPUTE_REVIEW: DISPUTE_OUTCOMES}


def _replan(case: Case) -> None:
    from dunning.planning import case_replan

    case_replan(case)


def _locked(case: Case) -> Case:
    return Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",)).get(pk=case.pk)


@transaction.atomic
def case_hold(*, case: Case, reason: str, on: datetime.date, actor=None, until: datetime.date | None = None,
              text: str = "") -> Case:
    case = _locked(case)
    if case.stage == Stage.ON_HOLD:
        raise Conflict(f"the case is already on hold ({case.get_hold_reason_display()})")
    case = case_transition(case=case, to=Stage.ON_HOLD, on=on, actor=actor, hold_reason=reason, text=text)
    case.hold_until = until
    case.next_action, case.next_step_on = "", None
    case.save(update_fields=["hold_until", "next_action", "next_step_on"])
    return case


def case_pause(*, case: Case, on: datetime.date, actor=None) -> Case:
    return case_hold(case=case, reason=HoldReason.PAUSED, on=on, actor=actor)


@transaction.atomic
def case_dispute(*, case: Case, on: datetime.date, actor=None, text: str = "") -> Case:
    """The debtor disputes (bestrider) the claim: nothing more happens until an agent decides."""
    case = case_hold(case=case, reason=HoldReason.DISPUTE, on=on, actor=actor,
                     text="Gäldenären bestrider kravet" + (f": {text}" if text else ""))
    QueueItem.objects.create(creditor_id=case.creditor_id, case=case, kind=QueueKind.DISPUTE_REVIEW,
                             created_on=on, due_on=on, note=text)
    return case


def case_promise(*, case: Case, until: datetime.date, on: datetime.date, actor=None) -> Case:
    if until < on:
        raise ValidationError("a promise to pay must name a day that has not passed")
    return case_hold(case=case, reason=HoldReason.PROMISE, on=on, actor=actor, until=until,
                     text=f"Betalningslöfte till {until}")


@transaction.atomic
def case_resume(*, case: Case, on: datetime.date, actor=None, text: str = "") -> Case:
    case = _locked(case)
    if case.stage != Stage.ON_HOLD:
        raise Conflict("only a case on hold can be resumed")
    if case.hold_reason == HoldReason.DISPUTE and not _dispute_decided(case):
        raise Conflict("a disputed case resumes only through an agent's decision on the dispute")
    case = case_transition(case=case, to=case.resume_stage, on=on, actor=actor, text=text)
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
    """Cases whose promised date passed two bank days ago without full payment go back on the ladder."""
    from dunning.rules.bankdays import add_bank_days
    from dunning.rules.fees import PROMISE_GRACE_BANK_DAYS

    resumed = 0
    candidates = (Case.objects.filter(stage=Stage.ON_HOLD, hold_reason=HoldReason.PROMISE, hold_until__lt=on)
                  .order_by("pk"))
    for case in candidates:
        if add_bank_days(case.hold_until, PROMISE_GRACE_BANK_DAYS) <= on:
            _promise_broken(case, on)
            resumed += 1
    return resumed


@transaction.atomic
def _promise_broken(case: Case, on: datetime.date) -> None:
    promised = case.hold_until
    case = case_resume(case=case, on=on, text=f"Betalningslöftet till {promised} hölls inte")
    log_event(case=case, code=PROMISE_BROKEN, on=on, text=f"Betalningslöfte brutet: obetalt {promised}",
              data={"promised": promised.isoformat()})


@transaction.atomic
def queue_decide(*, item: QueueItem, outcome: str, on: datetime.date, actor, note: str = "") -> QueueItem:
    """An agent records the outcome of a call, a review or a dispute."""
    item = QueueItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_open:
        raise Conflict("this item is already decided")
    if outcome not in OUTCOMES_OF_KIND[item.kind]:
        allowed = ", ".join(sorted(OUTCOMES_OF_KIND[item.kind]))
        raise ValidationError(f"a {item.kind} item takes one of: {allowed}")
    item.outcome, item.decided_on, item.decided_by, item.note = outcome, on, actor_name(actor), note or item.note
    item.save(update_fields=["outcome", "decided_on", "decided_by", "note"])
    case = _locked(item.case)
    log_event(case=case, code=f"cases.{item.kind}.decided", actor=actor, on=on,
              text=f"{item.get_kind_display()}: {item.get_outcome_display()}" + (f" ({note})" if note else ""),
              data={"item": item.pk, "outcome": outcome})
    if item.kind == QueueKind.DISPUTE_REVIEW:
        if outcome == Outcome.UPHELD:
            case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=ClosedReason.WITHDRAWN,
                            text="Bestridandet godtogs; kravet återkallas")
            queue_cancel(case=case, on=on)
        else:
            case_resume(case=case, on=on, actor=actor, text="Bestridandet lämnas utan avseende")
    elif case.stage != Stage.CLOSED:
        _replan(case)
    return item


def actor_name(actor) -> str:
    from .events import actor_label

    return actor_label(actor)
