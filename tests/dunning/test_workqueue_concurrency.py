"""Eight agents press "next" at once on PostgreSQL: SKIP LOCKED and the conditional claim
hand each item to one agent only."""
import datetime
import threading
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.utils import timezone

from core.tenancy import creditor_scope
from creditors.models import AgencyRole, AgencyStaff
from dunning.models import QueueItem, QueueKind
from dunning.workqueue import queue_claim_next
from tests.factories import make_case

AGENTS, ITEMS = 8, 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the shipped rule pack
def test_eight_concurrent_claimers_never_get_the_same_item(creditor):
    with creditor_scope(creditor):
        for n in range(ITEMS):
            case = make_case(creditor)
            QueueItem.objects.create(creditor=creditor, case=case, kind=QueueKind.PHONE_CALL,
                                     created_on=datetime.date(2026, 11, 1), due_on=datetime.date(2026, 11, 1 + n % 20))
    users = []
    for n in range(AGENTS):
        user = get_user_model().objects.create(username=f"agent{n}@fordra.demo")
        AgencyStaff.objects.create(user=user, role=AgencyRole.AGENT)
        users.append(user)
    now = timezone.now()
    claims, errors = [], []
    start = threading.Barrier(AGENTS)

    def agent(user):
        try:
            start.wait()
            while (item := queue_claim_next(user=user, now=now)) is not None:
                claims.append((user.pk, item.pk))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=agent, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    taken = Counter(item for _, item in claims)
    assert len(taken) == ITEMS and max(taken.values()) == 1, "an item was handed to two agents"
    holders = dict(QueueItem.objects.with_scopes_disabled().values_list("pk", "claimed_by_id"))
    assert all(holders[item] == user for user, item in claims)
    assert len({user for user, _ in claims}) > 1, "the claimers should have shared the queue"
