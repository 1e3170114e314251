"""Payment plans (avbetalningsplan): the ladder waits while the debtor keeps the plan.

An agent agrees instalments with the debtor; the plan's letter states them and the case
goes on hold. Each bank day the cycle checks the plans: an instalment still unpaid two
bank days after its date (the grace a promise gets too) breaks the plan, which resumes
the ladder, leaves a `cases.payment_plan.broken` event (classification counts them) and
puts a follow-up call in the agents' queue (`QueueKind.PLAN_BROKEN`).
A plan whose instalments were all paid while a remainder is still owed (interest runs on
during a plan) also resumes the ladder, for that remainder.
"""
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cases.events import log_event
from cases.models import PAYMENT_PLAN_BROKEN, Case, Payment
from cases.stages import OPEN_STAGES, HoldReason, Stage
from core.errors import Conflict, ValidationError
from core.money import ZERO, format_sek, round_ore
from law.bankdays import add_bank_days, next_bank_day
from law.fees import PROMISE_GRACE_BANK_DAYS
from letters.models import Letter, LetterKind
from letters.tasks import letters_render_after_commit

from .balances import case_letter_record
from .event_texts import PAYMENT_PLAN_CREATED, WHY_PAYMENT_PLAN, WHY_PLAN_KEPT, WHY_PLAN_LAPSED
from .holds import _locked, case_hold, case_resume
from .hooks import letter_sent, queue_item_opened
from .models import QueueItem, QueueKind
from .rows import queue_row

MAX_INSTALMENTS = 36


def plan_split(total: Decimal, *, first_on: datetime.date, count: int) -> list[tuple[datetime.date, Decimal]]:
    """A plan an agent can propose: `count` monthly instalments from `first_on`, each on a
    bank day (a day the banks are closed moves to the next), in whole kronor but the last,
    which takes what is left, so they add up to `total` exactly."""
    if not 1 <= count <= MAX_INSTALMENTS:
        raise ValidationError(f"a payment plan has 1 to {MAX_INSTALMENTS} instalments", detail={"count": count})
    if total <= 0:
        raise ValidationError("nothing is owed: no plan is needed", detail={"total": str(total)})
    part = (total / count).quantize(Decimal("1"), rounding="ROUND_DOWN")
    amounts = [part] * (count - 1) + [total - part * (count - 1)]
    if part <= 0:  # less than a krona each: one instalment
        amounts = [total]
    dates = []
    for n in range(len(amounts)):
        month = first_on.month - 1 + n
        year, month = first_on.year + month // 12, month % 12 + 1
        day = _same_day_in(year, month, first_on.day)
        dates.append(next_bank_day(day))
    return list(zip(dates, amounts))


def _same_day_in(year: int, month: int, day: int) -> datetime.date:
    """The day of the month, or the month's last where it is shorter (31 January → 28 February)."""
    for candidate in (day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day, candidate))
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


@transaction.atomic
def letter_payment_plan_create(*, case, instalments: list[tuple[datetime.date, Decimal]],
                               sent_on: datetime.date | None = None, actor=None) -> Letter:
    """The letter that confirms a payment plan: the debt as of `sent_on` and its instalments,
    which must add up to that debt, on dates after `sent_on`, in order. Rendered after commit."""
    sent_on = sent_on or timezone.localdate()
    parts = [(datetime.date.fromisoformat(str(on)), round_ore(Decimal(str(amount)))) for on, amount in instalments]
    if not parts or len(parts) > MAX_INSTALMENTS:
        raise ValidationError(f"a payment plan has 1 to {MAX_INSTALMENTS} instalments", detail={"count": len(parts)})
    if any(amount <= 0 for _, amount in parts):
        raise ValidationError("every instalment is a positive amount")
    dates = [on for on, _ in parts]
    if dates != sorted(set(dates)) or dates[0] <= sent_on:
        raise ValidationError("instalment dates come after the letter's date, each after the one before",
                              detail={"dates": [d.isoformat() for d in dates]})
    values = case_letter_record(case=case, kind=LetterKind.PAYMENT_PLAN, sent_on=sent_on, deadline=dates[0])
    planned = sum((amount for _, amount in parts), Decimal("0.00"))
    if planned != values["total"]:
        raise ValidationError(f"the instalments add up to {format_sek(planned)} kr; the debt is "
                              f"{format_sek(values['total'])} kr",
                              detail={"instalments": str(planned), "debt": str(values["total"])})
    values["amounts"]["instalments"] = [{"due_on": on.isoformat(), "amount": str(amount)} for on, amount in parts]
    letter = Letter.objects.create(**values)
    letter_sent(letter, currency=case.currency)
    log_event(case=case, code=PAYMENT_PLAN_CREATED, actor=actor, on=sent_on,
              data={"letter": letter.pk, "instalments": values["amounts"]["instalments"]})
    letters_render_after_commit(creditor_id=case.creditor_id)
    return letter


@transaction.atomic
def case_payment_plan(*, case: Case, instalments: list[tuple[datetime.date, Decimal]], on: datetime.date,
                      actor=None):
    """Agree a plan: the letter confirming it (`letter_payment_plan_create`) and the case on hold until the last instalment."""
    case = _locked(case)
    if case.stage not in OPEN_STAGES:
        raise Conflict("only an open case that is not on hold can get a payment plan")
    letter = letter_payment_plan_create(case=case, instalments=instalments, sent_on=on, actor=actor)
    schedule = letter.amounts["instalments"]
    case_hold(case=case, reason=HoldReason.PAYMENT_PLAN, on=on, actor=actor,
              until=datetime.date.fromisoformat(schedule[-1]["due_on"]), why=WHY_PAYMENT_PLAN,
              details={"letter": letter.pk, "instalments": len(schedule), "last": schedule[-1]["due_on"]})
    return letter


def resume_ended_plans(*, on: datetime.date) -> int:
    """Resume the ladder of every plan broken, or kept to its end with a remainder, as of `on`.

    Run daily for every case on a plan: the plans' letters and payments are read in one
    query each, not per case."""
    cases = list(Case.objects.filter(stage=Stage.ON_HOLD, hold_reason=HoldReason.PAYMENT_PLAN).order_by("pk"))
    letters = _plan_letters([case.pk for case in cases], on)
    paid_in = _payments(letters, on)
    resumed = 0
    for case in cases:
        letter = letters.get(case.pk)
        if letter is None:
            continue
        schedule = [(datetime.date.fromisoformat(i["due_on"]), Decimal(i["amount"]))
                    for i in letter.amounts["instalments"]]
        lapsed = [(due_on, amount) for due_on, amount in schedule
                  if add_bank_days(due_on, PROMISE_GRACE_BANK_DAYS) <= on]
        if not lapsed:
            continue
        owed = sum((amount for _, amount in lapsed), ZERO)
        paid = sum((amount for paid_on, amount in paid_in.get(case.pk, ()) if paid_on >= letter.sent_on),
                   ZERO).quantize(ZERO)
        if paid < owed:
            missed = next(due_on for due_on, _ in lapsed
                          if paid < sum((a for d, a in lapsed if d <= due_on), ZERO))
            _broken(case, on, letter, missed, owed, paid)
            resumed += 1
        elif len(lapsed) == len(schedule):
            case_resume(case=case, on=on, why=WHY_PLAN_KEPT, details={"letter": letter.pk, "paid": str(paid)})
            resumed += 1
    return resumed


def _plan_letters(case_ids: list[int], on: datetime.date) -> dict:
    """case id → its latest payment-plan letter sent by `on` (the plan in force)."""
    latest = {}
    if case_ids:
        for letter in (Letter.objects.filter(case_id__any=case_ids, kind=LetterKind.PAYMENT_PLAN, sent_on__lte=on)
                       .order_by("case_id", "-sent_on", "-pk")):
            latest.setdefault(letter.case_id, letter)
    return latest


def _payments(letters: dict, on: datetime.date) -> dict:
    """case id → [(paid on, amount)] of the payments since the earliest of the letters, up to `on`."""
    paid_in = {}
    if letters:
        since = min(letter.sent_on for letter in letters.values())
        for case_id, paid_on, amount in (Payment.objects.filter(case_id__any=list(letters), paid_on__gte=since,
                                                                paid_on__lte=on)
                                         .values_list("case_id", "paid_on", "amount")):
            paid_in.setdefault(case_id, []).append((paid_on, amount))
    return paid_in


@transaction.atomic
def _broken(case: Case, on: datetime.date, letter, missed: datetime.date, owed: Decimal, paid: Decimal) -> None:
    case = case_resume(case=case, on=on, why=WHY_PLAN_LAPSED,
                       details={"letter": letter.pk, "missed": missed.isoformat()})
    log_event(case=case, code=PAYMENT_PLAN_BROKEN, on=on,
              data={"letter": letter.pk, "missed": missed.isoformat(), "owed": str(owed), "paid": str(paid)})
    queue_item_opened(QueueItem.objects.create(**queue_row(case=case, kind=QueueKind.PLAN_BROKEN, on=on, note=(
        f"Delbetalningen {missed} uteblev: {format_sek(paid)} kr betalt av {format_sek(owed)} kr förfallet. "
        "Ring upp.")
    )._asdict()))
