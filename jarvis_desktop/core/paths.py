"""Where Jarvis keeps its files.

``JARVIS_HOME`` overrides the user data dir (tests point it at a temporary folder);
``JARVIS_CACHE`` overrides the cache dir (prepared base models, the extracted converter).
The data dir holds the user's conversations and models: only its owner may read it.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from pathlib import Path

__all__ = ["bundle_dir", "data_dir", "cache_dir", "models_dir", "runs_dir", "assets_dir", "asset", "write_atomic", "fsync_dir",
           "describe_os_error", "is_disk_full", "xdg_dir", "installed_program"]

APP_NAME = "jarvis"
log = logging.getLogger(__name__)


def _base_path(env_var: str, kind: str) -> Path:
    env = os.environ.get(env_var)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(getattr(platformdirs, kind)(APP_NAME, appauthor=False))


def _base_dir(env_var: str, kind: str, private: bool) -> Path:
    path = _base_path(env_var, kind)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)
    if private:
        _make_private(path)
    return path


def _make_private(path: Path) -> None:
    """Owner-only access, checked at every call: a data dir made before this rule, restored
    from a backup or opened up by hand still holds conversations.  One stat; chmod only when
    needed.  A dir we do not own (or on a read-only disk) cannot be changed: logged, not fatal."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, 0o700)
    except OSError as exc:
        log.warning("cannot make %s private (owner-only): %s", path, exc.strerror or exc)


def data_dir(create: bool = True) -> Path:
    """The user data dir: interaction log, model registry, logs.  ``create=False``: only where it
    is meant to be, touching nothing (for a message when it cannot be made)."""
    if not create:
        return _base_path("JARVIS_HOME", "user_data_dir")
    return _base_dir("JARVIS_HOME", "user_data_dir", private=True)


def cache_dir() -> Path:
    """Re-creatable files: prepared base models, the llama.cpp converter."""
    return _base_dir("JARVIS_CACHE", "user_cache_dir", private=False)


def _sub(name: str) -> Path:
    path = data_dir() / name
    path.mkdir(exist_ok=True)
    return path


def models_dir() -> Path:
    """The model registry: ``<data dir>/models/<version>/{model.gguf, meta.json}``."""
    return _sub("models")


def runs_dir(create: bool = True) -> Path:
    """Working folders of training runs (checkpoints for resuming, staging); ``create=False``:
    the path only, for those that look for leftovers there."""
    return _sub("runs") if create else data_dir() / "runs"


def bundle_dir() -> Path | None:
    """The folder of the PyInstaller bundle Jarvis runs from (None: from source)."""
    import sys

    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else None


def assets_dir() -> Path:
    """Icons, the persona prompt, the dataset: beside the packages, or inside a PyInstaller bundle."""
    bundle = bundle_dir()
    if bundle is not None:
        return bundle / "assets"
    return Path(__file__).resolve().parents[2] / "assets"  # jarvis_desktop/core/paths.py -> repo


def asset(*parts: str) -> Path:
    return assets_dir().joinpath(*parts)


def xdg_dir(var: str, default: str) -> Path:
    """A freedesktop base directory: ``$var`` when it is an absolute path (the spec ignores
    relative ones), else ``~/default`` (``XDG_CONFIG_HOME``, ``.config``)."""
    value = os.environ.get(var, "")
    return Path(value) if value and Path(value).is_absolute() else Path.home() / default


def installed_program(name: str) -> str | None:
    """A console script of this installation: beside this Python (a venv's bin, not a desktop
    bundle's own executable), else on PATH; None when neither has it."""
    import shutil
    import sys

    beside = Path(sys.executable).parent / name
    if beside.is_file() and not getattr(sys, "frozen", False):
        return str(beside)
    return shutil.which(name)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never half.

    The file is created by mkstemp: readable by its owner only (conversations, settings).
    """
    import tempfile

    path = Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)  # the rename itself survives a power cut only once its folder is synced


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename into it, a new file) to disk.

    Best effort: some file systems and Windows refuse to open or fsync a directory; then the
    rename is as durable as that system makes it, and nothing is raised.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def is_disk_full(exc: BaseException) -> bool:
    """Whether a failed write (an OSError, or SQLite's error, or a JarvisError raised from either)
    failed because the disk is full: the file is fine then, only the space is not."""
    for err in (exc, exc.__cause__):
        if isinstance(err, OSError) and err.errno == errno.ENOSPC:
            return True
        if err is not None and "database or disk is full" in str(err):  # SQLITE_FULL
            return True
    return False


def describe_os_error(exc: OSError, path: Path | str | None = None, doing: str = "write") -> str:
    """One line a person can act on for a failed file operation: what, where, what to do.

    A full disk says so and never hints that a file is damaged: the file is fine, the space is not.
    """
    where = path if path is not None else (exc.filename or "a file")
    head = f"cannot {doing} {where}"
    if exc.errno == errno.ENOSPC:
        return f"{head}: the disk is full; free some space on it and try again"
    if exc.errno == getattr(errno, "EDQUOT", -1):
        return f"{head}: your disk quota is used up; free some space and try again"
    if exc.errno == errno.EROFS:
        return f"{head}: the file system is read-only; remount it writable or set JARVIS_HOME to a writable folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        access = "write access" if doing in ("write", "create") else "access"
        return (f"{head}: permission denied; give your user {access} to {Path(where).parent} "
                "or set JARVIS_HOME to a folder you can write")
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"{head}: a file is in the way of a folder there; move it, or set JARVIS_HOME to a folder you can write"
    return f"{head}: {exc.strerror or exc}"
