"""One retrain at a time, across processes.

An OS file lock (flock / msvcrt) is released by the kernel when its holder dies, so a lock
left by a killed run is recovered by the next one without any clean-up.  The file also
records who holds it, for the "already running" message; it is the owner's only (0600), like
everything else in the data dir.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from jarvis_desktop.core.errors import BusyError
from jarvis_desktop.core.paths import data_dir

__all__ = ["RetrainLock"]


class RetrainLock:
    """An exclusive, non-blocking lock: ``acquire`` raises BusyError (naming the holder) when
    another process holds it.  Use as a context manager."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else data_dir() / "retrain.lock"
        self._fh = None

    def acquire(self) -> "RetrainLock":
        # Created 0600 (never readable by others, whatever the umask); an older file is fixed.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.chmod(self.path, 0o600)
        except OSError:
            pass  # someone else's file (a shared data dir): the lock still works
        fh = os.fdopen(fd, "a+")
        try:
            _lock(fh)
        except OSError:
            fh.seek(0)
            holder = _parse(fh.read())
            fh.close()
            who = f"pid {holder.get('pid', '?')}, started {holder.get('started', '?')}"
            raise BusyError(f"a retrain is already running ({who}); wait for it to finish or cancel it") from None
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S")}))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            _unlock(self._fh)
            self._fh.close()
            self._fh = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def _parse(text: str) -> dict:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return {}


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fh):
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(fh):
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(fh):
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fh):
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
