"""A VIP case whose phone call waits for an agent, and the agency staff who work it."""
import datetime

from django.contrib.auth import get_user_model

from creditors.models import AgencyStaff
from dunning.models import QueueItem, QueueKind

D = datetime.date
DUE = D(2026, 3, 2)  # a Monday
CALL = D(2026, 4, 17)  # a Friday: the VIP ladder's call, after two reminders (Easter Monday 6 April moves the second)
ADDRESS = {"address": "Storgatan 12", "postal_code": "123 45", "city": "Västerås"}
AGENT, SUPERVISOR = "user:agent@fordra.demo", "user:boss@fordra.demo"


def staff(email, role):
    user = get_user_model().objects.create(username=email, email=email)
    AgencyStaff.objects.create(user=user, role=role)
    return user


def call(case, kind=QueueKind.PHONE_CALL):
    """The case's open item of `kind` (its phone call)."""
    return QueueItem.objects.get(case=case, kind=kind, outcome="")
