"""A large ledger file is previewed by a worker: the page shows its progress, then the same
preview a small file gets in the request, and nothing is stored before the user confirms."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cases.models import Case
from core.tenancy import creditor_scope
from creditors.models import Role
from intake import service
from intake.tasks import preview_staged_ledger
from intake.uploads import StagedUpload
from portal import ledger_views
from portal.ledger_texts import failure_text
from tests.portal.members import sign_in

DAY = datetime.date.today()
INVOICED, DUE = (DAY - datetime.timedelta(days=60)).isoformat(), (DAY - datetime.timedelta(days=30)).isoformat()
HEADER = "Kundnummer;Namn;Kundtyp;Personnummer;Fakturanummer;Fakturadatum;Förfallodatum;Belopp\n"
FILE = HEADER + "".join([
    f"00042;Anna Andersson;privatperson;19811218-9876;F1001;{INVOICED};{DUE};1250,00\n",
    f"00042;Anna Andersson;privatperson;19811218-9876;F1002;{INVOICED};{DUE};300,50\n",
    f"0007;Byggbolaget AB;företag;556703-7485;F1003;{INVOICED};{DUE};12 500,00\n",
    f"0008;Trasig Rad AB;företag;556036-0793;F1004;{INVOICED};{DUE};12,5x\n",  # line 5
])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def queued(monkeypatch):
    """Every file is large, and the preview task waits for a worker (the test runs it)."""
    monkeypatch.setattr(ledger_views, "PREVIEW_INLINE_BYTES", 100)
    tasks = []
    monkeypatch.setattr(preview_staged_ledger, "delay", lambda **task: tasks.append(task))
    return tasks


def cases(creditor) -> int:
    with creditor_scope(creditor):
        return Case.objects.count()


def upload(browser, text: str):
    return browser.post("/ledger/preview", {"file": SimpleUploadedFile("stor.csv", text.encode())})


def test_a_large_file_is_previewed_by_a_worker_then_imported_when_confirmed(client, creditor, queued, monkeypatch):
    browser = sign_in(client, creditor, Role.STAFF)
    answer = upload(browser, FILE)
    assert answer.status_code == 302 and answer["Location"].startswith("/ledger/preview/")
    page = browser.get(answer["Location"]).content.decode()
    assert "Läser filen…" in page and f'hx-get="{answer["Location"]}" hx-trigger="every 2s"' in page
    assert cases(creditor) == 0
    monkeypatch.setattr(service, "CHUNK", 1)
    [task] = queued
    preview_staged_ledger(**task)
    assert browser.get(answer["Location"], headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    preview = browser.get(answer["Location"])
    text = preview.content.decode()
    report = preview.context["report"]
    assert (report.rows, report.created, report.rejected) == (4, 3, 1)
    assert ('<td class="num">5</td><td>Belopp</td><td class="mono">12,5x</td>'
            '<td>är inte ett belopp: skriv till exempel 1 234,50</td>') in text
    assert cases(creditor) == 0  # the dry run stored nothing
    preview_staged_ledger(**task)  # delivered twice: the preview is not run again
    assert browser.get(answer["Location"]).context["report"].rows == 4
    token = preview.context["upload"].token
    done = browser.post("/ledger/confirm", {"token": token, "skip_invalid": "yes"}, follow=True).content.decode()
    assert "stor.csv är importerad: 3 nya, 0 uppdaterade, 0 oförändrade, 1 avvisade." in done
    assert cases(creditor) == 3
    assert browser.get(answer["Location"]).status_code == 404  # imported: the upload is gone


def test_a_large_file_that_cannot_be_read_says_why_and_keeps_nothing(client, creditor, queued, media):
    browser = sign_in(client, creditor, Role.STAFF)
    location = upload(browser, FILE.replace("Belopp", "Summa"))["Location"]
    [task] = queued
    preview_staged_ledger(**task)
    page = browser.get(location).content.decode()
    assert 'role="alert"' in page and "Filen kunde inte läsas:" in page and "amount" in page
    assert "hx-trigger" not in page
    token = location.rsplit("/", 1)[1]
    assert not (media / "ledger-uploads" / str(creditor.pk) / token).exists()  # the bytes are gone
    assert cases(creditor) == 0


def test_only_the_uploader_sees_a_preview(client, creditor, other_creditor, queued):
    location = upload(sign_in(client, creditor, Role.STAFF), FILE)["Location"]
    client.logout()
    assert sign_in(client, creditor, Role.ADMIN, email="chef@acme.se").get(location).status_code == 404
    client.logout()
    assert sign_in(client, other_creditor, Role.ADMIN, email="chef@other.se").get(location).status_code == 404


def test_a_workers_failure_is_said_in_the_readers_language(creditor):
    failed = StagedUpload(creditor.pk, "x" * 43, {"failure": "rejected", "rejected": 1200, "rows": 50000})
    with translation.override("sv"):
        assert failure_text(failed) == "1\u00a0200 av 50\u00a0000 rader avvisades; inget importerades."
    with translation.override("en"):
        assert failure_text(failed) == "1\u00a0200 of 50\u00a0000 rows were rejected; nothing was imported."
