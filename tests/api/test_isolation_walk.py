"""Every API route, walked from the URLconf: another creditor's id answers exactly as a missing
one (the same 404 body), for every method the route takes, and nothing of theirs changes; a
read-only key is refused (403) on every unsafe route and changes nothing.

A route added later is walked too; one whose path this test does not know how to fill fails
the test, so that whoever adds it says which object it names.
"""
import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from cases.models import Case, CaseEvent, Payment
from core.tenancy import creditor_scope
from creditors.models import ApiScopes
from dunning.balances import case_letter_record
from dunning.documents import dispute_document_add
from dunning.models import PolicyStep
from letters.models import Letter, LetterKind
from payments.services import payment_register
from tests.api.test_dispute_document import PDF
from tests.api.test_scopes import key
from tests.factories import make_case
from webhooks.models import WebhookEndpoint
from webhooks.outbox import emit
from webhooks.services import endpoint_create

MISSING = 999_999
# A plausible body per route, the same for their id and a missing one.
BODIES = {"case-pause": {"reason": "x"}, "case-dispute": {"text": "x"}, "debtor-detail": {"vip": True},
          "policy-detail": {"steps": []}}


def api_routes(patterns=None, prefix=""):
    """(path template, pattern) of every route under /api/v1/."""
    if patterns is None:
        [api] = [p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/"]
        return api_routes(api.url_patterns, "/api/v1/")
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            found += api_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            found.append(pattern)
    return found


def methods(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    if getattr(callback, "actions", None):
        return sorted(set(callback.actions) - {"head", "options"})  # safe, and answered as GET is
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    return sorted(m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m))


def resource(pattern: URLPattern) -> str:
    return pattern.pattern.regex.pattern.lstrip("^").split("/")[0]


def url(pattern: URLPattern, ids: dict) -> str:
    """The route's path with its keywords filled from `ids` (by resource for `pk`)."""
    regex = pattern.pattern.regex
    values = {}
    for name in regex.groupindex:
        if name == "pk":
            values[name] = ids[resource(pattern)]
        elif name in ids:
            values[name] = ids[name]
        elif name == "category":
            values[name] = "normal"
        else:
            raise AssertionError(f"{pattern.name}: the walk does not know what {name!r} names; teach it")
    path = re.sub(r"\\(.)", r"\1", regex.pattern.lstrip("^").rstrip("$").replace("\\Z", ""))  # `\-`, `\.` as sent
    for name, value in values.items():
        start = path.index(f"(?P<{name}>")
        depth, end = 0, start
        for end in range(start, len(path)):
            depth += {"(": 1, ")": -1}.get(path[end], 0)
            if depth == 0:
                break
        path = path[:start] + str(value) + path[end + 1:]
    return "/api/v1/" + path


@pytest.fixture
def theirs(other_creditor, settings, tmp_path) -> dict:
    settings.MEDIA_ROOT = tmp_path / "media"
    case = make_case(other_creditor, amount="800.00")
    with creditor_scope(other_creditor):
        today = timezone.localdate()
        letter = Letter.objects.create(**case_letter_record(case=case, kind=LetterKind.REMINDER, sent_on=today,
                                                            deadline=today))
        payment = payment_register(case=case, amount="100.00", paid_on=today)
        endpoint, _secret = endpoint_create(creditor=other_creditor, url="https://93.184.216.34/hook",
                                            events=["case.closed"])
        event_id = emit(creditor_id=other_creditor.pk, type="case.closed", data={"case": case.pk})
        document = dispute_document_add(case=case, name="deras.pdf", data=PDF)
    return {"cases": case.pk, "debtors": case.debtor_id, "letters": letter.pk, "payments": payment.pk,
            "webhooks": endpoint.pk, "event_id": event_id, "document_id": document.pk}


def their_state(creditor):
    with creditor_scope(creditor):
        return (list(Case.objects.values_list("pk", "stage", "next_step_on")), CaseEvent.objects.count(),
                Payment.objects.count(), list(PolicyStep.objects.values_list("pk", "offset_days")),
                list(WebhookEndpoint.objects.values_list("pk", "url", "active", "secret_encrypted")))


def call(api, method, path, body):
    if method == "get":
        return api.get(path)
    return getattr(api, method)(path, json.dumps(body), content_type="application/json")


def test_every_route_with_an_id_answers_another_creditors_like_a_missing_one(api, other_creditor, theirs):
    before = their_state(other_creditor)
    walked = []
    for pattern in api_routes():
        if not (set(pattern.pattern.regex.groupindex) - {"category", "format"}):
            continue
        theirs_path, missing_path = url(pattern, theirs), url(pattern, dict.fromkeys(theirs, MISSING))
        for method in methods(pattern):
            body = BODIES.get(pattern.name, {})
            answer, missing = call(api, method, theirs_path, body), call(api, method, missing_path, body)
            assert answer.status_code == 404, f"{method.upper()} {theirs_path}: {answer.status_code}"
            assert answer.json() == missing.json(), f"{method.upper()} {theirs_path}"
            walked.append(f"{method.upper()} {pattern.name}")
    assert {"GET case-detail", "POST case-pause", "POST case-resume", "POST case-withdraw", "POST case-dispute",
            "GET debtor-detail", "PATCH debtor-detail", "GET payment-detail", "GET letter-pdf",
            "GET case-documents", "GET case-document", "POST webhook-rotate-secret"} <= set(walked)
    assert their_state(other_creditor) == before


def test_a_read_only_key_is_refused_on_every_unsafe_route_and_changes_nothing(creditor, other_creditor):
    case = make_case(creditor, amount="800.00")
    ids = {"cases": case.pk, "debtors": case.debtor_id, "letters": MISSING, "payments": MISSING,
           "webhooks": MISSING, "event_id": MISSING, "document_id": MISSING}
    reader, _client = key(creditor, ApiScopes.READ, name="Reader")
    before = their_state(creditor)
    refused = []
    for pattern in api_routes():
        path = url(pattern, ids)
        for method in set(methods(pattern)) - {"get"}:
            response = call(reader, method, path, BODIES.get(pattern.name, {}))
            assert response.status_code == 403, f"{method.upper()} {path}: {response.status_code}"
            assert response.json()["code"] == "permission_denied"
            refused.append(f"{method.upper()} {pattern.name}")
    assert {"POST invoices", "POST payment-list", "POST case-pause", "PUT policy-detail",
            "PATCH debtor-detail", "POST webhook-rotate-secret"} <= set(refused)
    assert their_state(creditor) == before
