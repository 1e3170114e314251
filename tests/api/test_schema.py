"""The OpenAPI schema is valid, generated without a warning, and documents every error answer.

The first test is `manage.py spectacular --validate --fail-on-warn`, as .ci/run runs it, in-process:
`python3 dev.py test` catches a schema that CI would refuse.
"""
import pytest
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from api.idempotency import HEADER, REPLAY_HEADER, UNSAFE_METHODS
from api.operations import GENERIC

ERROR_REF = "#/components/schemas/Error"


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method.upper(), operation


def error_schema_of(response) -> str | None:
    return response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")


def test_the_schema_validates_without_a_warning(tmp_path):
    GENERATOR_STATS.reset()  # warnings of an earlier generation in this process are not this one's
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi: 3")


def test_the_error_shape_is_a_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "message", "detail"}


def test_every_operation_documents_the_errors_any_request_may_meet(schema):
    for path, method, operation in operations(schema):
        for status in ("401", "403", "406", "429"):
            response = operation["responses"].get(status)
            assert response is not None, f"{method} {path} does not document {status}"
            assert error_schema_of(response) == ERROR_REF, f"{method} {path} {status} is not the error shape"
        assert "Retry-After" in operation["responses"]["429"]["headers"]
        if "{" in path:
            assert error_schema_of(operation["responses"]["404"]) == ERROR_REF, f"{method} {path}: no 404"
        if "requestBody" in operation or any(p["in"] == "query" for p in operation.get("parameters", [])):
            assert "400" in operation["responses"], f"{method} {path}: no 400"


def test_every_unsafe_operation_documents_its_idempotency_key(schema):
    unsafe = [(path, method, op) for path, method, op in operations(schema) if method in UNSAFE_METHODS]
    assert any(path.endswith("/debtors/{id}/") and method == "PATCH" for path, method, _ in unsafe)
    for path, method, operation in unsafe:
        (key,) = [p for p in operation["parameters"] if p["in"] == "header" and p["name"] == HEADER]
        assert key["required"] is False and key["schema"]["maxLength"] == 255
        conflict, reused = operation["responses"]["409"], operation["responses"]["422"]
        assert "idempotency_in_flight" in conflict["description"] and "Retry-After" in conflict["headers"]
        assert "idempotency_key_reused" in reused["description"]
        assert error_schema_of(conflict) == error_schema_of(reused) == ERROR_REF
    for path, method, operation in operations(schema):
        if method not in UNSAFE_METHODS:
            assert not any(p["name"] == HEADER for p in operation.get("parameters", [])), f"{method} {path}"


def test_every_answer_a_retry_may_replay_declares_the_replayed_header(schema):
    created = schema["paths"]["/api/v1/invoices/"]["post"]["responses"]
    assert created["201"]["headers"][REPLAY_HEADER]["schema"] == {"type": "string", "enum": ["true"]}
    for path, method, operation in operations(schema):
        for status, response in operation["responses"].items():
            replayable = method in UNSAFE_METHODS and status not in ("401", "413", "429") and status < "500"
            assert (REPLAY_HEADER in response.get("headers", {})) == replayable, f"{method} {path} {status}"


def test_every_operation_says_what_it_does_in_its_own_words(schema):
    """The docs page lists operations by summary; a description copied from a viewset's or a
    mixin's docstring would speak of the class (say "for an endpoint whose success is not JSON")."""
    for path, method, operation in operations(schema):
        assert operation.get("summary"), f"{method} {path} has no summary: add it to api/operations.py"
        assert not operation.get("description", "").startswith(GENERIC), f"{method} {path}"
    assert schema["info"]["description"].startswith("Fordra's collection service for partner ERPs")
    assert "standardwebhooks.Webhook(secret).verify(body, headers)" in schema["info"]["description"]
