"""Desktop integration on Linux: one running Jarvis per user, the menu entry, start at login.

* ``SingleInstance``: the first Jarvis listens on a local socket (a Unix domain socket in a
  folder only this user may enter; nothing on the network); a second one finds it, asks it to
  show its window, and exits.  Both ends check who is at the other end (the socket file's
  owner, the peer's uid): another local user cannot squat the name to stop Jarvis starting,
  nor be sent its "show".
* ``desktop_entry`` / ``install_menu_entry``: a freedesktop ``.desktop`` file and the icon,
  in ``~/.local/share`` (``$XDG_DATA_HOME``), so Jarvis is in the applications menu.
* ``set_autostart``: writes or removes ``~/.config/autostart/jarvis.desktop``
  (``$XDG_CONFIG_HOME``), the freedesktop way to start at login.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import socket
import stat
import struct
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from jarvis_desktop.core.paths import asset, data_dir, installed_program, write_atomic, xdg_dir

__all__ = ["SingleInstance", "socket_path", "launch_command", "desktop_entry", "install_menu_entry", "set_autostart",
           "autostart_path", "menu_entry_path"]

log = logging.getLogger(__name__)

APP_ID = "jarvis"
WAIT_MS = 1000
# A socket's path must fit sockaddr_un (108 bytes on Linux), and Qt binds it first in a
# temporary folder named after it plus 7 characters, then renames it into place.
MAX_SOCKET_PATH = 96


def _private_folder(folder: Path, create: bool) -> bool:
    """True when ``folder`` is a real folder of ours that only we may enter; ``create``: make
    it (0700) if missing and tighten its mode if needed (a folder Jarvis owns)."""
    try:
        if create:
            folder.mkdir(mode=0o700, exist_ok=True)
        st = os.lstat(folder)  # lstat: a link someone else planted is not our folder
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            return False
        if stat.S_IMODE(st.st_mode) & 0o077:
            if not create:  # $XDG_RUNTIME_DIR that others may enter: the spec says not to use it
                return False
            os.chmod(folder, 0o700)
        return True
    except OSError:
        return False


def _runtime_folders() -> list[tuple[Path, bool, str]]:
    """Where the socket may live, best first: (folder, whether Jarvis makes and owns it, the
    socket's default name).  $XDG_RUNTIME_DIR (the session's per-user folder), ``<data dir>/run``,
    and ``<tmp>/jarvis-<uid>`` for a data dir whose path is too long for a socket.  The shared
    folders hold one socket per data dir: a hash of the data dir names it there."""
    hashed = f"jarvis-{hashlib.sha256(str(data_dir()).encode()).hexdigest()[:16]}.sock"
    xdg = os.environ.get("XDG_RUNTIME_DIR", "")
    out = [(Path(xdg), False, hashed)] if xdg and os.path.isabs(xdg) else []
    return out + [(data_dir() / "run", True, "jarvis.sock"),
                  (Path(tempfile.gettempdir()) / f"jarvis-{os.getuid()}", True, hashed)]


def socket_path(name: str = "") -> str | None:
    """The single-instance socket: one per user and data dir, in a folder only this user may
    enter; ``name`` instead of the default file name.  None when no such folder can be had."""
    if not hasattr(os, "getuid"):  # Windows: a named pipe, which Qt makes this user's own
        return name or f"jarvis-{hashlib.sha256(f'{os.getlogin()}:{data_dir()}'.encode()).hexdigest()[:16]}"
    for folder, ours, default in _runtime_folders():
        path = folder / (name or default)
        if len(os.fsencode(path)) <= MAX_SOCKET_PATH and _private_folder(folder, create=ours):
            return str(path)
        log.info("single instance: %s is not usable for the socket (too long a path, or not private)", folder)
    return None


def _peer_uid(conn: QLocalSocket) -> int | None:
    """The uid of the process at the other end of a connected local socket (SO_PEERCRED);
    None where the system cannot tell (not Linux), -1 when asking failed."""
    if not hasattr(socket, "SO_PEERCRED"):
        return None
    fd = int(conn.socketDescriptor())
    if fd < 0:
        return -1
    try:
        with socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM) as sock:  # a duplicate: closing it is fine
            _pid, uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                  struct.calcsize("3i")))
    except OSError:
        return -1
    return uid


class SingleInstance(QObject):
    """``claim()`` is True for the first Jarvis; a later one's ``claim()`` asks the first to
    come to the front (``activated`` fires there) and returns False.

    Only a socket of ours counts as "already running": a file owned by another user, or a
    listener running as another user, is logged and replaced by our own; a connection from
    another user is ignored.
    """

    activated = Signal()

    def __init__(self, name: str = "", parent=None):
        """``name``: a file name in the private folder, or a full path; empty: this data dir's."""
        super().__init__(parent)
        self.path = name if os.path.isabs(name) else socket_path(name)
        self._uid = os.getuid() if hasattr(os, "getuid") else None
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        if self.path is None:
            log.warning("single instance: no private folder for the socket; another Jarvis may start too")
            return True
        if self._wake_running():
            return False
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.path):
            # A socket left by a Jarvis that crashed, or one that is not ours: nobody of ours
            # answered on it, so replace it (the folder is ours).
            QLocalServer.removeServer(self.path)
            if not self.server.listen(self.path):
                log.warning("single instance: cannot listen on %s (%s)", self.path, self.server.errorString())
                return True  # still run; a second Jarvis could then start too
        self.server.newConnection.connect(self._on_connection)
        return True

    def _wake_running(self) -> bool:
        """Ask a Jarvis of ours listening on our path to show its window; True if one was asked."""
        try:
            st = os.lstat(self.path) if self._uid is not None else None
        except OSError:
            return False  # nothing there (or nothing we may look at): we are the first
        if st is not None and (not stat.S_ISSOCK(st.st_mode) or st.st_uid != self._uid):
            log.warning("single instance: %s is not a socket of ours (owner uid %d): ignored and replaced",
                        self.path, st.st_uid)
            return False
        probe = QLocalSocket()
        probe.connectToServer(self.path)
        if not probe.waitForConnected(WAIT_MS):
            return False
        peer = _peer_uid(probe)
        if peer is not None and peer != self._uid:
            log.warning("single instance: the process on %s runs as uid %d, not as us: not told to show; "
                        "starting anyway", self.path, peer)
            probe.abort()
            return False
        probe.write(b"show\n")
        probe.flush()
        probe.waitForBytesWritten(WAIT_MS)
        probe.disconnectFromServer()
        return True

    def _on_connection(self) -> None:
        # Read at once, not through a readyRead slot: a connection object must not outlive
        # this call (a queued signal to one the server already deleted crashes Qt).
        while self.server is not None and (conn := self.server.nextPendingConnection()) is not None:
            peer = _peer_uid(conn)
            if peer is not None and peer != self._uid:
                log.warning("single instance: ignored a connection from uid %d", peer)
            elif conn.bytesAvailable() or conn.waitForReadyRead(WAIT_MS):
                if bytes(conn.readAll()).startswith(b"show"):
                    self.activated.emit()
            conn.disconnectFromServer()
            conn.deleteLater()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


def launch_command() -> list[str]:
    """How to start this Jarvis: the bundle's executable, the installed ``jarvis`` script, or
    ``python -m jarvis_desktop.cli``."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    found = installed_program("jarvis")
    return [found] if found else [sys.executable, "-m", "jarvis_desktop.cli"]


def menu_entry_path() -> Path:
    return xdg_dir("XDG_DATA_HOME", ".local/share") / "applications" / f"{APP_ID}.desktop"


def autostart_path() -> Path:
    return xdg_dir("XDG_CONFIG_HOME", ".config") / "autostart" / f"{APP_ID}.desktop"


def icon_path() -> Path:
    return xdg_dir("XDG_DATA_HOME", ".local/share") / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"


def desktop_entry(command: list[str] | None = None, autostart: bool = False) -> str:
    """The freedesktop entry (Desktop Entry Specification 1.5) that starts Jarvis."""
    exec_line = " ".join(_quote_exec(arg) for arg in (command or launch_command()))
    lines = ["[Desktop Entry]", "Type=Application", "Version=1.5", "Name=Jarvis",
             "GenericName=Voice assistant", "Comment=Your desktop butler, fine-tuned on your own machine",
             f"Exec={exec_line}", f"Icon={APP_ID}", "Terminal=false", "Categories=Utility;",
             "Keywords=assistant;voice;chat;AI;", "StartupNotify=false",
             "StartupWMClass=Jarvis"]  # the class part of the windows' WM_CLASS ("jarvis", "Jarvis")
    if autostart:
        lines += ["X-GNOME-Autostart-enabled=true", "X-KDE-autostart-after=panel"]
    return "\n".join(lines) + "\n"


def _quote_exec(arg: str) -> str:
    """One Exec argument as the Desktop Entry Specification wants it: quoted when it holds a
    reserved character, ``%`` doubled, then backslashes escaped once more (string values)."""
    if any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`') or not arg:
        for ch in ("\\", '"', "`", "$"):
            arg = arg.replace(ch, "\\" + ch)
        arg = f'"{arg}"'
    return arg.replace("%", "%%").replace("\\", "\\\\")


def install_menu_entry(command: list[str] | None = None) -> Path:
    """Put Jarvis in the applications menu: the .desktop file and its icon."""
    icon = icon_path()
    icon.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(asset("icons", "jarvis.svg"), icon)
    return _write_entry(menu_entry_path(), desktop_entry(command))


def _write_entry(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)
    os.chmod(path, 0o644)  # write_atomic makes files private; desktop entries are read by the session
    return path


def set_autostart(enabled: bool, command: list[str] | None = None) -> Path:
    """Start Jarvis at login, or not: writes or removes the autostart entry."""
    path = autostart_path()
    if enabled:
        return _write_entry(path, desktop_entry(command, autostart=True))
    path.unlink(missing_ok=True)
    return path
