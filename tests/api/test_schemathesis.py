"""Schemathesis against the API's own schema, in-process (WSGI), with data for two creditors.

Every operation of `/api/v1/schema/` gets generated requests (valid and invalid by the schema)
with creditor 1's API key. It fails on a 5xx, a status the operation does not document, a body
that breaks the documented schema, or a Content-Type not documented. Requests without the key
must answer 401 (`ignored_auth`).

Examples per operation: FORDRA_SCHEMATHESIS_EXAMPLES (default 8: `python3 dev.py test` stays
quick; .ci/run's second pass sets more). Reproducible: the examples are derived from the test's
name (derandomize), so a failure comes back on the next run.
"""
import os
import socket

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from core.tenancy import creditor_scope
from creditors.services import api_client_create
from tests.factories import make_case

EXAMPLES = int(os.environ.get("FORDRA_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          ignored_auth]


# Generated at collection: no database needed. (Schemathesis' own `from_fixture` parametrisation
# reaches into pytest internals that pytest 9.2 removed; one hypothesis run per operation does the same.)
SCHEMA = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
SCHEMA.app = get_wsgi_application()  # requests go to Django in-process, also those the checks send themselves
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


@pytest.fixture
def token(creditor, other_creditor, monkeypatch):
    """Creditor 1's key, with cases (and so debtors) at both creditors."""
    # A webhook URL is resolved to refuse private addresses: no generated host name leaves this machine.
    def no_dns(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "no name resolution in this test")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    for owner in (creditor, other_creditor):
        make_case(owner, amount="1234.50")
        make_case(owner, amount="99.00")
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="ERP")
    # As Django's test client does: the WSGI handler would close the test's database connection after
    # each request (on PostgreSQL, the transaction the test runs in).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield token
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_the_api_answers_as_its_schema_says(label, token):
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=st.one_of(OPERATIONS[label].as_strategy(mode) for mode in GenerationMode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    answers_as_documented()


def test_a_post_to_a_path_no_endpoint_matches_is_the_api_404_not_a_csrf_page(creditor):
    """Found by Schemathesis: `POST /api/v1/cases/null/pause` met Django's CSRF check (an HTML 403),
    which Django's test client skips unless asked."""
    with creditor_scope(creditor):
        _client, token = api_client_create(creditor=creditor, name="ERP")
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api.post("/api/v1/cases/null/pause", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
