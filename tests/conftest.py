import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from core.tenancy import creditor_scope


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://… (.ci/run does)")
    if connection.vendor != "postgresql":
        for item in items:
            if "postgres" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def creditor(db):
    from .factories import make_creditor

    return make_creditor("acme", "Acme Bygg AB", "556703-7485", "5050-1055")


@pytest.fixture
def other_creditor(db):
    from .factories import make_creditor

    return make_creditor("other", "Other Handel AB", "556036-0793", "5402-9681")


@pytest.fixture
def scoped(creditor):
    """Run the test inside the `creditor` fixture's tenant scope."""
    with creditor_scope(creditor):
        yield creditor


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def today():
    return datetime.date(2026, 11, 23)


@pytest.fixture
def open_case(scoped, today):
    from .factories import make_case

    return make_case(scoped, amount=Decimal("1250.00"), due_date=today - datetime.timedelta(days=20))


@pytest.fixture
def supervisor(db):
    """An agency supervisor, as the services name an actor: who may waive a call or approve a payment order."""
    from django.contrib.auth import get_user_model

    from creditors.models import AgencyRole, AgencyStaff

    user = get_user_model().objects.create(username="boss@fordra.demo", email="boss@fordra.demo")
    AgencyStaff.objects.create(user=user, role=AgencyRole.SUPERVISOR)
    return f"user:{user.username}"
