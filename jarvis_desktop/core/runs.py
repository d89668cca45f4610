"""Run folders left behind: ``<data dir>/runs/retrain-*`` and ``export-*``.

A retrain removes its run folder when it ends, even when it fails or is cancelled (SIGTERM,
trainer/cli.py).  Only a run killed outright (SIGKILL, a crash, power loss) leaves one, and
with it the user's exported conversations.  ``clean_stale_runs`` removes them; the desktop
app calls it at start and ``jarvis-train retrain`` before it begins.  What it keeps:

- the fine-tune checkpoints (``sft/``) of the most recent ``retrain-*`` folder: the next
  retrain with the same data and settings resumes from them (trainer/retrain.py).  They hold
  adapter weights and optimizer state, no text;
- nothing else: every ``export/`` folder, staging ``export-*`` folder, JSONL file and sidecar
  (the user's turns), the merged models and GGUFs (large, and remade by any new run), and the
  older ``retrain-*`` folders (made from older data: a new run has a new key and never
  resumes them).

``jarvis-train sft`` output folders (``sft-*``) are the user's own and are left alone.

Light on purpose: no torch, so the app can import it.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from jarvis_desktop.core.errors import BusyError
from jarvis_desktop.core.paths import runs_dir
from jarvis_desktop.core.retrain_lock import RetrainLock

__all__ = ["clean_stale_runs", "interrupted_run", "strip_to_checkpoints", "KEPT"]

log = logging.getLogger(__name__)

KEPT = "sft"  # the part of a run folder worth keeping: checkpoints to resume from
_TEXT = ("*.jsonl", "*.turns.json")  # files that can hold the user's words


def clean_stale_runs(runs_root: Path | None = None, *, lock_held: bool = False) -> list[Path]:
    """Remove what killed retrains left under ``runs_root`` (default ``<data dir>/runs``; see
    the module notes for what is kept) and return the paths removed.

    A running retrain holds the RetrainLock and still needs its folder: unless the caller
    holds the lock itself (``lock_held``), the lock is tried without waiting, and while
    another process holds it nothing is removed.  Never raises on a file it cannot remove:
    that is logged, and the next call tries again."""
    root = Path(runs_root) if runs_root is not None else runs_dir(create=False)
    if not root.is_dir():
        return []
    if lock_held:
        return _clean(root)
    try:
        lock = RetrainLock().acquire()
    except BusyError:
        return []  # a retrain is running: its folder is in use
    try:
        return _clean(root)
    finally:
        lock.release()


def interrupted_run(runs_root: Path | None = None) -> Path | None:
    """The run folder of a retrain that was interrupted after its first fine-tune checkpoint
    (Quit, a crash, power loss) and can go on from it, or None.  Call after ``clean_stale_runs``
    (then only the newest such folder is left); None while a retrain runs (it is that one's)."""
    root = Path(runs_root) if runs_root is not None else runs_dir(create=False)
    if not root.is_dir():
        return None
    try:
        RetrainLock().acquire().release()
    except BusyError:
        return None
    found = [run for run in root.glob("retrain-*")
             if run.is_dir() and any((run / KEPT).rglob("checkpoint-*/trainer_state.json"))]
    return max(found, key=_mtime, default=None)


def _clean(root: Path) -> list[Path]:
    removed: list[Path] = []
    runs = []
    for child in root.iterdir():
        if child.name.startswith("export-") and child.is_dir():
            _remove(child, removed)  # an export staged by a run killed before it moved it
        elif child.name.startswith("retrain-") and child.is_dir():
            runs.append(child)
    newest = max(runs, key=_mtime, default=None)
    for run in runs:
        if run != newest or not (run / KEPT).is_dir():
            _remove(run, removed)
            continue
        removed += strip_to_checkpoints(run)
    return removed


def strip_to_checkpoints(run: Path) -> list[Path]:
    """Remove all of a retrain's folder but its fine-tune's checkpoints (and no file that can
    hold the user's words even there); the paths removed."""
    removed: list[Path] = []
    if not (run / KEPT).is_dir():
        _remove(run, removed)
        return removed
    for part in run.iterdir():
        if part.name != KEPT:
            _remove(part, removed)
    for pattern in _TEXT:  # belt and braces: no text file survives inside the kept part either
        for f in (run / KEPT).rglob(pattern):
            _remove(f, removed)
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path, removed: list[Path]) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("could not remove %s (left from a killed retrain): %s", path, exc)
        return
    removed.append(path)
