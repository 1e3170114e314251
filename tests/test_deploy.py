"""Production settings: `check --deploy` reports nothing, and missing secrets stop start-up."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k9#xW2!pQ7@vL4$zR8^mN1&bT6*yH3(cJ5)fG0_dS-aE+uI=oP[lK]jZ{xC}vB|nM",
    "ALLOWED_HOSTS": "fordra.example.se",
}


def manage(*args, env):
    full_env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}, **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True)


def test_check_deploy_reports_nothing(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env={**PRODUCTION, "FORDRA_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "SECRET_KEY": "", "FORDRA_VAR_DIR": str(tmp_path)}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = {**PRODUCTION, "ALLOWED_HOSTS": "", "FORDRA_VAR_DIR": str(tmp_path)}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must name" in result.stderr


@pytest.mark.parametrize("key, says", [
    ("x" * 49, "at least 50 characters, not 49"),
    ("ab" * 40, "fewer than 5 different characters"),
    ("django-insecure-" + "k9#xW2!pQ7@vL4$zR8^mN1&bT6*yH3(cJ5)fG0_dS-aE+uI=oP", "a development key"),
    ("insecure-local-key-only-for-the-embedded-default" + "-2x", "a development key"),
])
def test_production_refuses_a_guessable_secret_key(tmp_path, key, says):
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": key, "FORDRA_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert says in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr
