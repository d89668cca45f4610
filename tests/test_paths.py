"""Where Jarvis keeps files: a private data dir at every call, atomic writes, clear OS errors."""

from __future__ import annotations

import errno
import logging
import os
import stat
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from jarvis_desktop.core.paths import data_dir, describe_os_error, fsync_dir, write_atomic


@contextmanager
def tmpfs(path: Path, size: str = "256k"):
    """A real small file system at ``path`` (a full disk, a read-only one); skips the test
    where this machine may not mount (then no real full or read-only disk can be made)."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_readonly(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True, capture_output=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_is_made_private_at_every_call(jarvis_home):
    jarvis_home.mkdir(mode=0o755)  # made by an older Jarvis, or opened up by hand
    os.chmod(jarvis_home, 0o755)
    assert data_dir() == jarvis_home and _mode(jarvis_home) == 0o700
    os.chmod(jarvis_home, 0o750)
    data_dir()
    assert _mode(jarvis_home) == 0o700
    before = jarvis_home.stat().st_ctime_ns  # chmod updates ctime even to the same mode
    data_dir()
    assert jarvis_home.stat().st_ctime_ns == before  # already private: no chmod


def test_new_data_dir_is_private(jarvis_home):
    assert data_dir().is_dir() and _mode(jarvis_home) == 0o700


def test_data_dir_that_cannot_be_changed_is_logged_not_fatal(tmp_path, monkeypatch, caplog):
    with tmpfs(tmp_path / "ro") as mount:
        home = mount / "home"
        home.mkdir(mode=0o755)
        os.chmod(home, 0o755)
        remount_readonly(mount)  # chmod now fails with EROFS, as it would for a folder we do not own
        monkeypatch.setenv("JARVIS_HOME", str(home))
        with caplog.at_level(logging.WARNING, logger="jarvis_desktop.core.paths"):
            assert data_dir() == home
        assert _mode(home) == 0o755
        assert f"cannot make {home} private" in caplog.text


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "settings.json"
    write_atomic(target, "old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
    assert _mode(target) == 0o600


def test_fsync_dir_is_best_effort(tmp_path):
    fsync_dir(tmp_path)  # a real folder: synced
    # A path that cannot be opened as a folder (a file, nothing at all) is skipped, not raised:
    # some file systems refuse directory fsync and a rename is then as durable as they make it.
    (tmp_path / "file").write_text("x")
    assert fsync_dir(tmp_path / "file") is None
    assert fsync_dir(tmp_path / "none") is None


def test_os_errors_read_as_one_actionable_line(tmp_path):
    full = describe_os_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), tmp_path / "current")
    assert full == f"cannot write {tmp_path / 'current'}: the disk is full; free some space on it and try again"
    assert "damaged" not in full and "move it aside" not in full
    denied = describe_os_error(PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "x")))
    assert denied.startswith(f"cannot write {tmp_path / 'x'}: permission denied; give your user write access to "
                             f"{tmp_path}")
    assert "read-only" in describe_os_error(OSError(errno.EROFS, "Read-only file system"), tmp_path)
    assert describe_os_error(OSError(errno.EIO, "Input/output error"), tmp_path, "read") == \
        f"cannot read {tmp_path}: Input/output error"
