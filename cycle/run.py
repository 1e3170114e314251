"""The daily cycle, for one creditor and one day: the one orchestrator, which nothing imports.

In order, on a bank day (steps fire on bank days only; the next bank day picks up what
fell due on the others):
1. promises to pay that lapsed, and payment plans broken or ended, resume their ladders
   (`dunning.holds`, `dunning.plans`);
2. every debtor with an open case is reclassified (`classification.services`), so a
   debtor who became a risk today gets today's step from the risk ladder;
3. every step that is due is applied, in locked batches (`dunning.steps`).
"""
import datetime

from classification.services import reclassify_daily
from core.tenancy import creditor_scope
from dunning.holds import resume_ended_pauses, resume_lapsed_promises
from dunning.plans import resume_ended_plans
from dunning.steps import CycleReport, steps_apply_due
from law.bankdays import is_bank_day


def run_cycle(*, creditor, day: datetime.date, pack=None) -> CycleReport:
    """Run the creditor's day. `pack`: the rule pack, if already loaded."""
    report = CycleReport(creditor.slug, day)
    if not is_bank_day(day):
        return report
    with creditor_scope(creditor):
        report.promises_resumed = resume_lapsed_promises(on=day)
        report.pauses_ended = resume_ended_pauses(on=day)
        report.plans_resumed = resume_ended_plans(on=day)
        reclassified = reclassify_daily(creditor=creditor, on=day)
        report.reclassified = reclassified.changed if reclassified else {}
        steps_apply_due(creditor=creditor, day=day, report=report, pack=pack)
    return report
