#!/usr/bin/env python3
"""Fordra's two commands, needing nothing but Python 3.11+.

    python3 dev.py up     set up .venv, migrate, seed the demo, serve http://127.0.0.1:8000/
    python3 dev.py test   set up .venv and run the whole test suite (extra args go to pytest)
    python3 dev.py requirements [--production]   print the dependencies, one a line (for images)

The virtual environment is (re)installed whenever pyproject.toml's dependencies change.
"""
import hashlib
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / "fordra-dependencies.sha256"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def requirements(*, production: bool = False) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + ([] if production else project["optional-dependencies"]["dev"])


def ensure_venv() -> Path:
    if sys.version_info < (3, 11):
        sys.exit("Fordra needs Python 3.11 or newer.")
    wanted = requirements()
    digest = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
    if not venv_python().exists():
        print("Creating the virtual environment in .venv …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print("Installing Fordra's dependencies …", flush=True)
        subprocess.run([str(venv_python()), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        *wanted], check=True)
        STAMP.write_text(digest)
    return venv_python()


def manage(python: Path, *args: str) -> None:
    subprocess.run([str(python), str(ROOT / "manage.py"), *args], check=True, cwd=ROOT)


def slow_letters_note(python: Path) -> str:
    """The one line the letters app has for a machine without libharfbuzz-subset0 ('' on one with it)."""
    code = "from letters.apps import slow_subsetting_note; print(slow_subsetting_note())"
    result = subprocess.run([str(python), "-c", code], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip()


def up(python: Path, args: list[str]) -> int:
    note = slow_letters_note(python)
    if note:
        print(note, flush=True)
        os.environ["FORDRA_SLOW_SUBSETTING_NOTED"] = "1"  # the commands below need not say it again
    manage(python, "migrate", "--verbosity", "0")
    manage(python, "seed_demo")
    address = args[0] if args else "127.0.0.1:8000"
    print(f"\nFordra runs at http://{address}/ (Ctrl-C stops it). API docs: http://{address}/api/v1/docs/\n",
          flush=True)
    return subprocess.call([str(python), str(ROOT / "manage.py"), "runserver", address], cwd=ROOT)


def test(python: Path, args: list[str]) -> int:
    return subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT)


def main() -> int:
    command, *args = sys.argv[1:] or ["up"]
    if command == "requirements":
        print("\n".join(requirements(production="--production" in args)))
        return 0
    commands = {"up": up, "test": test}
    if command not in commands:
        print(__doc__)
        return 2
    try:
        return commands[command](ensure_venv(), args)
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
