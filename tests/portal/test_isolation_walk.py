"""Every portal route that names an object, walked from the URLconf with another creditor's
ids: the same answer as an id that does not exist, for GET and for POST (404 for the method
the route takes; a POST-only route answers both a GET with 405), and nothing of theirs changes.

A route added later is walked too; one whose id this test does not know how to fill fails
the test, so that whoever adds it says which object it names.
"""
import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from cases.models import CaseEvent, Payment
from core.tenancy import creditor_scope
from creditors.models import ApiClient, Membership, Role
from creditors.services import api_client_create, membership_add
from dunning.balances import case_letter_record
from dunning.documents import dispute_document_add
from dunning.holds import case_dispute
from dunning.models import DisputeDocument, QueueItem
from letters.models import Letter, LetterKind
from payments.services import payment_register
from tests.factories import make_case
from tests.portal.members import sign_in_user
from webhooks.models import WebhookDelivery
from webhooks.outbox import emit
from webhooks.services import endpoint_create

PASSWORD = "a-long-demo-password"
MISSING = 999_999
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def portal_routes() -> list[URLPattern]:
    return [pattern for pattern in get_resolver().url_patterns if getattr(pattern, "app_name", None) == "portal"
            for pattern in pattern.url_patterns]


def id_names(pattern: URLPattern) -> list[str]:
    return [name for name in pattern.pattern.regex.groupindex if name.endswith("_id")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def theirs(other_creditor) -> dict:
    """One of each object another creditor has, by the URL keyword that names it."""
    case = make_case(other_creditor, amount="800.00")
    with creditor_scope(other_creditor):
        today = timezone.localdate()
        letter = Letter.objects.create(**case_letter_record(case=case, kind=LetterKind.REMINDER, sent_on=today,
                                                            deadline=today))
        case_dispute(case=case, on=today, text="Fel")
        document = dispute_document_add(case=case, name="a.pdf", data=PDF)
        item = QueueItem.objects.get(case=case)
        payment = payment_register(case=case, amount="100.00", paid_on=today)
        # Their only admin, and a live key: a forged role change, removal or revocation would show.
        membership = membership_add(creditor=other_creditor, email="boss@other.se", role=Role.ADMIN)
        api_key, _token = api_client_create(creditor=other_creditor, name="ERP")
        # An address literal: the SSRF guard resolves it without asking DNS.
        endpoint, _secret = endpoint_create(creditor=other_creditor, url="https://93.184.216.34/hook",
                                            events=["case.closed"])
        event_id = emit(creditor_id=other_creditor.pk, type="case.closed", data={"case": case.pk})
    # A filing is the agency's page only (404 to any creditor's member): a missing id stands in.
    return {"case_id": case.pk, "debtor_id": case.debtor_id, "letter_id": letter.pk, "document_id": document.pk,
            "item_id": item.pk, "payment_id": payment.pk, "filing_id": MISSING, "membership_id": membership.pk,
            "api_key_id": api_key.pk, "endpoint_id": endpoint.pk, "event_id": event_id}


def kwargs_for(pattern: URLPattern, ids: dict) -> dict:
    kwargs = {}
    for name in pattern.pattern.regex.groupindex:
        if name in ids:
            kwargs[name] = ids[name]
        elif name == "fmt":
            kwargs[name] = "pdf" if "application" in str(pattern.pattern) else "csv"
        elif name == "category":
            kwargs[name] = "normal"
        elif name == "token":
            kwargs[name] = "x" * 43
        else:
            raise AssertionError(f"{pattern.name}: the walk does not know what {name!r} names; teach it")
    return kwargs


def test_every_route_with_an_id_answers_another_creditors_like_a_missing_one(client, creditor, other_creditor,
                                                                             theirs):
    with creditor_scope(other_creditor):
        before = CaseEvent.objects.count(), Payment.objects.count(), DisputeDocument.objects.count()
        hooks = list(WebhookDelivery.objects.values_list("pk", "endpoint__url", "endpoint__active",
                                                         "endpoint__secret_encrypted"))
        people = list(Membership.objects.values_list("pk", "role")), list(ApiClient.objects.values_list("pk", "revoked_at"))
    with creditor_scope(creditor):
        admin = membership_add(creditor=creditor, email="admin@acme.se", role=Role.ADMIN, password=PASSWORD).user
    sign_in_user(client, admin)
    walked = []
    for pattern in portal_routes():
        if not id_names(pattern):
            continue
        theirs_url = reverse(f"portal:{pattern.name}", kwargs=kwargs_for(pattern, theirs))
        missing_url = reverse(f"portal:{pattern.name}", kwargs=kwargs_for(pattern, {name: MISSING for name in theirs}))
        answers = {}
        for method in ("get", "post"):
            answers[method] = getattr(client, method)(theirs_url).status_code
            missing = getattr(client, method)(missing_url).status_code
            assert answers[method] == missing, f"{method.upper()} {theirs_url}: {answers[method]}, missing: {missing}"
        assert 404 in answers.values() and set(answers.values()) <= {404, 405}, (pattern.name, answers)
        walked.append(pattern.name)
    assert {"case_detail", "case_letter_pdf", "case_pause", "case_document", "debtor_detail",
            "debtor_contact", "member_role", "member_remove", "api_key_revoke"} <= set(walked)
    assert {"webhook_detail", "webhook_delete", "webhook_replay", "webhook_rotate"} <= set(walked)
    with creditor_scope(other_creditor):
        assert (CaseEvent.objects.count(), Payment.objects.count(), DisputeDocument.objects.count()) == before
        assert list(WebhookDelivery.objects.values_list("pk", "endpoint__url", "endpoint__active",
                                                      "endpoint__secret_encrypted")) == hooks
        assert (list(Membership.objects.values_list("pk", "role")),
                list(ApiClient.objects.values_list("pk", "revoked_at"))) == people
