"""What the user's SQLite files share: the interaction log (core/interactions.py) and the memory
(core/memory.py).

The simonw/llm pattern: WAL, ``synchronous=FULL``, foreign keys on, numbered migration functions
recorded in a ``migrations`` table, every write one transaction (a crash or SIGKILL loses no
committed row).  The file and its -wal/-shm are the user's only (0600); a delete zeroes the
freed pages (``secure_delete``) and the WAL is truncated after it, so deleted text does not
linger on disk.

Threads: ONE connection (``check_same_thread=False``) behind a lock.  The app writes from a
worker thread and reads from the GUI thread; each call takes milliseconds, so serialising costs
nothing visible, whereas per-thread connections could not be closed by ``close()``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.paths import describe_os_error, is_disk_full

__all__ = ["SQLiteStore", "migrate", "utc_now", "create_private"]


def utc_now() -> str:
    """Now as ISO-8601 UTC with microseconds: one fixed format, so strings sort as times."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def migrate(db: sqlite3.Connection, migrations: list) -> list[str]:
    """Run the migrations not yet recorded in ``migrations``; return the names run now.  One
    transaction (SQLite's DDL is transactional): a crash leaves the schema as it was, and two
    processes opening a new file do not both migrate.  ``db`` needs ``isolation_level=None``."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
        done = {name for (name,) in db.execute("SELECT name FROM migrations")}
        ran = []
        for fn in migrations:
            if fn.__name__ not in done:
                fn(db)
                db.execute("INSERT INTO migrations (name, applied) VALUES (?, ?)", (fn.__name__, utc_now()))
                ran.append(fn.__name__)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return ran


def create_private(path: Path) -> None:
    """Create the file 0600 before SQLite opens it: it never exists readable by others."""
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    os.chmod(path, 0o600)  # an older file, or one made under another umask


def _open_failure(path: Path, what: str, exc: Exception) -> str:
    """Why the file cannot be opened, in words: a full disk or an unwritable folder says so (the
    file is fine then); only a damaged file is worth moving aside."""
    if isinstance(exc, OSError):
        return f"cannot open the {what}: {describe_os_error(exc, path, 'open')}"
    text = str(exc).lower()
    if is_disk_full(exc):
        return f"cannot open the {what} {path}: the disk is full; free some space and start Jarvis again " \
               "(what it holds is safe)"
    if "readonly" in text or "unable to open" in text or "locked" in text:
        return (f"cannot open the {what} {path}: {exc}; check that the folder can be written "
                "and that no other program holds the file")
    return (f"cannot open the {what} {path}: {exc} (if the file is damaged, move it aside and "
            f"Jarvis starts a new {what})")


class SQLiteStore:
    """One private SQLite file with its migrations; subclasses add the tables' own calls."""

    what = "database"  # in messages: "the interaction log", "the memory"
    MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = []

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            create_private(self.path)
            self._db = sqlite3.connect(str(self.path), timeout=10.0, isolation_level=None,
                                       check_same_thread=False)
            if self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
                raise sqlite3.OperationalError("SQLite refused WAL mode (is the folder on a network drive?)")
            # FULL: a committed row survives power loss too; secure_delete: deleted text is zeroed.
            for pragma in ("synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
                self._db.execute(f"PRAGMA {pragma}")
            self.applied_migrations = migrate(self._db, self.MIGRATIONS)  # names run by this open
        except (sqlite3.Error, OSError) as exc:
            self.close()
            raise JarvisError(_open_failure(self.path, self.what, exc)) from exc
        for side in (Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
            if side.exists():  # SQLite gives them the db file's mode; this fixes older ones
                os.chmod(side, 0o600)

    def close(self) -> None:
        """Close the connection (SQLite folds the WAL into the main file)."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def _tx(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction under the lock: committed whole or rolled back whole."""
        with self._lock:
            if self._db is None:
                raise JarvisError(f"the {self.what} {self.path} is closed")
            db = self._db
            try:
                db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                yield db
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise JarvisError(f"{self.what} {self.path}: {exc} (disk full? file held?)") from exc
                raise

    def _truncate_wal(self) -> None:
        """Fold the WAL into the file and empty it, so no old copy of deleted text stays there
        (best effort while another process reads)."""
        with self._lock:
            if self._db is not None:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
