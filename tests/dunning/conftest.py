import pytest

from creditors.models import AgencyRole
from debtors.models import Category
from dunning.models import QueueItem, QueueKind
from tests.cycling import reload, run_days
from tests.dunning.calls import ADDRESS, CALL, DUE, staff
from tests.factories import DebtorFactory, make_case


@pytest.fixture
def people(db):
    return staff("agent@fordra.demo", AgencyRole.AGENT), staff("boss@fordra.demo", AgencyRole.SUPERVISOR)


@pytest.fixture
def vip_case(scoped, people):
    """A VIP case whose phone call was queued on CALL and waits for the agent."""
    debtor = DebtorFactory(creditor=scoped, vip=True, category=Category.VIP, **ADDRESS)
    case = make_case(scoped, amount="1000.00", due_date=DUE, debtor=debtor, reminder_fee_agreed=True)
    assert [a for _, a in run_days(scoped, DUE, CALL)] == ["reminder", "reminder", "phone_call"]
    assert QueueItem.objects.get(case=case, kind=QueueKind.PHONE_CALL).created_on == CALL
    return reload(case)
