"""The agents' work queue across creditors: its order, and who works which item.

The agency's staff (`creditors.AgencyStaff`) are members of no creditor: this module's
reads are the one place the queue is read across creditors, through
`with_scopes_disabled()` by name; everything done to an item then happens inside its
creditor's scope (`portal.agent_views`).

**Order.** The most urgent first: the item's deadline (`due_on`: a call's day, a review's
or a dispute's opening day, so an older one has waited longer); at the same deadline a
VIP's first (the creditor's most valued relationship), then the larger expected recovery:
the case's booked balance times the share of closed cases of the debtor's category that
were paid (observed across the agency, `recovery_rates`).

**Claims.** An agent takes the next item ("next") or a chosen one, leased for `LEASE` (a
supervisor may hand one to an agent for a working day, `queue_assign`): no
other agent can take it until the lease ends, and a lease that ends returns the item to
the queue by itself (no sweeper). On PostgreSQL the next item is picked with `SELECT …
FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait on each other; the claim itself
is a conditional UPDATE (free or expired), so two claimers never hold the same item on
any database. Deciding an item ends its lease (`dunning.queue.queue_decide`).
"""
import datetime
from dataclasses import dataclass, replace
from decimal import Decimal

from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Case, Component, LedgerEntry
from cases.stages import ClosedReason, Stage
from core.errors import Conflict, Forbidden
from creditors.models import AgencyRole, AgencyStaff
from debtors.models import Category

from .models import QueueItem, QueueKind

LEASE = datetime.timedelta(minutes=20)
# An item a supervisor hands to an agent is theirs for a working day, unless handed on again.
ASSIGNED = datetime.timedelta(hours=8)
# Where nothing of a category has closed yet, its cases are expected to pay this share.
DEFAULT_RECOVERY_RATE = Decimal("0.50")
RATES_CACHE_KEY, RATES_CACHE_SECONDS = "fordra:queue-recovery-rates", 3600
# The kinds "next" hands an agent; a payment order is approved by a supervisor, who gets every kind.
AGENT_KINDS = tuple(kind for kind in QueueKind.values if kind != QueueKind.PAYMENT_ORDER_REVIEW)
BOOKED = (Component.PRINCIPAL, Component.FEES, Component.INTEREST)


@dataclass(frozen=True)
class QueueFilter:
    """What an agent narrows the queue to; None: everything."""

    creditor_id: int | None = None
    kind: str | None = None
    claimed_by_id: int | None = None  # items held by this user (a live lease)
    free: bool = False  # items no one holds


def agency_staff_of(user) -> AgencyStaff | None:
    """The user's place in the agency, or None (creditor staff, API clients, anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return AgencyStaff.objects.filter(user=user).first()


def recovery_rates() -> dict[str, Decimal]:
    """Debtor category → the share of its closed cases that were paid, across the agency
    (cached for an hour: it moves slowly, and the queue is read all day)."""
    rates = cache.get(RATES_CACHE_KEY)
    if rates is None:
        closed = (Case.objects.with_scopes_disabled().filter(stage=Stage.CLOSED).values("debtor__category")
                  .annotate(n=Count("id"), paid=Count("id", filter=Q(closed_reason=ClosedReason.PAID))).order_by())
        rates = {row["debtor__category"]: (Decimal(row["paid"]) / row["n"]).quantize(Decimal("0.0001"))
                 for row in closed if row["n"]}
        cache.set(RATES_CACHE_KEY, rates, RATES_CACHE_SECONDS)
    return {category: rates.get(category, DEFAULT_RECOVERY_RATE) for category in Category.values}


def queue_open(filters: QueueFilter = QueueFilter(), *, now: datetime.datetime) -> QuerySet[QueueItem]:
    """The open items across creditors, in the order they are to be worked, each annotated
    with `booked` (the case's booked balance), `expected` (booked × the category's rate),
    `vip`, and `held` (a lease that has not ended)."""
    booked = (LedgerEntry.objects.with_scopes_disabled().filter(case=OuterRef("case_id"), component__in=BOOKED)
              .values("case_id").annotate(total=Sum("amount")).values("total"))
    money = DecimalField(max_digits=14, decimal_places=2)
    rate = models.Case(*(models.When(case__debtor__category=category, then=Value(value))
                   for category, value in recovery_rates().items()),
                 default=Value(DEFAULT_RECOVERY_RATE), output_field=DecimalField(max_digits=6, decimal_places=4))
    items = (QueueItem.objects.with_scopes_disabled().filter(outcome="")
             .select_related("creditor", "case", "case__debtor", "claimed_by")
             .annotate(booked=Coalesce(Subquery(booked, output_field=money), Value(Decimal("0.00")),
                                       output_field=money),
                       vip=F("case__debtor__vip"),
                       held=ExpressionWrapper(Q(claimed_until__gt=now), output_field=models.BooleanField()))
             .annotate(expected=ExpressionWrapper(F("booked") * rate, output_field=money)))
    return _narrowed(items, filters, now).order_by("due_on", F("vip").desc(), F("expected").desc(nulls_last=True), "id")


def queue_counts(filters: QueueFilter = QueueFilter(), *, now: datetime.datetime) -> dict[str, int]:
    """Open items per kind (every kind named, 0 where none), under the same filters but the kind."""
    items = _narrowed(QueueItem.objects.with_scopes_disabled().filter(outcome=""), replace(filters, kind=None), now)
    counts = dict(items.values_list("kind").annotate(n=Count("id")).order_by())
    return {kind: counts.get(kind, 0) for kind in QueueKind.values}


def _narrowed(items: QuerySet[QueueItem], filters: QueueFilter, now: datetime.datetime) -> QuerySet[QueueItem]:
    if filters.creditor_id is not None:
        items = items.filter(creditor_id=filters.creditor_id)
    if filters.kind is not None:
        items = items.filter(kind=filters.kind)
    if filters.claimed_by_id is not None:
        items = items.filter(claimed_by_id=filters.claimed_by_id, claimed_until__gt=now)
    if filters.free:
        items = items.filter(_free(now))
    return items


def queue_item_get(item_id: int) -> QueueItem:
    """One item, open or decided, with its creditor and case: the entry to an item's page,
    which then works inside the item's creditor scope."""
    return (QueueItem.objects.with_scopes_disabled().select_related("creditor", "case", "claimed_by")
            .get(pk=item_id))


def queue_claim_next(*, user, now: datetime.datetime, filters: QueueFilter = QueueFilter()) -> QueueItem | None:
    """Lease the first free item under `filters` to `user`, or None when the queue holds none.
    An agent is handed every kind but payment-order reviews; a supervisor every kind."""
    staff = _worker(user)
    kinds = QueueKind.values if staff.role == AgencyRole.SUPERVISOR else AGENT_KINDS
    free = queue_open(QueueFilter(creditor_id=filters.creditor_id, kind=filters.kind, free=True), now=now)
    free = free.filter(kind__in=kinds)
    for _attempt in range(5):  # a claim lost to another agent (possible only where SKIP LOCKED is not) tries again
        with transaction.atomic():
            item = free.select_for_update(skip_locked=True, of=("self",)).first()
            if item is None:
                return None
            if _lease(item, user, now):
                return queue_item_get(item.pk)
    return None


def queue_claim(*, item: QueueItem, user, now: datetime.datetime) -> QueueItem:
    """Lease a chosen item to `user` (again, if it is already theirs: the lease is renewed)."""
    _worker(user)
    if item.outcome:
        raise Conflict("this item is already decided", detail={"item": item.pk}, code="item_decided")
    with transaction.atomic():
        if not _lease(item, user, now):
            holder = queue_item_get(item.pk)
            until = timezone.localtime(holder.claimed_until)
            raise Conflict(f"{holder.claimed_by} is working this item until {until:%H:%M}", code="item_held",
                           detail={"item": item.pk, "agent": str(holder.claimed_by), "until": f"{until:%H:%M}"})
    return queue_item_get(item.pk)


def queue_assign(*, item: QueueItem, to, by, now: datetime.datetime) -> QueueItem:
    """A supervisor hands an open item to an agent (or a supervisor) for `ASSIGNED`, whoever held it."""
    if _worker(by).role != AgencyRole.SUPERVISOR:
        raise Forbidden("only a supervisor hands work to an agent", code="supervisor_assigns")
    _worker(to)
    taken = (QueueItem.objects.with_scopes_disabled().filter(pk=item.pk, outcome="")
             .update(claimed_by=to, claimed_until=now + ASSIGNED))
    if not taken:
        raise Conflict("this item is already decided", detail={"item": item.pk}, code="item_decided")
    return queue_item_get(item.pk)


def queue_release(*, item: QueueItem, user) -> None:
    """Give back an item the user holds; someone else's lease is left alone."""
    QueueItem.objects.with_scopes_disabled().filter(pk=item.pk, claimed_by=user).update(
        claimed_by=None, claimed_until=None)


def held_by_other(item: QueueItem, user, now: datetime.datetime) -> bool:
    return bool(item.claimed_by_id and item.claimed_by_id != getattr(user, "pk", None)
                and item.claimed_until and item.claimed_until > now)


def _lease(item: QueueItem, user, now: datetime.datetime) -> bool:
    """Whether the conditional UPDATE took the item: open, and free, expired or the user's own."""
    taken = (QueueItem.objects.with_scopes_disabled()
             .filter(Q(pk=item.pk, outcome=""), _free(now) | Q(claimed_by=user))
             .update(claimed_by=user, claimed_until=now + LEASE))
    return taken == 1


def _free(now: datetime.datetime) -> Q:
    return Q(claimed_by__isnull=True) | Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)


def _worker(user) -> AgencyStaff:
    """The user's agency role, refused for anyone who may not work the queue."""
    staff = agency_staff_of(user)
    if staff is None:
        raise Forbidden("only the agency's staff work the queue", code="agency_staff_only")
    if staff.role == AgencyRole.AUDITOR:
        raise Forbidden("an auditor reads the queue and changes nothing", code="auditor_reads")
    return staff

