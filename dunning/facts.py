"""Gather what the engine needs to know about cases, in a handful of queries per batch."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from cases.ledger import EntryRow, entry_rows
from cases.models import FEE_KINDS, Component
from core.money import ZERO
from letters.models import Letter

from .engine import CaseFacts, Decided, Ladder, LadderStep, Taken
from .models import AppliedStep, Outcome, Policy, PolicyStep, QueueItem, QueueKind


def ladders() -> dict[str, Ladder]:
    """The current creditor's ladder for each category (with its policy's terms: two queries)."""
    steps: dict[int, list[LadderStep]] = defaultdict(list)
    for policy_id, *fields in PolicyStep.objects.order_by("policy_id", "number").values_list(
            "policy_id", "number", "action", "anchor", "offset_days", "term_days", "fee_amount", "requires_approval"):
        steps[policy_id].append(LadderStep(*fields))
    return {
        category: Ladder(category, tuple(steps[pk]), minimum, compensation, rate)
        for pk, category, minimum, compensation, rate in Policy.objects.values_list(
            "pk", "category", "min_collection_amount", "late_payment_compensation", "contractual_interest_rate")
    }


@dataclass
class History:
    """What the engine reads of cases besides their ledgers: the steps taken and the agents'
    decisions. Payments leave it as it is, so a payment file reads it ahead."""

    taken: dict = field(default_factory=lambda: defaultdict(list))  # case id → [Taken]
    calls: dict = field(default_factory=dict)  # case id → Decided
    approvals: dict = field(default_factory=dict)
    reviews_open: set = field(default_factory=set)
    addresses_open: set = field(default_factory=set)  # cases with an "address missing" item open
    # A step whose letter came back is no step (LAW.md): left out of `taken`, with the fees
    # written off for it (case id → [fee kind]), so that it is taken, and charged, again.
    voided: dict = field(default_factory=lambda: defaultdict(int))
    fees_waived: dict = field(default_factory=lambda: defaultdict(list))


def histories(ids: list[int]) -> History:
    """The history of the cases with these ids: three queries (returned letters, steps, agents' work)."""
    history = History()
    ids = set(ids)  # `__any` takes a set as it is (core.lookups)
    voided = set()
    for case_id, step_id, waived in Letter.objects.filter(case_id__any=ids, returned_on__isnull=False).values_list(
            "case_id", "step_id", "fees_waived"):
        if step_id is not None and waived is not None:  # None: a payment-order notice, whose step stands
            voided.add(step_id)
            history.voided[case_id] += 1
            history.fees_waived[case_id] += waived
    for step_id, case_id, action, applied_on, deadline in AppliedStep.objects.filter(case_id__any=ids).order_by(
            "case_id", "sequence").values_list("id", "case_id", "action", "applied_on", "deadline"):
        if step_id not in voided:
            history.taken[case_id].append(Taken(action, applied_on, deadline))
    work = (QueueItem.objects.filter(case_id__any=ids, kind__in=[QueueKind.PHONE_CALL, QueueKind.PAYMENT_ORDER_REVIEW,
                                                                 QueueKind.ADDRESS_MISSING])
            .exclude(outcome=Outcome.CANCELLED).order_by("decided_on", "id")
            .values_list("case_id", "kind", "outcome", "decided_on"))
    for case_id, kind, outcome, decided_on in work:
        if kind == QueueKind.ADDRESS_MISSING:
            if not outcome:
                history.addresses_open.add(case_id)
            continue
        if not outcome:
            if kind == QueueKind.PAYMENT_ORDER_REVIEW:
                history.reviews_open.add(case_id)
            continue
        target = history.calls if kind == QueueKind.PHONE_CALL else history.approvals
        target[case_id] = Decided(outcome, decided_on)  # the latest decision wins
    return history


def facts_for(cases, entries: dict[int, list[EntryRow]] | None = None,
              history: History | None = None) -> dict[int, CaseFacts]:
    """Facts for each case (invoice and debtor loaded with it); `entries` and `history`
    when the caller has them (of these cases at least), else read."""
    ids = [case.pk for case in cases]
    if entries is None:
        entries = entry_rows(ids)
    if history is None:
        history = histories(ids)
    principal: dict[int, Decimal] = defaultdict(lambda: ZERO)
    fees: dict[int, Counter] = defaultdict(Counter)
    for case in cases:
        for entry in entries.get(case.pk, ()):
            if entry.component == Component.PRINCIPAL:
                principal[case.pk] += entry.amount
            elif entry.kind in FEE_KINDS:
                fees[case.pk][entry.kind] += 1
        fees[case.pk].subtract(history.fees_waived.get(case.pk, ()))
    return {
        case.pk: CaseFacts(
            due_date=case.invoice.due_date,
            is_consumer=case.debtor.is_consumer,
            reminder_fee_agreed=case.invoice.reminder_fee_agreed,
            principal=principal[case.pk],
            taken=tuple(history.taken.get(case.pk, ())),
            fees_charged=frozenset(kind for kind, charges in fees[case.pk].items() if charges > 0),
            call=history.calls.get(case.pk),
            approval=history.approvals.get(case.pk),
            review_open=case.pk in history.reviews_open,
            # A light debtor (a payment file's) carries no address: the daily cycle, which loads
            # the whole debtor, decides; an open "address missing" item holds the case either way.
            deliverable=case.pk not in history.addresses_open and getattr(case.debtor, "letters_deliverable", True),
            address_open=case.pk in history.addresses_open,
            voided=history.voided.get(case.pk, 0),
        )
        for case in cases
    }
