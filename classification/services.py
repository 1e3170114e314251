"""Writes about a debtor's category: the daily reclassification, VIP designation, manual overrides.

Each goes through `reclassify`, so a category is only ever what `classification.rules`
decides from the debtor's features, flags and override. A changed category writes a
`classification.category.changed` event on each of the debtor's unclosed cases, and the
open ones continue on the new ladder from where they stand (the engine derives the
position from the steps taken: no step repeated, no fee charged twice).
"""
import datetime
import gc
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cases.events import EVENT_FIELDS, actor_label
from cases.models import Case, CaseEvent
from cases.stages import Stage
from core.bulk import BulkWriter, bulk_set, insert_rows
from core.errors import ValidationError
from debtors.models import Category, Debtor
from dunning.planning import cases_replan
from webhooks import events as hooks
from webhooks.outbox import outbox_for

from .daily import SWEEP_DAYS, debtors_to_reclassify
from .features import features_for, features_of_new
from .models import ClassificationRules
from .rules import Features, Override, RuleSet, classify
from .selectors import rule_set
from .texts import reasons_text

# Debtors per transaction: each batch locks its debtors' unclosed cases while it replans them.
BATCH_SIZE = 2000
# Debtors whose features are read together (their year of history is held in memory at once).
FEATURES_CHUNK = 5000
CHANGED = "classification.category.changed"
# What a classification is computed from and what it wrote, as read before computing it.
SNAPSHOT = ("category", "category_reasons", "category_since", "vip", "override_category", "override_until",
            "override_note")


@dataclass
class ReclassifyReport:
    debtors: int = 0
    changed: dict = field(default_factory=dict)  # (old, new) → count
    reasons_updated: int = 0

    @property
    def moved(self) -> int:
        return sum(self.changed.values())


def reclassify(*, creditor, on: datetime.date | None = None, debtors=None, actor=None,
               rules: RuleSet | None = None) -> ReclassifyReport:
    """Classify the creditor's debtors as of `on` (default today): those in the `debtors`
    queryset, or else every debtor with an unclosed case. Run inside the creditor's scope.
    `rules`: the creditor's rule set, if the caller has read it."""
    with _collector_paused():
        return _reclassify(creditor, on or timezone.localdate(), debtors, actor, rules or rule_set(creditor))


def classify_new(*, creditor, invoices: dict, identities: dict, vips: dict, on: datetime.date) -> dict:
    """key → Classification of debtors about to be stored with their first invoices, so they
    are stored classified and their cases open on their category's ladder (the ledger
    import). `invoices`, `identities`: as `features.features_of_new` reads them; `vips`:
    key → the creditor's VIP designation."""
    rules = rule_set(creditor)
    with _collector_paused():
        features = features_of_new(creditor, invoices, identities, on)
        return {key: classify(features.get(key, Features()), rules, today=on, vip=vips.get(key, False))
                for key in invoices}


def reclassify_daily(*, creditor, on: datetime.date) -> ReclassifyReport | None:
    """The daily cycle's reclassification: once per creditor and day (a second cycle the
    same day finds nothing new to classify on: the day's changes come through their own
    services, a VIP or an override at once). None when it already ran for `on`.

    It reclassifies the debtors with an unclosed case whose facts changed since the last
    pass or whose dates the day moved past, plus a seventh of them by turns
    (`classification.daily` says why that is all that can have changed); all of them on
    the first pass, after a week without one, when the creditor's rules changed since, or
    for a day before the last."""
    stored, _ = ClassificationRules.objects.get_or_create(creditor=creditor)
    if stored.reclassified_on == on:
        return None
    started = timezone.now()
    rules = rule_set(creditor, stored)
    debtors = None
    if not _full_pass_due(stored, on):
        candidates = debtors_to_reclassify(creditor, last_on=stored.reclassified_on, last_at=stored.reclassified_at,
                                           today=on, rules=rules)
        debtors = Debtor.objects.filter(pk__any=candidates or {0}, pk__in=_with_unclosed_case(creditor))
    report = reclassify(creditor=creditor, on=on, debtors=debtors, rules=rules)
    # .update(): the rules' updated_at stays, and tells the next pass whether they changed since this one.
    ClassificationRules.objects.filter(pk=stored.pk).update(reclassified_on=on, reclassified_at=started)
    return report


def _full_pass_due(stored: ClassificationRules, on: datetime.date) -> bool:
    last_on, last_at = stored.reclassified_on, stored.reclassified_at
    return (last_on is None or last_at is None or on <= last_on or (on - last_on).days >= SWEEP_DAYS
            or stored.updated_at >= last_at)


def _with_unclosed_case(creditor):
    return Case.objects.filter(creditor=creditor).exclude(stage=Stage.CLOSED).values("debtor_id")


@contextmanager
def _collector_paused():
    """A run keeps about ten objects per debtor alive (features, reasons) and creates no
    cycles; each full garbage collection would walk them all: 6 of 30 s for 100 000
    debtors (bench/reclassify.py)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _reclassify(creditor, on: datetime.date, debtors, actor, rules: RuleSet) -> ReclassifyReport:
    if debtors is None:
        debtors = Debtor.objects.filter(creditor=creditor, pk__in=_with_unclosed_case(creditor))
    report = ReclassifyReport()
    last = 0
    while True:
        # A chunk of debtors as stored, by id: their features are then read for the literal ids
        # (as nested subqueries, PostgreSQL plans the feature queries blind while a transaction's
        # own rows are not yet analysed: seconds each).
        stored = _snapshots(debtors.filter(pk__gt=last).order_by("pk")[:FEATURES_CHUNK])
        report.debtors += len(stored)
        if stored:
            _reclassify_chunk(creditor, on, stored, rules, actor, report)
        if len(stored) < FEATURES_CHUNK:
            return report
        last = stored[-1][0]


def _snapshots(debtors) -> list[tuple]:
    """(pk, identity number, *SNAPSHOT) of the debtors. Their reasons come as JSON text,
    each distinct text decoded once: debtors share most of them (the same counts of
    invoices and late ones), and decoding each debtor's took a tenth of a creditor's
    daily reclassification. Equal reasons are the same list (read, never changed)."""
    decoded = {}
    rows = []
    for pk, identity, category, reasons, *rest in debtors.values_list(
            "pk", "identity_number", "category", Cast("category_reasons", TextField()), *SNAPSHOT[2:]):
        if reasons not in decoded:
            decoded[reasons] = json.loads(reasons)
        rows.append((pk, identity, category, decoded[reasons], *rest))
    return rows


def _reclassify_chunk(creditor, on: datetime.date, stored: list, rules, actor, report: ReclassifyReport) -> None:
    features = features_for(creditor, [row[0] for row in stored], on,
                            identities={row[0]: row[1] for row in stored}, shown=False)
    for start in range(0, len(stored), BATCH_SIZE):
        updates = []
        for pk, _, *snapshot in stored[start:start + BATCH_SIZE]:
            category, reasons, since, vip, override, until, note = snapshot
            result = classify(features.get(pk, Features()), rules, today=on, vip=vip,
                              override=Override(override, until, note) if override else None)
            if result.category != category or result.reasons != reasons or since is None:
                updates.append(SimpleNamespace(pk=pk, snapshot=tuple(snapshot), old=category, category=result.category,
                                               category_reasons=result.reasons,
                                               category_since=since if result.category == category and since
                                               else on))
        if updates:
            with transaction.atomic():
                _write(creditor, updates, on, actor, report)


def _write(creditor, updates: list, on: datetime.date, actor, report: ReclassifyReport) -> None:
    # Another cycle, a VIP designation or an override may have written these debtors since
    # they were read: under the row locks, a debtor that changed meanwhile is left to that
    # writer's classification (else a category would be overwritten or an event repeated).
    current = {row[0]: row[1:] for row in Debtor.objects.select_for_update().filter(pk__any=[u.pk for u in updates])
               .order_by("pk").values_list("pk", *SNAPSHOT)}
    updates = [u for u in updates if current.get(u.pk) == u.snapshot]
    bulk_set(Debtor, updates, ["category", "category_reasons", "category_since"])
    moved = {u.pk: u for u in updates if u.category != u.old}
    report.reasons_updated += len(updates) - len(moved)
    for update in moved.values():
        report.changed[(update.old, update.category)] = report.changed.get((update.old, update.category), 0) + 1
    if not moved:
        return
    _hooks(creditor, moved.values(), on)
    cases = list(Case.objects.select_related("invoice", "debtor").select_for_update(of=("self",))
                 .filter(creditor=creditor, debtor_id__any=list(moved)).exclude(stage=Stage.CLOSED).order_by("pk"))
    now, who = timezone.now(), actor_label(actor)
    events = []
    for case in cases:
        update = moved[case.debtor_id]
        text = f"Kategori {update.old} → {update.category}: " + "; ".join(reasons_text(update.category_reasons))
        events.append((creditor.pk, case.pk, now, on, who, CHANGED, text[:500],
                       {"from": update.old, "to": update.category, "reasons": update.category_reasons}))
    insert_rows(CaseEvent, EVENT_FIELDS, events)
    cases_replan(cases)
    bulk_set(Case, [c for c in cases if c.stage != Stage.ON_HOLD], ["next_action", "next_step_on"])


def _hooks(creditor, moved, on: datetime.date) -> None:
    """`debtor.category_changed` for each debtor moved, if the creditor listens (`webhooks`)."""
    outbox = outbox_for(creditor.pk)
    if not outbox.wants(hooks.DEBTOR_CATEGORY_CHANGED):
        return
    with BulkWriter() as writer:
        for update in moved:
            outbox.add(writer, hooks.DEBTOR_CATEGORY_CHANGED, hooks.category_changed(
                debtor_id=update.pk, source=update.old, to=update.category, on=on))


@transaction.atomic
def debtor_set_vip(*, debtor: Debtor, vip: bool, on: datetime.date | None = None, actor=None) -> Debtor:
    """The creditor designates a VIP (or takes it back); the debtor is reclassified at once."""
    debtor = Debtor.objects.select_for_update().get(pk=debtor.pk)
    if debtor.vip != vip:
        debtor.vip = vip
        debtor.save(update_fields=["vip"])
    reclassify(creditor=debtor.creditor, on=on, debtors=Debtor.objects.filter(pk=debtor.pk), actor=actor)
    debtor.refresh_from_db()
    return debtor


@transaction.atomic
def debtor_override(*, debtor: Debtor, category: str, until: datetime.date | None = None, note: str = "",
                    on: datetime.date | None = None, actor=None) -> Debtor:
    """Set the debtor to risk or normal by hand until a date, with a note saying why; an
    empty category lifts the override. The debtor is reclassified at once."""
    on = on or timezone.localdate()
    if category:
        if category not in (Category.RISK, Category.NORMAL):
            raise ValidationError("an override sets the category to risk or normal; VIP is its own designation",
                                  code="override_category", detail={"category": category})
        if until is None or until < on:
            raise ValidationError("an override needs an expiry date that has not passed", code="override_until",
                                  detail={"until": str(until)})
        if not note.strip():
            raise ValidationError("an override needs a note saying why", code="override_note", detail={"note": note})
    debtor = Debtor.objects.select_for_update().get(pk=debtor.pk)
    debtor.override_category = category or ""
    debtor.override_until = until if category else None
    debtor.override_note = note.strip()[:500] if category else ""
    debtor.save(update_fields=["override_category", "override_until", "override_note"])
    reclassify(creditor=debtor.creditor, on=on, debtors=Debtor.objects.filter(pk=debtor.pk), actor=actor)
    debtor.refresh_from_db()
    return debtor
