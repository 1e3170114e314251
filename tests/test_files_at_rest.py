"""Files that hold personal data are the app's user's alone: a rendered letter, a print batch and its
manifest, a dispute document, a staged ledger file (0600), in folders only it can enter (0700), from
the media root down. Another account on the machine (a backup agent, a shell) reads none of them."""
import os
import stat
import sys
from pathlib import Path

import pytest
from django.conf import settings

from dunning.documents import dispute_document_add
from dunning.holds import case_dispute
from intake.uploads import StagedUpload
from letters.delivery import print_batch_build
from letters.rendering import letter_render
from tests.factories import make_case
from tests.letters.conftest import SENT_ON, make_letter

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes: Windows has ACLs instead")

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def claim_case(scoped):
    return make_case(scoped, amount="1200.00")


@pytest.fixture(autouse=True)
def permissive_umask():
    """A umask that would leave files readable by all (022 is the usual): the modes must not depend on it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def assert_owner_only(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o600, f"{path} is {oct(mode)}, not 0o600"
    root = Path(settings.MEDIA_ROOT)
    for folder in [path.parent, *path.parent.parents]:
        mode = stat.S_IMODE(folder.stat().st_mode)
        assert mode == 0o700, f"folder {folder} is {oct(mode)}, not 0o700"
        if folder == root:
            break
    else:
        raise AssertionError(f"{path} is not under the media root {root}")


def test_a_rendered_letter_and_its_print_batch_are_the_owners_alone(scoped, claim_case):
    letter = letter_render(letter_id=make_letter(claim_case).pk)
    assert_owner_only(Path(letter.pdf.path))
    batch = print_batch_build(creditor=scoped, day=SENT_ON)
    assert_owner_only(Path(batch.pdf.path))
    assert_owner_only(Path(batch.manifest.path))


def test_a_dispute_document_is_the_owners_alone(scoped, claim_case, today):
    case_dispute(case=claim_case, on=today, text="Fel belopp")
    document = dispute_document_add(case=claim_case, name="kvitto.pdf", data=PDF)
    assert_owner_only(Path(document.file.path))


def test_a_staged_ledger_file_is_the_owners_alone(scoped, django_user_model):
    user = django_user_model.objects.create(username="staff@acme.se")
    upload = StagedUpload.stage(creditor_id=scoped.pk, user_id=user.pk, name="ledger.csv", data=b"a;b\n1;2\n",
                                rows=1, rejected=0)
    files = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert files, "the upload wrote nothing under the media root"
    for path in files:
        assert_owner_only(path)
    assert upload.token
