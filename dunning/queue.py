"""The agents' decisions on the work queue: a call's outcome, a payment order reviewed, a dispute decided.

A VIP's phone call ends in one of: reached without agreement (the ladder goes on), a
promise to pay or a payment plan (the case pauses as those do: an agreement must say
which, with its date and amount or its instalments), no answer (the call is tried again
the next bank day, as often as the policy step's `call_retries`; the last unanswered try
is recorded as `unreachable` and the ladder goes on), or waived. Waiving a call and
approving a payment order are a supervisor's (`AgencyStaff.role`): anyone else is refused.
An auditor decides nothing, and an item another agent holds (`dunning.workqueue`) is theirs
to decide until their lease ends.
"""
import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.events import actor_label, log_event
from cases.models import Case
from cases.services import case_transition
from cases.stages import ClosedReason, Stage
from core.errors import Conflict, Forbidden, ValidationError
from core.money import format_sek, parse_amount
from creditors.models import AgencyRole, AgencyStaff
from law.actions import Action
from law.bankdays import add_bank_days

from .balances import book_of, case_balance
from .event_texts import (
    WHY_DISPUTE_DISMISSED,
    WHY_DISPUTE_UPHELD,
    WHY_DISPUTE_WRITTEN_DOWN,
    decided_code,
    unanswered_note,
)
from .holds import _locked, _replan, case_promise, case_resume, queue_cancel
from .hooks import queue_item_opened
from .legal import filing_open
from .models import AppliedStep, Outcome, PolicyStep, QueueItem, QueueKind
from .plans import case_payment_plan
from .rows import queue_row
from .signals import dispute_credited
from .workqueue import held_by_other

# What an agent may record on a call. `agreement` is taken with a promise or a plan and
# recorded as the one it is; `unreachable` is what the last unanswered try becomes.
CALL_OUTCOMES = {Outcome.NO_AGREEMENT, Outcome.PROMISED, Outcome.PAYMENT_PLAN, Outcome.AGREEMENT, Outcome.NO_ANSWER,
                 Outcome.WRONG_NUMBER, Outcome.WAIVED}
AGREED_OUTCOMES = {Outcome.PROMISED, Outcome.PAYMENT_PLAN, Outcome.AGREEMENT}
# Letting the ladder go on without a call, and taking a claim to the Enforcement
# Authority, are decisions the agency leaves to a supervisor.
SUPERVISOR_OUTCOMES = {Outcome.WAIVED: "waive a phone call", Outcome.APPROVED: "approve a payment order",
                       Outcome.CREDITED: "credit a disputed claim", Outcome.WRITTEN_DOWN: "write a disputed claim down"}
# A follow-up call after a broken promise or plan: the ladder has already gone on, so an
# unanswered call is not tried again (it is recorded as the last try) and nothing is waived.
FOLLOW_UP_KINDS = (QueueKind.PROMISE_BROKEN, QueueKind.PLAN_BROKEN)
FOLLOW_UP_OUTCOMES = CALL_OUTCOMES - {Outcome.WAIVED}
CALL_KINDS = (QueueKind.PHONE_CALL, *FOLLOW_UP_KINDS)
REVIEW_OUTCOMES = {Outcome.APPROVED, Outcome.REJECTED}
DISPUTE_OUTCOMES = {Outcome.UPHELD, Outcome.DISMISSED, Outcome.CREDITED, Outcome.WRITTEN_DOWN}
OUTCOMES_OF_KIND = {QueueKind.PHONE_CALL: CALL_OUTCOMES, QueueKind.PAYMENT_ORDER_REVIEW: REVIEW_OUTCOMES,
                    QueueKind.DISPUTE_REVIEW: DISPUTE_OUTCOMES, QueueKind.PROMISE_BROKEN: FOLLOW_UP_OUTCOMES,
                    QueueKind.PLAN_BROKEN: FOLLOW_UP_OUTCOMES}



@transaction.atomic
def queue_decide(*, item: QueueItem, outcome: str, on: datetime.date, actor, note: str = "",
                 promise: tuple[datetime.date, Decimal] | None = None,
                 instalments: list[tuple[datetime.date, Decimal]] | None = None,
                 write_down: Decimal | None = None) -> QueueItem:
    """An agent records the outcome of a call, a review or a dispute.

    A call that ends in agreement names it: `promise` (the date and amount promised) or
    `instalments` (a payment plan's dates and amounts); the case then goes on hold as a
    promise or a plan does. A wrong number lets the ladder go on and tells the creditor (the
    number tried is in the event). A dispute ends in one of: upheld (the claim is
    withdrawn), dismissed (the ladder goes on), credited (a credit note for the unpaid
    principal: the case closes as credited) or written down by `write_down` (a credit note
    for that part; the ladder goes on for the rest). Nothing is stored when the decision is
    refused."""
    item = QueueItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_open:
        raise Conflict("this item is already decided", detail={"item": item.pk}, code="item_decided")
    if outcome not in OUTCOMES_OF_KIND[item.kind]:
        allowed = ", ".join(sorted(OUTCOMES_OF_KIND[item.kind]))
        raise ValidationError(f"a {item.kind} item takes one of: {allowed}", code="outcome_not_for_kind",
                              detail={"item": item.pk, "outcome": outcome})
    if isinstance(actor, get_user_model()):
        if AgencyStaff.objects.filter(user=actor, role=AgencyRole.AUDITOR).exists():
            raise Forbidden("an auditor reads the queue and changes nothing", code="auditor_reads",
                            detail={"item": item.pk})
        if held_by_other(item, actor, timezone.now()):
            until = timezone.localtime(item.claimed_until)
            raise Conflict(f"{item.claimed_by} is working this item until {until:%H:%M}; nothing was recorded",
                           code="item_held",
                           detail={"item": item.pk, "agent": str(item.claimed_by), "until": f"{until:%H:%M}"})
    outcome = _what_was_agreed(item, outcome, promise, instalments)
    if outcome in SUPERVISOR_OUTCOMES and not is_supervisor(actor):
        raise Forbidden(f"only a supervisor may {SUPERVISOR_OUTCOMES[outcome]}; {actor_name(actor)} is not one",
                        code="supervisor_only",
                        detail={"item": item.pk, "outcome": outcome, "actor": actor_name(actor)})
    if (write_down is not None) != (outcome == Outcome.WRITTEN_DOWN):
        raise ValidationError("a write-down names its amount, and only a write-down does", code="write_down_amount",
                              detail={"item": item.pk, "outcome": outcome})
    case = _locked(item.case)
    data = {"item": item.pk, "outcome": outcome}
    if outcome == Outcome.WRITTEN_DOWN:
        write_down = _checked_write_down(case, write_down)
        data["amount"] = str(write_down)
    if outcome == Outcome.WRONG_NUMBER:
        data["phone"] = case.debtor.phone
    if outcome == Outcome.PROMISED:
        promise = _checked_promise(case, promise, on)
        data["promise"] = {"until": promise[0].isoformat(), "amount": str(promise[1])}
    if note:
        data["note"] = note
    retry_on = None
    if outcome == Outcome.NO_ANSWER:
        attempt, attempts = _call_attempt(case) if item.kind == QueueKind.PHONE_CALL else (1, 1)
        data.update(attempt=attempt, attempts=attempts)
        if attempt < attempts:
            retry_on = add_bank_days(on, 1)
            data["retry_on"] = retry_on.isoformat()
        else:
            outcome = data["outcome"] = Outcome.UNREACHABLE
    # The agent's note, or the unanswered try as the queue shows it (in Swedish, the agents' language).
    note = note or unanswered_note(data)
    item.outcome, item.decided_on, item.decided_by, item.note = outcome, on, actor_name(actor), note or item.note
    item.claimed_by, item.claimed_until = None, None  # decided: the lease ends with it
    item.save(update_fields=["outcome", "decided_on", "decided_by", "note", "claimed_by", "claimed_until"])
    log_event(case=case, code=decided_code(item.kind), actor=actor, on=on, data=data)
    if outcome in (Outcome.CREDITED, Outcome.WRITTEN_DOWN):
        _credit(case, amount=write_down, on=on, actor=actor, item=item)
        case.refresh_from_db()
        if case.stage == Stage.ON_HOLD:  # written down, and something is still owed
            case_resume(case=case, on=on, actor=actor, why=WHY_DISPUTE_WRITTEN_DOWN,
                        details={"amount": str(write_down)})
    elif item.kind == QueueKind.DISPUTE_REVIEW:
        if outcome == Outcome.UPHELD:
            case_transition(case=case, to=Stage.CLOSED, on=on, actor=actor, closed_reason=ClosedReason.WITHDRAWN,
                            why=WHY_DISPUTE_UPHELD)
            queue_cancel(case=case, on=on)
        else:
            case_resume(case=case, on=on, actor=actor, why=WHY_DISPUTE_DISMISSED)
    elif outcome == Outcome.PROMISED:
        case_promise(case=case, until=promise[0], amount=promise[1], on=on, actor=actor)
    elif outcome == Outcome.PAYMENT_PLAN:
        case_payment_plan(case=case, instalments=instalments, on=on, actor=actor)
    elif outcome == Outcome.APPROVED:
        filing_open(review=item, on=on, actor=actor)  # the application as approved, to be filed
        _replan(case)
    elif retry_on is not None:
        queue_item_opened(QueueItem.objects.create(**queue_row(
            case=case, kind=QueueKind.PHONE_CALL, on=on, due_on=retry_on,
            note=f"Nytt försök efter obesvarat samtal {on}")._asdict()))
    elif case.stage != Stage.CLOSED:
        _replan(case)
    return item


def _what_was_agreed(item: QueueItem, outcome: str, promise, instalments) -> str:
    """The call's outcome as recorded: an agreement is a promise or a plan, with what was agreed."""
    if outcome not in AGREED_OUTCOMES:
        if promise is not None or instalments is not None:
            raise ValidationError(f"a promise or instalments go with an agreement, not with {outcome}",
                                  code="terms_without_agreement", detail={"item": item.pk, "outcome": outcome})
        return outcome
    if promise is not None and instalments is not None:
        raise ValidationError("an agreement is a promise to pay or a payment plan, not both",
                              code="promise_and_plan", detail={"item": item.pk, "outcome": outcome})
    if outcome == Outcome.AGREEMENT and (promise is not None or instalments is not None):
        return Outcome.PROMISED if promise is not None else Outcome.PAYMENT_PLAN
    if outcome == Outcome.PROMISED and promise is not None or outcome == Outcome.PAYMENT_PLAN and instalments:
        return outcome
    needs = {Outcome.AGREEMENT: "what was agreed: a promise to pay (date and amount) or a payment plan (instalments)",
             Outcome.PROMISED: "the promise: the date and the amount promised",
             Outcome.PAYMENT_PLAN: "the payment plan's instalments (date and amount each)"}[outcome]
    raise ValidationError(f"a call that ends in {outcome} must say {needs}; nothing was recorded",
                          code="agreement_terms_missing",
                          detail={"item": item.pk, "case": item.case_id, "outcome": outcome})


def _checked_write_down(case: Case, amount) -> Decimal:
    """A write-down's amount: more than 0, less than the unpaid principal (all of it is a credit)."""
    if isinstance(amount, float):
        raise ValidationError("a write-down's amount must be a Decimal or a string, not a float",
                              detail={"case": case.pk})
    try:
        amount = parse_amount(str(amount))
    except ValueError as exc:
        raise ValidationError(f"a write-down's amount: {exc}", detail={"case": case.pk}) from None
    principal = book_of(case).principal
    if not Decimal("0") < amount < principal:
        raise ValidationError(f"a write-down is more than 0 and less than the unpaid principal "
                              f"({format_sek(principal)} kr; all of it is a credit), not {format_sek(amount)} kr",
                              code="write_down_range",
                              detail={"case": case.pk, "amount": str(amount), "principal": str(principal)})
    return amount


def _credit(case: Case, *, amount: Decimal | None, on: datetime.date, actor, item: QueueItem) -> None:
    """Book the credit note the decision calls for, through the app that books money."""
    booked = dispute_credited.send(sender=QueueItem, case=case, amount=amount, on=on, actor=actor,
                                   reference=f"Bestridande {item.pk}")
    if not booked:
        raise Conflict("no service books credit notes here (payments is not installed); nothing was recorded")


def _checked_promise(case: Case, promise, on: datetime.date) -> tuple[datetime.date, Decimal]:
    """(date, amount) of a promise, checked: a day not passed, an amount of at most what is owed."""
    try:
        until, amount = promise
    except (TypeError, ValueError):
        raise ValidationError("a promise is (date, amount)", detail={"case": case.pk, "promise": repr(promise)})
    if not isinstance(until, datetime.date) or isinstance(until, datetime.datetime):
        raise ValidationError(f"a promise's date must be a date, not {until!r}", detail={"case": case.pk})
    if until < on:
        raise ValidationError(f"a promise to pay must name a day that has not passed ({until} is before {on})",
                              code="promise_day_passed", detail={"case": case.pk, "until": until.isoformat()})
    if isinstance(amount, float):
        raise ValidationError("a promise's amount must be a Decimal or a string, not a float",
                              detail={"case": case.pk})
    try:
        amount = parse_amount(str(amount))
    except ValueError as exc:
        raise ValidationError(f"a promise's amount: {exc}", detail={"case": case.pk, "amount": str(amount)})
    owed = case_balance(case, as_of=on).total
    if not Decimal("0") < amount <= owed:
        raise ValidationError(f"a promise's amount is more than 0 and at most what is owed ({format_sek(owed)} kr), "
                              f"not {format_sek(amount)} kr", code="promise_amount_range",
                              detail={"case": case.pk, "amount": str(amount), "owed": str(owed)})
    return until, amount


def _call_attempt(case: Case) -> tuple[int, int]:
    """(this unanswered try's number, the tries the policy allows) for the case's current phone call."""
    applied = AppliedStep.objects.filter(case=case, action=Action.PHONE_CALL).order_by("-sequence").first()
    if applied is None:  # no call step on record: nothing to retry against
        return 1, 1
    step = PolicyStep.objects.filter(policy__category=applied.category, number=applied.ladder_step,
                                     action=Action.PHONE_CALL).first()
    unanswered = QueueItem.objects.filter(case=case, kind=QueueKind.PHONE_CALL, outcome=Outcome.NO_ANSWER,
                                          created_on__gte=applied.applied_on).count()
    return unanswered + 1, 1 + (step.call_retries if step else 0)


def is_supervisor(actor) -> bool:
    """Whether `actor` (a user, or `user:NAME` as the services pass it) is an active agency supervisor."""
    if isinstance(actor, str) and actor.startswith("user:"):
        who = {"user__username": actor.removeprefix("user:")}
    elif isinstance(actor, get_user_model()) and actor.pk is not None:
        who = {"user": actor}
    else:  # the system, an API client, a creditor's staff named otherwise
        return False
    return AgencyStaff.objects.filter(role=AgencyRole.SUPERVISOR, user__is_active=True, **who).exists()


def actor_name(actor) -> str:
    return actor_label(actor)
