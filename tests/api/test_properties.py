"""Any string in any query parameter, any JSON in any field, any bytes as a body: a 2xx or a 4xx in the
error shape, never a 5xx, never HTML; and a refused PATCH changes nothing.

The test client re-raises an exception raised in a view, so a crash fails these tests with its
traceback; the status assertion catches a 5xx answered without one.
"""
import datetime
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.stages import Stage
from debtors.models import Category

SHAPE = {"code", "message", "detail"}
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

ENDPOINTS = ["/api/v1/cases/", "/api/v1/cases/{case}/", "/api/v1/debtors/", "/api/v1/debtors/{debtor}/",
             "/api/v1/letters/{case}/pdf", "/api/v1/schema/"]
# A query string can carry any character but a lone surrogate (it is UTF-8 on the wire).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
numbers = st.one_of(st.integers(min_value=-3, max_value=1002), st.integers(min_value=-10 ** 30, max_value=10 ** 30)
                    ).map(str) | st.just("1" + "0" * 4400)  # past int()'s 4300-digit limit
# Values near what each parameter takes, where the edges are; any text besides.
NEAR_VALID = {
    "as_of": st.one_of(st.sampled_from(["1999-12-31", "2000-01-01", "2026-12-31", "2027-01-01", "2099-12-31",
                                        "2100-01-01", "9999-12-31", "0001-01-01", "20270101", "2027-W01-1"]),
                       st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)), st.dates()).map(str),
    "page": st.one_of(numbers, st.just("last")),
    "page_size": numbers,
    "stage": st.sampled_from(Stage.values),
    "category": st.sampled_from(Category.values),
    "vip": st.sampled_from(["true", "false", "True", "1"]),
    "format": st.sampled_from(["json", "yaml", "pdf", "api", "openapi"]),
}


@st.composite
def query_params(draw):
    """One to three of the parameters the endpoints read (`format` is DRF's own), each near-valid or any text."""
    names = draw(st.lists(st.sampled_from(sorted(NEAR_VALID)), min_size=1, max_size=3, unique=True))
    return {name: draw(st.one_of(NEAR_VALID[name], NEAR_VALID[name], any_text, st.just(""))) for name in names}


json_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10 ** 40, max_value=10 ** 40), st.floats(),
                         any_text, st.dates().map(lambda d: d.isoformat()))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                  st.dictionaries(any_text, inner, max_size=3)),
                           max_leaves=8)
override = st.one_of(json_values, st.fixed_dictionaries({}, optional={
    "category": st.one_of(st.sampled_from(["risk", "normal", "vip", ""]), json_values),
    "until": st.one_of(st.dates().map(lambda d: d.isoformat()), json_values),
    "note": st.one_of(any_text, json_values),
    "unknown": json_values,
}))
patch_fields = st.fixed_dictionaries({}, optional={"vip": st.one_of(st.booleans(), json_values), "override": override})
patch_bodies = st.one_of(
    json_values,
    patch_fields,
    st.tuples(patch_fields, st.dictionaries(any_text, json_values, max_size=2)).map(lambda t: {**t[1], **t[0]}),
)


def assert_json_2xx_or_shaped_4xx(response):
    assert response.status_code < 500, response.content[:500]
    assert response["Content-Type"].startswith("application/json") or response.status_code == 200, response.content
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == SHAPE, body
        assert isinstance(body["code"], str) and body["code"]
        assert isinstance(body["message"], str) and body["message"]


# Each parameter on each endpoint that reads it.
READERS = [("/api/v1/cases/", "as_of"), ("/api/v1/cases/{case}/", "as_of"), ("/api/v1/cases/", "stage"),
           ("/api/v1/cases/", "page"), ("/api/v1/cases/", "page_size"), ("/api/v1/debtors/", "category"),
           ("/api/v1/debtors/", "vip"), ("/api/v1/debtors/", "page"), ("/api/v1/debtors/", "page_size")]


@pytest.mark.parametrize("endpoint, name", READERS)
@settings(PROPERTY, max_examples=30)
@given(data=st.data())
def test_any_string_in_a_query_parameter_gets_a_2xx_or_a_shaped_4xx(api, case, endpoint, name, data):
    value = data.draw(st.one_of(NEAR_VALID[name], any_text), label=name)
    response = api.get(endpoint.format(case=case.pk), {name: value})
    assert_json_2xx_or_shaped_4xx(response)
    if response.status_code == 400:
        assert response.json()["detail"] == {name: value if len(value) <= 100 else value[:100] + "…"}


@PROPERTY
@given(endpoint=st.sampled_from(ENDPOINTS), params=query_params())
def test_any_mix_of_query_parameters_on_any_endpoint_gets_a_2xx_or_a_shaped_4xx(api, case, endpoint, params):
    response = api.get(endpoint.format(case=case.pk, debtor=case.debtor_id), params)
    assert_json_2xx_or_shaped_4xx(response)


def _patch(api, debtor_id, body: bytes | str, content_type="application/json"):
    before = api.get(f"/api/v1/debtors/{debtor_id}/").json()
    response = api.patch(f"/api/v1/debtors/{debtor_id}/", body, content_type=content_type)
    assert_json_2xx_or_shaped_4xx(response)
    if response.status_code >= 400:
        assert api.get(f"/api/v1/debtors/{debtor_id}/").json() == before  # nothing half-stored
    else:
        assert response.json()["id"] == debtor_id


@settings(PROPERTY, max_examples=80)
@given(body=patch_bodies)
def test_any_json_in_a_patch_gets_a_2xx_or_a_shaped_4xx_and_a_refusal_changes_nothing(api, case, body):
    _patch(api, case.debtor_id, json.dumps(body))


@settings(PROPERTY, max_examples=80)
@given(body=st.one_of(st.binary(max_size=200), st.text(max_size=50).map(lambda s: s.encode("utf-8", "replace"))),
       content_type=st.one_of(
           st.sampled_from(["application/json", "application/json; charset=utf-8", "application/json; charset=latin-1",
                            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""]),
           st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30).map(
               lambda s: f"application/json; charset={s}")))
def test_any_bytes_as_a_patch_body_get_a_2xx_or_a_shaped_4xx(api, case, body, content_type):
    _patch(api, case.debtor_id, body, content_type)


@pytest.mark.parametrize("body", ["[" * 100_000, "{\"vip\":" * 50_000, "[" * 100_000 + "]" * 100_000])
def test_deep_bodies_are_refused_in_the_shape(api, case, body):
    _patch(api, case.debtor_id, body)
