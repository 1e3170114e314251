"""Without libharfbuzz-subset0 letters render slowly: one clear line says so, not a warning per letter."""
import logging
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import weasyprint.pdf.fonts
from weasyprint.text import ffi

import dev
from letters import apps
from letters.models import LetterStatus
from letters.rendering import letter_render

from .conftest import make_letter


@pytest.fixture
def fresh_detection():
    apps.font_subsetting_is_slow.cache_clear()
    yield
    apps.font_subsetting_is_slow.cache_clear()


@pytest.fixture
def one_line(monkeypatch):
    """The app's filter on WeasyPrint's logger, as a process that has not warned yet has it."""
    weasyprint_logger = logging.getLogger("weasyprint")
    installed = [f for f in weasyprint_logger.filters if isinstance(f, apps.OneSlowSubsettingLine)]
    assert len(installed) == 1  # installed at start-up, once
    monkeypatch.setattr(installed[0], "said", False)
    return installed[0]


@pytest.fixture
def no_harfbuzz_subset(monkeypatch, fresh_detection):
    """The library missing, as WeasyPrint sees it: its font code falls back to fontTools."""
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.setattr(ffi, "harfbuzz_subset", None)


def warnings_logged(caplog) -> list[tuple[str, str]]:
    return [(record.name, record.getMessage()) for record in caplog.records if record.levelno >= logging.WARNING]


def test_letters_without_the_library_log_one_line_for_the_process(claim_case, no_harfbuzz_subset, one_line, caplog):
    caplog.set_level(logging.WARNING)
    for _ in range(3):
        assert letter_render(letter_id=make_letter(claim_case).pk).status == LetterStatus.RENDERED
    assert warnings_logged(caplog) == [("letters", apps.SLOW_SUBSETTING)]
    assert "apt-get install libharfbuzz-subset0" in apps.SLOW_SUBSETTING and "six times slower" in apps.SLOW_SUBSETTING


def test_no_line_at_all_where_dev_py_said_it(claim_case, no_harfbuzz_subset, monkeypatch, caplog):
    monkeypatch.setenv(apps.SLOW_SUBSETTING_NOTED, "1")
    weasyprint_logger = logging.getLogger("weasyprint")
    started_by_dev_py = [f for f in weasyprint_logger.filters if not isinstance(f, apps.OneSlowSubsettingLine)]
    monkeypatch.setattr(weasyprint_logger, "filters", [*started_by_dev_py, apps.OneSlowSubsettingLine()])
    caplog.set_level(logging.WARNING)
    assert letter_render(letter_id=make_letter(claim_case).pk).status == LetterStatus.RENDERED
    assert warnings_logged(caplog) == []


@pytest.mark.parametrize("subset_library, harfbuzz_4_1, slow", [
    (None, True, True),
    (object(), False, True),  # WeasyPrint needs HarfBuzz 4.1 to subset with it
    (object(), True, False),
])
def test_the_detection_is_weasyprint_s_own_test(monkeypatch, fresh_detection, subset_library, harfbuzz_4_1, slow):
    monkeypatch.setattr(ffi, "harfbuzz_subset", subset_library)
    monkeypatch.setattr(ffi, "harfbuzz", SimpleNamespace(hb_version_atleast=lambda *version: harfbuzz_4_1))
    assert apps.slow_subsetting_note() == (apps.SLOW_SUBSETTING if slow else "")


def test_dev_py_asks_the_virtualenv_what_the_app_detects(fresh_detection):
    assert dev.slow_letters_note(Path(sys.executable)) == apps.slow_subsetting_note()


def test_dev_py_up_prints_the_line_once_and_its_commands_stay_quiet(monkeypatch, capsys):
    monkeypatch.setenv(apps.SLOW_SUBSETTING_NOTED, "")
    monkeypatch.setattr(dev, "slow_letters_note", lambda python: apps.SLOW_SUBSETTING)
    commands = []
    monkeypatch.setattr(dev, "manage", lambda python, *args: commands.append(args))
    monkeypatch.setattr(dev.subprocess, "call", lambda *args, **kwargs: 0)
    assert dev.up(Path(sys.executable), []) == 0
    assert capsys.readouterr().out.splitlines()[0] == apps.SLOW_SUBSETTING
    assert commands == [("migrate", "--verbosity", "0"), ("seed_demo",)]
    assert dev.os.environ[apps.SLOW_SUBSETTING_NOTED] == "1"  # inherited by migrate, seed_demo and runserver
