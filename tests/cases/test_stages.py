"""The transitions table, tested exhaustively through the service, and the database CHECKs."""
import datetime
import itertools

import pytest
from django.db import IntegrityError, transaction

from cases.models import Case
from cases.services import case_transition
from cases.stages import TRANSITIONS, ClosedReason, HoldReason, Stage, can_transition
from core.errors import TransitionNotAllowed
from tests.factories import make_case

ON = datetime.date(2026, 11, 23)
PATH_TO = {  # how a case reaches each stage through allowed moves
    Stage.REMINDER: [],
    Stage.COLLECTION: [Stage.COLLECTION],
    Stage.LEGAL: [Stage.COLLECTION, Stage.LEGAL],
    Stage.ON_HOLD: [Stage.ON_HOLD],
    Stage.CLOSED: [Stage.CLOSED],
}


def move(case, to):
    extra = {}
    if to == Stage.CLOSED:
        extra["closed_reason"] = ClosedReason.PAID
    if to == Stage.ON_HOLD:
        extra["hold_reason"] = HoldReason.DISPUTE
    return case_transition(case=case, to=to, on=ON, **extra)


def case_in(creditor, stage):
    case = make_case(creditor)
    for step in PATH_TO[stage]:
        case = move(case, step)
    assert case.stage == stage
    return case


def test_table_covers_every_stage():
    assert set(TRANSITIONS) == set(Stage)


@pytest.mark.parametrize("source, target", list(itertools.product(Stage, Stage)))
def test_every_pair_of_stages(scoped, source, target):
    case = case_in(scoped, source)
    allowed = target in TRANSITIONS[source]
    assert can_transition(source, target) is allowed
    if source == Stage.ON_HOLD and target in (Stage.COLLECTION, Stage.LEGAL):
        allowed = False  # a hold taken in `reminder` resumes only to `reminder`
    if allowed:
        moved = move(case, target)
        assert Case.objects.get(pk=case.pk).stage == target
        assert moved.events.filter(code="cases.stage.changed", data__to=target).exists()
    else:
        with pytest.raises(TransitionNotAllowed):
            move(case, target)
        assert Case.objects.get(pk=case.pk).stage == source


def test_escalation_never_goes_back(scoped):
    for stage, targets in TRANSITIONS.items():
        if stage in (Stage.COLLECTION, Stage.LEGAL):
            assert Stage.REMINDER not in targets


def test_hold_resumes_to_where_it_was_taken(scoped):
    case = case_in(scoped, Stage.COLLECTION)
    case = move(case, Stage.ON_HOLD)
    assert case.resume_stage == Stage.COLLECTION
    with pytest.raises(TransitionNotAllowed):
        move(case, Stage.LEGAL)
    case = move(case, Stage.COLLECTION)
    assert (case.stage, case.hold_reason, case.resume_stage) == (Stage.COLLECTION, "", "")


def test_closing_needs_a_reason(scoped):
    case = make_case(scoped)
    with pytest.raises(Exception, match="reason"):
        case_transition(case=case, to=Stage.CLOSED, on=ON)
    assert Case.objects.get(pk=case.pk).stage == Stage.REMINDER


@pytest.mark.parametrize("values", [
    {"stage": "bogus"},
    {"stage": Stage.CLOSED},  # closed without a reason or a date
    {"closed_reason": ClosedReason.PAID},  # a reason on an open case
    {"stage": Stage.ON_HOLD},  # on hold without a hold reason
    {"hold_reason": HoldReason.PAUSED},
])
def test_database_refuses_inconsistent_stages(scoped, values):
    case = make_case(scoped)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(**values)
