"""One writer at a time in a results folder: an advisory lock on ``FOLDER/.lock``.

Two sweeps on one folder would both plan the same runs and number their parts alike, so rows
would be duplicated or a part replaced by another's. The lock is ``fcntl.flock`` on a file that
names its holder (pid, host, start time), so a second writer is refused with a line naming it. The
kernel releases a flock when its holder dies, even by SIGKILL, so a lock file left by a dead
process is simply taken over; worker processes drop their inherited copy of the descriptor
(:mod:`.workers`), so an orphaned worker cannot keep a dead sweep's lock. The file is removed on
release; a writer that locked a file that was removed meanwhile tries again on the new one.
``check_free`` lets a command that looks at the folder before writing (``sweep``'s --out check)
see a running writer without taking its lock; a writer meeting that momentary, nameless probe
waits for it instead of reporting a holder.

Where ``fcntl`` does not exist (Windows) no lock is taken.
"""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from . import workers

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

LOCK_NAME = ".lock"


class FolderBusy(ValueError):
    """Another process writes to this results folder (the message names it)."""


class FolderLock:
    """``with FolderLock(folder):`` holds the folder's lock, or raises :class:`FolderBusy` at once."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> FolderLock:
        if fcntl is None:
            return self
        self.folder.mkdir(parents=True, exist_ok=True)
        for _ in range(100):  # another writer may remove the file between our open and lock
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _lock_or_wait_for_a_name(fd)
            except BlockingIOError:
                holder = _read(fd)
                os.close(fd)
                raise _busy(self.folder, holder) from None
            except BaseException:
                os.close(fd)
                raise
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)  # we locked a file its holder removed on release: lock the current one
        else:  # pragma: no cover - a hundred releases in a row
            raise FolderBusy(f"{self.folder}: the results lock keeps changing hands; try again")
        record = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        self._fd = fd
        workers.parent_only(fd)
        return self

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        workers.parent_only(fd, False)
        try:
            self.path.unlink(missing_ok=True)  # while still held: a waiting writer re-checks the inode
        finally:
            os.close(fd)  # closing releases the lock

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


NAMELESS_WAIT = 0.5  # seconds a nameless holder gets to write its name (or a probe to let go)


def _lock_or_wait_for_a_name(fd: int) -> None:
    """Lock ``fd`` exclusively, or raise BlockingIOError if a writer holds it. A writer names
    itself right after locking; a holder without a name is a writer that has not yet written it or
    another command's momentary probe (:func:`check_free`), so it is given ``NAMELESS_WAIT``."""
    deadline = time.monotonic() + NAMELESS_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if _read(fd) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def check_free(folder: str | Path) -> None:
    """Raise :class:`FolderBusy` if another process holds ``folder``'s lock now (without taking
    it): a command that inspects the folder before it writes must not mistake a running writer's
    half-made files for somebody else's."""
    path = Path(folder) / LOCK_NAME
    if fcntl is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # no lock file (or not a folder): nobody writes here
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # fails while a writer holds it exclusively
    except BlockingIOError:
        raise _busy(Path(folder), _read(fd)) from None
    finally:
        os.close(fd)  # closing releases the probe's shared lock


def _busy(folder: Path, holder: dict[str, Any]) -> FolderBusy:
    return FolderBusy(f"{folder}: another imcsim command is writing these results ({_describe(holder)}); "
                      "wait for it to finish, or use another --out")


def _read(fd: int) -> dict[str, Any]:
    try:
        return json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}


def _describe(holder: dict[str, Any]) -> str:
    if not holder:
        return "holder unknown: it has not written its name yet"
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, started {holder.get('started', '?')}"
