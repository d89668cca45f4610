"""Desktop integration on Linux: one running Jarvis per user, the menu entry, start at login.

* ``SingleInstance``: the first Jarvis listens on a local socket (a Unix domain socket only
  this user may open; nothing on the network); a second one finds it, asks it to show its
  window, and exits.
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
import sys
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from jarvis_desktop.paths import asset, data_dir, installed_program, write_atomic, xdg_dir

__all__ = ["SingleInstance", "launch_command", "desktop_entry", "install_menu_entry", "set_autostart",
           "autostart_path", "menu_entry_path"]

log = logging.getLogger(__name__)

APP_ID = "jarvis"
WAIT_MS = 1000


def _socket_name() -> str:
    """One name per user and data dir (tests and a second JARVIS_HOME get their own)."""
    key = f"{os.getuid() if hasattr(os, 'getuid') else os.getlogin()}:{data_dir()}"
    return f"jarvis-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


class SingleInstance(QObject):
    """``claim()`` is True for the first Jarvis; a later one's ``claim()`` asks the first to
    come to the front (``activated`` fires there) and returns False."""

    activated = Signal()

    def __init__(self, name: str = "", parent=None):
        super().__init__(parent)
        self.name = name or _socket_name()
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(WAIT_MS):
            probe.write(b"show\n")
            probe.flush()
            probe.waitForBytesWritten(WAIT_MS)
            probe.disconnectFromServer()
            return False
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            # A socket file left by a Jarvis that crashed: nobody answered on it, so remove it.
            QLocalServer.removeServer(self.name)
            if not self.server.listen(self.name):
                log.warning("single instance: cannot listen on %s (%s)", self.name, self.server.errorString())
                return True  # still run; a second Jarvis could then start too
        self.server.newConnection.connect(self._on_connection)
        return True

    def _on_connection(self) -> None:
        # Read at once, not through a readyRead slot: a connection object must not outlive
        # this call (a queued signal to one the server already deleted crashes Qt).
        while self.server is not None and (conn := self.server.nextPendingConnection()) is not None:
            if conn.bytesAvailable() or conn.waitForReadyRead(WAIT_MS):
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
