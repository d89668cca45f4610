"""The tray icon and its menu, rebuilt each time it opens from the app's current state."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from jarvis_desktop.views.chat import icon

__all__ = ["TrayMenu", "Tray"]


class TrayMenu(QObject):
    """Builds the menu from ``state()``: {"job": JobState, "current": "v3", "versions": [name, ...],
    "can_rollback": bool, "voice": {"available": bool, "muted": bool}}.  Its actions only emit."""

    open_requested = Signal()
    retrain_requested = Signal()
    cancel_requested = Signal()
    switch_requested = Signal(str)
    rollback_requested = Signal()
    learned_requested = Signal(str)  # a version: its "What Jarvis learned" report
    settings_requested = Signal()
    history_requested = Signal()
    memory_requested = Signal()
    talk_requested = Signal()
    mute_requested = Signal(bool)
    quit_requested = Signal()

    def __init__(self, state: Callable[[], dict], parent=None):
        super().__init__(parent)
        self.state = state
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        m, st = self.menu, self.state()
        m.clear()
        m.addAction("Open Jarvis", self.open_requested.emit)
        voice = st.get("voice") or {}
        if voice.get("available"):
            m.addAction("Talk", self.talk_requested.emit)
            muted = bool(voice.get("muted"))
            m.addAction("Unmute voice" if muted else "Mute voice", lambda: self.mute_requested.emit(not muted))
        job = st.get("job")  # a JobState (jarvis_desktop.core.progress_event), or None
        if job is not None and job.running:
            pct = f" {100 * job.step // job.total}%" if job.total else ""
            eta = f", about {max(1, job.eta_s // 60)} min left" if job.eta_s else ""
            m.addAction(f"Retraining: {job.stage}{pct}{eta}").setEnabled(False)
            m.addAction("Cancel retrain", self.cancel_requested.emit)
        else:
            m.addAction("Retrain now", self.retrain_requested.emit)
        models = m.addMenu("Models")
        current = st.get("current") or ""
        models.addAction(f"Current: {current or 'none'}").setEnabled(False)
        others = [n for n in st.get("versions", []) if n != current]
        if others:
            models.addSeparator()
        for name in others:
            models.addAction(f"Switch to {name}", lambda n=name: self.switch_requested.emit(n))
        models.addSeparator()
        back = models.addAction("Roll back", self.rollback_requested.emit)
        back.setEnabled(bool(st.get("can_rollback")))
        if st.get("versions"):
            models.addSeparator()
        for name in reversed(st.get("versions", [])):  # newest first
            models.addAction(f"What {name} learned…", lambda n=name: self.learned_requested.emit(n))
        m.addAction("History…", self.history_requested.emit)
        m.addAction("Memory…", self.memory_requested.emit)
        m.addAction("Settings…", self.settings_requested.emit)
        m.addSeparator()
        m.addAction("Quit", self.quit_requested.emit)

    def texts(self) -> list[str]:
        """The visible entries, submenus flattened as "Models/…" (for tests and logs)."""
        out = []
        for a in self.menu.actions():
            if a.menu():
                out += [f"{a.text()}/{s.text()}" for s in a.menu().actions() if s.text()]
            elif a.text():
                out.append(a.text())
        return out


class Tray(QSystemTrayIcon):
    def __init__(self, menu: TrayMenu, parent=None):
        super().__init__(icon("jarvis"), parent)
        self.setToolTip("Jarvis")
        self.setContextMenu(menu.menu)
        self.activated.connect(lambda reason: menu.open_requested.emit()
                               if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
