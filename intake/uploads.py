"""A ledger file uploaded in the portal: where it waits between preview and import
(`intake.tasks.preview_staged_ledger` previews a large one, `import_staged_ledger` imports it).

The portal previews a file (a dry run) and imports the same bytes once the user confirms,
so the bytes never travel back through the browser, where they could be swapped. They wait
under MEDIA_ROOT/ledger-uploads/<creditor id>/<token>, readable by Fordra's own user only,
named by a random token; beside them `<token>.json` says who uploaded them and, once a
worker imports them, how far it got. The web process and the worker share MEDIA_ROOT
already (letters' PDFs). Progress cannot live in the database: the import's transaction
hides everything it writes until it commits.
"""
import datetime
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FOLDER = "ledger-uploads"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)
# A preview not confirmed within this is refused (the stored rows may have changed since).
CONFIRM_WITHIN = datetime.timedelta(hours=2)
# What is left of an upload (a finished import's status, a crashed worker's) goes after this.
KEPT_FOR = datetime.timedelta(hours=24)


class State:
    ANALYSING = "analysing"  # a large file: a worker is previewing it (the dry run)
    STAGED = "staged"  # previewed, waits for the user's confirmation
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    PENDING = (QUEUED, RUNNING, FAILED)  # what the import history shows above the imports


def _folder(creditor_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / FOLDER / str(int(creditor_id))


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` as the owner's alone (0600), atomically: a reader sees the old
    file or the new one, never half of it."""
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(data)
    os.replace(partial, path)


@dataclass
class StagedUpload:
    """One uploaded ledger file and its status, found by creditor and token."""

    creditor_id: int
    token: str
    meta: dict

    @classmethod
    def stage(cls, *, creditor_id: int, user_id: int, name: str, data: bytes, rows: int, rejected: int,
              who: str = "", state: str = State.STAGED) -> "StagedUpload":
        folder = _folder(creditor_id)
        # Each missing folder, the media root too, as the storage makes them (FILE_UPLOAD_DIRECTORY_PERMISSIONS):
        # mkdir(parents=True) would make the parents by the umask, readable by all.
        for each in [*reversed(folder.parents[:2]), folder]:
            each.mkdir(mode=0o700, exist_ok=True)
        folder.parent.chmod(0o700)
        folder.chmod(0o700)
        _sweep(folder)
        upload = cls(creditor_id, secrets.token_urlsafe(32), {
            "user_id": user_id, "who": who, "name": name, "rows": rows, "rejected": rejected, "state": state,
            "staged_at": time.time()})
        _write_private(upload._bytes, data)
        upload.update()
        return upload

    @classmethod
    def find(cls, *, creditor_id: int, token: str, user_id: int | None = None) -> "StagedUpload | None":
        """The creditor's upload `token` (and `user_id`'s, if given); None for any other."""
        if not isinstance(token, str) or not TOKEN.fullmatch(token):
            return None  # also keeps a token from naming a path outside the folder
        try:
            meta = json.loads((_folder(creditor_id) / f"{token}.json").read_text())
        except (OSError, ValueError):
            return None
        if user_id is not None and meta.get("user_id") != user_id:
            return None
        return cls(creditor_id, token, meta)

    @classmethod
    def pending(cls, *, creditor_id: int) -> list["StagedUpload"]:
        """The creditor's imports queued, running or failed, newest first."""
        found = []
        for path in _folder(creditor_id).glob("*.json"):
            upload = cls.find(creditor_id=creditor_id, token=path.stem)
            if upload is not None and upload.state in State.PENDING:
                found.append(upload)
        return sorted(found, key=lambda upload: -upload.meta["staged_at"])

    @property
    def _bytes(self) -> Path:
        return _folder(self.creditor_id) / self.token

    @property
    def state(self) -> str:
        return self.meta["state"]

    @property
    def name(self) -> str:
        return self.meta["name"]

    @property
    def expired(self) -> bool:
        return time.time() - self.meta["staged_at"] > CONFIRM_WITHIN.total_seconds()

    @property
    def staged_at(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self.meta["staged_at"], tz=datetime.UTC)

    def data(self) -> bytes:
        return self._bytes.read_bytes()

    def update(self, **changes) -> None:
        self.meta.update(changes)
        _write_private(self._bytes.with_name(f"{self.token}.json"), json.dumps(self.meta).encode())

    def claim(self) -> bool:
        """True for the first caller only: two clicks on "import" import the file once."""
        try:
            os.close(os.open(self._bytes.with_name(f"{self.token}.claimed"), os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            return False
        return True

    def discard_data(self) -> None:
        """Delete the file's bytes; the status stays for the history to show until swept."""
        self._bytes.unlink(missing_ok=True)

    def remove(self) -> None:
        for suffix in ("", ".json", ".claimed"):
            self._bytes.with_name(self.token + suffix).unlink(missing_ok=True)


def _sweep(folder: Path) -> None:
    """Delete what an upload left behind longer ago than KEPT_FOR (unconfirmed previews,
    finished imports' statuses, a crashed worker's): each new upload tidies its creditor's folder."""
    limit = time.time() - KEPT_FOR.total_seconds()
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:
            pass  # another request swept it first
