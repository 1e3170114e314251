import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_scopes import scopes_disabled

from core.tenancy import creditor_scope
from creditors.models import ApiClient, Creditor, Membership, Role
from debtors.models import Category
from dunning.defaults import DEFAULT_LADDERS
from dunning.models import Policy, PolicyStep

ROOT = Path(__file__).resolve().parents[2]


def create(*args):
    from io import StringIO

    out = StringIO()
    call_command("create_creditor", *args, stdout=out)
    return out.getvalue().strip()


def test_create_creditor_prints_its_id_and_gives_it_the_default_ladders(db):
    printed = create("acme", "--name", "Acme AB", "--org-number", "5567037485", "--bankgiro", "50501055",
                     "--admin-email", "Boss@Acme.se")
    creditor = Creditor.objects.get(slug="acme")
    assert printed == str(creditor.pk)
    assert (creditor.org_number, creditor.bankgiro) == ("556703-7485", "5050-1055")
    with creditor_scope(creditor):
        assert set(Policy.objects.values_list("category", flat=True)) == set(Category.values)
        for category, ladder in DEFAULT_LADDERS.items():
            actions = list(PolicyStep.objects.filter(policy__category=category).values_list("action", flat=True))
            assert actions == [step[0] for step in ladder]
        membership = Membership.objects.get()
        assert (membership.user.username, membership.role) == ("boss@acme.se", Role.ADMIN)


@pytest.mark.parametrize("args, message", [
    (["--org-number", "556703-7486"], "wrong check digit"),
    (["--org-number", "12345"], "10 digits"),
    (["--org-number", "556703-7485", "--bankgiro", "5050-1056"], "bankgiro"),
])
def test_malformed_numbers_are_refused_and_nothing_is_created(db, args, message):
    with pytest.raises(CommandError, match=message):
        create("acme", "--name", "Acme AB", *args)
    assert not Creditor.objects.exists()
    with scopes_disabled():
        assert not Policy.objects.exists()


def test_duplicate_slug_is_refused(db):
    create("acme", "--name", "Acme AB", "--org-number", "556703-7485")
    with pytest.raises(CommandError, match="already exists"):
        create("acme", "--name", "Acme Two AB", "--org-number", "556036-0793")
    assert Creditor.objects.get().name == "Acme AB"


def test_command_line_error_is_one_line_with_exit_status_1(tmp_path):
    env = {"FORDRA_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "create_creditor", "acme", "--name", "A", "--org-number", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["CommandError: organisation number '1' must have 10 digits (NNNNNN-NNNN)"]


def test_api_client_token_is_printed_once_and_authenticates(creditor):
    from io import StringIO

    out = StringIO()
    call_command("create_api_client", "--creditor", "acme", "--name", "ERP", stdout=out)
    token = out.getvalue().strip()
    with creditor_scope(creditor):
        client = ApiClient.objects.get()
    assert token not in (client.token_hash, client.token_prefix) and token.startswith(client.token_prefix)
    response = Client().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    with pytest.raises(CommandError, match="already has"):
        call_command("create_api_client", "--creditor", "acme", "--name", "ERP", stdout=StringIO())
    with pytest.raises(CommandError, match="no creditor"):
        call_command("create_api_client", "--creditor", "nobody", "--name", "ERP", stdout=StringIO())
