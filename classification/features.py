"""A debtor's features, read for many debtors at once: one query per kind of history.

Every query is filtered by the creditor and grouped (or ordered) by debtor, so the cost
grows with the creditor's history, not with the number of round trips: reclassifying
100 000 debtors is a few queries per chunk of debtors (bench/reclassify.py). The caller
keeps a chunk small enough that its history fits in memory (a year of invoices each). `debtors` is the
list of debtor ids to read, sent as one array (`core.lookups`).
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Sum

from cases.models import BROKEN_EVENT_CODES, PAYMENT_PLAN_BROKEN, CaseEvent, Component, Invoice, LedgerEntry
from cases.stages import ClosedReason, HoldReason, Stage
from debtors.models import Debtor
from dunning.models import AppliedStep, QueueItem, QueueKind
from law.actions import Action

from .models import CreditReport
from .rules import WINDOW_DAYS, CreditFacts, Features, InvoiceOutcome


def features_for(creditor, debtors: list[int], today: datetime.date, *, identities: dict[int, str] | None = None,
                 shown: bool = True) -> dict[int, Features]:
    """debtor id → Features as of `today`, for the debtor ids in the list `debtors`.

    `identities` (debtor id → identity number, if the caller has read them) saves a query.
    `shown=False` reads only what the rules decide by, as the daily reclassification does;
    the collection cases, disputes and overdue sum are for the debtor's page."""
    since = today - datetime.timedelta(days=WINDOW_DAYS)
    debtors = set(debtors)  # `__any` takes a set as it is (core.lookups)
    values: dict[int, dict] = defaultdict(dict)
    for debtor_id, invoices, outcomes in _invoice_history(creditor, debtors, since, today):
        values[debtor_id].update(invoices=invoices, outcomes=outcomes)
    actions = [Action.COLLECTION_DEMAND, Action.PAYMENT_ORDER] if shown else [Action.PAYMENT_ORDER]
    steps = (AppliedStep.objects.filter(creditor=creditor, case__debtor_id__any=debtors, applied_on__gt=since,
                                        applied_on__lte=today, action__in=actions)
             .values_list("case__debtor_id", "action").annotate(n=Count("case_id", distinct=True)))
    for debtor_id, action, n in steps:
        values[debtor_id]["collection_cases" if action == Action.COLLECTION_DEMAND else "payment_order_cases"] = n
    broken = (CaseEvent.objects.filter(creditor=creditor, code__in=BROKEN_EVENT_CODES, on__gt=since, on__lte=today,
                                       case__debtor_id__any=debtors)
              .values_list("case__debtor_id", "code").annotate(n=Count("id")))
    for debtor_id, code, n in broken:
        values[debtor_id]["broken_plans" if code == PAYMENT_PLAN_BROKEN else "broken_promises"] = n
    if shown:
        _shown_only(creditor, debtors, since, today, values)
    if identities is None:
        identities = dict(Debtor.objects.filter(pk__any=debtors).exclude(identity_number="")
                          .values_list("pk", "identity_number"))
    for debtor_id, report in _latest_reports(creditor, identities, today).items():
        values[debtor_id]["credit_report"] = report
    return {debtor_id: Features(**fields) for debtor_id, fields in values.items()}


def _shown_only(creditor, debtors: list[int], since: datetime.date, today: datetime.date, values: dict) -> None:
    disputes = (QueueItem.objects.filter(creditor=creditor, kind=QueueKind.DISPUTE_REVIEW, created_on__gt=since,
                                         created_on__lte=today, case__debtor_id__any=debtors)
                .values_list("case__debtor_id").annotate(n=Count("id")))
    for debtor_id, n in disputes:
        values[debtor_id]["disputes"] = n
    overdue = (LedgerEntry.objects.filter(creditor=creditor, case__debtor_id__any=debtors,
                                          component__in=[Component.PRINCIPAL, Component.FEES],
                                          case__invoice__due_date__lt=today, booked_on__lte=today)
               .exclude(case__stage=Stage.CLOSED)
               .values_list("case__debtor_id").annotate(total=Sum("amount")))
    for debtor_id, total in overdue:
        values[debtor_id]["open_overdue"] = Decimal(total).quantize(Decimal("0.01"))


def _invoice_history(creditor, debtors, since: datetime.date, today: datetime.date):
    """(debtor id, invoices dated in the window, outcomes newest first) per debtor with any
    (`_histories` says what an outcome is)."""
    rows = (Invoice.objects.filter(creditor=creditor, debtor_id__any=debtors, due_date__gt=since,
                                   invoice_date__lte=today)
            .values_list("debtor_id", "invoice_date", "due_date", "paid_on", "case__id", "case__stage",
                         "case__closed_reason", "case__closed_on", "case__hold_reason")
            .order_by("debtor_id", "-due_date", "-id"))
    return _histories(rows, since, today)


def _histories(rows, since: datetime.date, today: datetime.date):
    """Fold invoice rows (debtor, invoice date, due date, paid on, case id, stage, closed
    reason, closed on, hold reason), grouped by debtor and newest due date first, into
    (debtor, invoices dated in the window, outcomes).

    An invoice not due yet has no outcome yet, nor a disputed one until an agent decides.
    When it was paid: the creditor's `paid_on` from the ledger, else the day its case
    closed as paid (the last payment's date). Unpaid, it counts the days overdue so far,
    or until its case was written off (never paid). Settled outside Fordra without a date,
    credited or withdrawn, it was never owed and says nothing about paying late. (One loop, no call per row: the daily reclassification folds a
    year of invoices for every debtor with an open case.)"""
    closed, paid, written_off, dispute = Stage.CLOSED, ClosedReason.PAID, ClosedReason.WRITTEN_OFF, HoldReason.DISPUTE
    current, invoices, outcomes = None, 0, []
    for debtor_id, invoice_date, due_date, paid_on, case_id, stage, closed_reason, closed_on, hold_reason in rows:
        if debtor_id != current:
            if current is not None:
                yield current, invoices, tuple(outcomes)
            current, invoices, outcomes = debtor_id, 0, []
        if invoice_date > since:
            invoices += 1
        if due_date >= today or hold_reason == dispute:
            continue
        if paid_on is None and stage == closed and closed_reason == paid:
            paid_on = closed_on
        if paid_on is not None and paid_on <= today:
            outcomes.append(InvoiceOutcome(due_date, max(0, (paid_on - due_date).days), True))
        elif case_id is not None and (stage != closed or closed_reason == written_off):
            until = closed_on if stage == closed else today
            outcomes.append(InvoiceOutcome(due_date, max(0, (until - due_date).days), False))
    if current is not None:
        yield current, invoices, tuple(outcomes)


def features_of_new(creditor, invoices: dict, identities: dict, today: datetime.date) -> dict:
    """key → Features of debtors not stored yet, whose whole history is the invoices given:
    key → [(invoice date, due date, paid on, whether a case opens for it)] in the order
    they will be stored (the order of their ids). Nothing else can have happened to such a
    debtor, so this is what `features_for` reads once the invoices and their new cases are
    stored (tests/creditors/test_ledger_classify.py compares the two); `identities`:
    key → identity number, for the creditor's credit reports."""
    since = today - datetime.timedelta(days=WINDOW_DAYS)
    rows = []
    for key, invoices_of in invoices.items():
        window = [(due_date, position, invoice_date, paid_on, opened)
                  for position, (invoice_date, due_date, paid_on, opened) in enumerate(invoices_of)
                  if due_date > since and invoice_date <= today]
        window.sort(reverse=True)  # newest due date first, then the last stored
        rows += [(key, invoice_date, due_date, paid_on, *(_NEW_CASE if opened else _NO_CASE))
                 for due_date, _, invoice_date, paid_on, opened in window]
    values = {key: {"invoices": n, "outcomes": outcomes} for key, n, outcomes in _histories(rows, since, today)}
    for key, report in _latest_reports(creditor, identities, today).items():
        values.setdefault(key, {})["credit_report"] = report
    return {key: Features(**fields) for key, fields in values.items()}


# A new invoice's case as the history query reads it: (id, stage, closed reason, closed on, hold reason).
_NEW_CASE = (0, Stage.REMINDER, "", None, "")
_NO_CASE = (None, None, None, None, None)


def _latest_reports(creditor, identities: dict[int, str], today: datetime.date) -> dict[int, CreditFacts]:
    """debtor id → its identity number's latest credit report up to today (stale or not: the rules decide)."""
    debtors_of = defaultdict(list)
    for debtor_id, identity in identities.items():
        if identity:
            debtors_of[identity].append(debtor_id)
    if not debtors_of:
        return {}
    latest = {}
    reports = (CreditReport.objects.filter(creditor=creditor, reported_on__lte=today,
                                           identity_number__any=list(debtors_of))
               .order_by("identity_number", "reported_on", "id")
               .values_list("identity_number", "reported_on", "source", "score", "risk_class", "payment_remarks"))
    for identity, *facts in reports:
        latest[identity] = CreditFacts(*facts)  # ascending: the last one wins
    return {debtor_id: report for identity, report in latest.items() for debtor_id in debtors_of[identity]}
