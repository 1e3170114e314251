"""Which debtors the daily cycle reclassifies: those whose classification may have changed.

A category is a pure function of the debtor's facts, its flags and the day
(`classification.rules`). Between two daily passes it can change for two reasons only:

- **a fact changed**: a new invoice, case, step, payment, hold, broken promise or plan,
  credit report; each leaves a row stamped when it was written (`Invoice.created_at`,
  `CaseEvent.at`: every state change of a case leaves an event, `AppliedStep.created_at`,
  `CreditReport.imported_at`). A VIP designation or an override reclassifies at once.
- **the day moved past a date that matters**: the 12-month window dropped an invoice,
  step or broken promise; an invoice fell due or became more than `late_days` overdue; a
  payment or credit report dated ahead came into force; a credit report went stale; an
  override expired. Each is a date on a stored row, so the debtors are found by range.

Every debtor found either way is reclassified in full, as before. A fact written without
a trace (a caseless invoice's `paid_on` corrected by a ledger sent again, a debtor's
identity number changed) or a trigger forgotten when a new fact is added would keep a
stale category: so a rolling sweep also reclassifies a seventh of the debtors each day
(by id), and every debtor is reclassified in full at least once a week whatever the
triggers say. A week was chosen over a per-debtor fingerprint of its facts, compared
daily: the fingerprint needs the same reads of a year of history that make a full pass
cost what it does, plus a table to hold it.
"""
import datetime

from django.db.models import F, Q

from cases.models import BROKEN_EVENT_CODES, Case, CaseEvent, Invoice
from cases.stages import ClosedReason, Stage
from debtors.models import Debtor
from dunning.models import AppliedStep
from law.actions import Action

from .models import CreditReport
from .rules import WINDOW_DAYS, RuleSet

# Every debtor is reclassified in full once in this many days, by its id's remainder.
SWEEP_DAYS = 7
# Events that never change what the rules read: the letters of the ladder's first steps,
# and the category change the reclassification writes itself. Any other code (a new one
# too) makes its debtor a candidate.
QUIET_CODES = frozenset({"dunning.reminder.sent", "dunning.collection_demand.sent", "dunning.phone_call.queued",
                         "dunning.address.missing", "classification.category.changed", "letters.letter.printed",
                         "letters.letter.emailed"})
# Steps whose actions the rules do not count (a payment order does); a new action counts until listed here.
QUIET_ACTIONS = frozenset({Action.REMINDER, Action.PHONE_CALL, Action.COLLECTION_DEMAND})


def debtors_to_reclassify(creditor, *, last_on: datetime.date, last_at: datetime.datetime, today: datetime.date,
                          rules: RuleSet) -> set[int]:
    """Ids of the creditor's debtors whose classification may differ on `today` from the
    one the last pass (on `last_on`, started at `last_at`) left: one UNION query. The
    caller keeps those with an unclosed case."""
    def days(start: int, end: int) -> dict:
        # The dates d with last_on + start < d <= today + end: those the day moved past.
        return {"gt": last_on + datetime.timedelta(days=start), "lte": today + datetime.timedelta(days=end)}

    year, due, late, stale = (days(-WINDOW_DAYS, -WINDOW_DAYS), days(-1, -1),
                              days(-rules.late_days - 1, -rules.late_days - 1),
                              days(-rules.report_max_age_days - 1, -rules.report_max_age_days - 1))
    ahead = days(0, 0)
    invoices = Invoice.objects.filter(creditor=creditor).filter(
        Q(created_at__gte=last_at)  # written since
        | _in("invoice_date", year) | _in("invoice_date", ahead) | _in("due_date", year) | _in("due_date", due)
        | _in("due_date", late)  # unpaid today, or paid since: either way a superset
        | _in("paid_on", ahead))
    # A case paid off as of a day ahead, apart: joined into the invoices' part, the planner
    # hashes every creditor's cases to find them (70 ms at 100 creditors' 200 000 cases).
    paid = Case.objects.filter(creditor=creditor, stage=Stage.CLOSED, closed_reason=ClosedReason.PAID).filter(
        _in("closed_on", ahead))
    events = CaseEvent.objects.filter(creditor=creditor).filter(
        Q(~Q(code__in=QUIET_CODES), Q(at__gte=last_at) | _in("on", ahead))
        | Q(_in("on", year), code__in=BROKEN_EVENT_CODES))
    steps = AppliedStep.objects.filter(creditor=creditor).exclude(action__in=QUIET_ACTIONS).filter(
        Q(created_at__gte=last_at) | _in("applied_on", ahead) | _in("applied_on", year))
    reports = CreditReport.objects.filter(creditor=creditor).filter(
        Q(imported_at__gte=last_at) | _in("reported_on", ahead) | _in("reported_on", stale))
    residues = sorted({(last_on + datetime.timedelta(days=n)).toordinal() % SWEEP_DAYS
                       for n in range(1, min((today - last_on).days, SWEEP_DAYS) + 1)})
    debtors = Debtor.objects.filter(creditor=creditor).annotate(residue=F("pk") % SWEEP_DAYS).filter(
        Q(identity_number__in=reports.values("identity_number")) | _in("override_until", due)
        | Q(category_since__isnull=True)
        | Q(residue__in=residues))  # the rolling sweep
    parts = [invoices.values_list("debtor_id"), paid.values_list("debtor_id"), events.values_list("case__debtor_id"),
             steps.values_list("case__debtor_id"), debtors.values_list("pk")]
    return {pk for (pk,) in parts[0].order_by().union(*(part.order_by() for part in parts[1:]))}


def _in(field: str, bounds: dict) -> Q:
    return Q(**{f"{field}__gt": bounds["gt"], f"{field}__lte": bounds["lte"]})
