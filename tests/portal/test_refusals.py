"""The portal says a service's refusal in the page's language: every reason the ledger importer
can give has its words here, and a conflict with a stored invoice is shown in them."""
import ast
import datetime
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from core.tenancy import creditor_scope
from creditors.models import Role
from intake.service import ledger_import
from portal.ledger_texts import REASONS
from tests.portal.members import sign_in

ROOT = Path(__file__).resolve().parents[2]
DAY = datetime.date.today()
INVOICED, DUE = (DAY - datetime.timedelta(days=60)).isoformat(), (DAY - datetime.timedelta(days=30)).isoformat()
HEADER = "Kundnummer;Namn;Kundtyp;Fakturanummer;Fakturadatum;Förfallodatum;Belopp\n"


def _reason_codes(path: Path):
    """(line, code or None) of each Problem(...) and RowError(...) built in the module: the code is
    the fifth positional argument of a Problem, the fourth of a RowError, or `code=`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Problem", "RowError"):
            at = 4 if node.func.id == "Problem" else 3
            code = node.args[at] if len(node.args) > at else next(
                (k.value for k in node.keywords if k.arg == "code"), None)
            yield node.lineno, code


def test_every_reason_the_importer_gives_has_words_in_the_portal():
    modules = [ROOT / "intake" / "rows.py", ROOT / "intake" / "checks.py", ROOT / "core" / "filereport.py"]
    found = []
    for module in modules:
        for line, code in _reason_codes(module):
            if isinstance(code, ast.Name) and code.id == "code":  # a class's own field, passed on
                continue
            where = f"{module.relative_to(ROOT)}:{line}"
            assert isinstance(code, ast.Constant), f"{where} gives its reason no code"
            assert code.value in REASONS, f"{where}: code {code.value!r} has no words in portal/ledger_texts.py"
            found.append(code.value)
    assert {"invoice_handed_over", "open_amount_rose", "credited_unknown"} <= set(found)


def test_a_row_that_changes_a_handed_over_invoice_is_refused_in_swedish(client, creditor):
    good = HEADER + f"00042;Anna Andersson;privatperson;F1001;{INVOICED};{DUE};1250,00\n"
    with creditor_scope(creditor):
        ledger_import(creditor=creditor, data=good.encode(), name="first.csv")
    browser = sign_in(client, creditor, Role.STAFF)
    changed = good.replace("1250,00", "1350,00")
    page = browser.post("/ledger/preview", {"file": SimpleUploadedFile("again.csv", changed.encode())}
                        ).content.decode().replace("\xa0", " ")
    assert ('<td class="num">2</td><td>Belopp</td><td class="mono">1 350,00</td><td>faktura F1001 lämnades över '
            'med 1 250,00 här; en överlämnad faktura ändras inte (skicka en kreditnota i stället)</td>') in page
