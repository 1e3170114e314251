"""The portal's dispute with a document the checks refuse stores nothing of the dispute either."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, CaseEvent
from cases.stages import Stage
from core.tenancy import creditor_scope
from creditors.models import Role
from dunning.models import DisputeDocument, QueueItem
from tests.factories import make_case
from tests.portal.members import sign_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_refused_document_leaves_the_case_as_it_was(client, creditor):
    case = make_case(creditor)
    browser = sign_in(client, creditor, Role.STAFF)
    page = browser.post(f"/cases/{case.pk}/dispute", {
        "text": "Varorna kom aldrig", "document": SimpleUploadedFile("följesedel.pdf", b"GIF89a" + b"\0" * 64)},
        follow=True).content.decode()
    assert "Inget sparades" in page and 'role="alert"' in page
    with creditor_scope(creditor):
        assert Case.objects.get(pk=case.pk).stage == Stage.REMINDER
        assert not QueueItem.objects.filter(case=case).exists()
        assert not DisputeDocument.objects.exists()
        assert not CaseEvent.objects.filter(case=case, code__startswith="dunning.dispute").exists()
