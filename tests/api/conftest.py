"""An API client with a token for the `creditor` fixture, and one case and debtor to ask about."""
import pytest
from django.test import Client

from core.tenancy import creditor_scope
from creditors.services import api_client_create
from tests.factories import make_case


def api_client_for(creditor, **defaults) -> Client:
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="ERP")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", **defaults)


@pytest.fixture
def api(creditor):
    return api_client_for(creditor)


@pytest.fixture
def case(creditor):
    return make_case(creditor, amount="1234.50")
