"""The desktop app: builds the Controller, the chat window and the tray, and wires them.

Crashes in any thread are logged to ``<data dir>/logs/jarvis.log`` and shown in a dialog;
the app keeps running where it can.  Where the desktop has no tray, the window opens.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from jarvis_desktop.controller import Controller
from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.learned import learned
from jarvis_desktop.core.paths import data_dir, describe_os_error
from jarvis_desktop.core.settings import Settings, load_settings_with_notice, save_settings
from jarvis_desktop.views.chat import ChatWindow, icon
from jarvis_desktop.views.history import HistoryDialog
from jarvis_desktop.views.learned import LearnedDialog
from jarvis_desktop.views.memory import MemoryDialog
from jarvis_desktop.views.settings_dialog import SettingsDialog
from jarvis_desktop.views.tray import Tray, TrayMenu
from jarvis_desktop.voice_service import VoiceService

__all__ = ["JarvisApp", "main", "install_crash_handlers"]

VOICE_SETTINGS = ("voice", "hands_free", "wake_word", "wake_by_whisper", "headset", "echo_cancel", "follow_up", "asr_model", "tts_voice", "speech_rate",
                  "silence_s", "talk_hotkey")

log = logging.getLogger("jarvis")


class _CrashRelay(QObject):
    crashed = Signal(str)


def install_crash_handlers(show) -> _CrashRelay:
    """Log uncaught exceptions from any thread and show them on the GUI thread."""
    relay = _CrashRelay()
    relay.crashed.connect(show, Qt.ConnectionType.QueuedConnection)

    def report(kind, value, tb):
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("uncaught exception:\n%s", text)
        relay.crashed.emit(f"{kind.__name__}: {value}")

    sys.excepthook = report
    threading.excepthook = lambda args: report(args.exc_type, args.exc_value, args.exc_traceback)
    return relay


def setup_logging() -> Path | None:
    """Log to ``<data dir>/logs/jarvis.log`` (owner-only: voice transcripts can land there), and
    let ``faulthandler`` write a fatal error's traceback there too, so a crash inside a C
    extension leaves a trace the user can send.  Returns the log file, or None when the data
    folder cannot be written (then the log goes to stderr and Jarvis says why)."""
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)  # a line per utterance otherwise
    try:
        folder = data_dir() / "logs"
        folder.mkdir(exist_ok=True)
        path = folder / "jarvis.log"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.fchmod(fd, 0o600)  # an older log made 0644
        stream = os.fdopen(fd, "a", encoding="utf-8", buffering=1)
    except OSError as exc:
        logging.basicConfig(level=logging.INFO)
        log.error("cannot write the log in the data folder (%s); logging to the terminal", exc)
        faulthandler.enable()
        return None
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    faulthandler.enable(file=stream, all_threads=True)  # the stream stays open for the process
    return path


class JarvisApp(QObject):
    """Everything the desktop needs, wired; ``show()`` opens the tray (or the window)."""

    def __init__(self, settings: Settings | None = None, controller: Controller | None = None, save: bool = True,
                 build_voice=None):
        super().__init__()
        self.settings_notice = ""  # why the settings file was set aside, if it was
        if settings is None:
            settings, self.settings_notice = load_settings_with_notice()
        self.settings = settings
        self.save = save
        self.controller = controller or Controller(self.settings, save=save)
        self.voice = VoiceService(self.settings, self.controller, build_voice)
        self.window = ChatWindow()
        self.tray_menu = TrayMenu(self.state)
        self.tray: Tray | None = None
        self.history: HistoryDialog | None = None
        self.memory_dialog: MemoryDialog | None = None  # (the store is controller.memory)
        self.learned_dialogs: dict[str, LearnedDialog] = {}  # "What Jarvis learned" open, by version
        c, w, t = self.controller, self.window, self.tray_menu
        w.send_requested.connect(c.send)
        w.stop_requested.connect(c.stop)
        w.rate_requested.connect(c.rate)
        w.new_conversation_requested.connect(c.new_conversation)
        w.retrain_requested.connect(c.retrain_now)
        w.settings_requested.connect(self.open_settings)
        w.history_requested.connect(self.open_history)
        w.memory_requested.connect(self.open_memory)
        w.learned_requested.connect(lambda: self.open_learned(self.controller.version) if self.controller.version
                                    else w.statusBar().showMessage("No model yet: nothing learned to show.", 8000))
        w.closing.connect(self._save_geometry)
        c.user_message.connect(w.add_user)
        c.reply_started.connect(w.start_reply)
        c.reply_token.connect(w.append_reply)
        c.reply_finished.connect(lambda turn, text, _stats: w.finish_reply(turn, text))
        c.reply_failed.connect(w.fail_reply)
        c.model_changed.connect(w.set_model)
        c.notice.connect(lambda text: w.statusBar().showMessage(text, 8000))
        c.problem.connect(self.show_problem)
        c.job_changed.connect(w.set_job)
        c.job_finished.connect(lambda ok, msg: w.statusBar().showMessage(msg, 15000))
        c.announcement.connect(self._announce)
        c.conversation_reset.connect(w.clear)
        v = self.voice
        w.talk_requested.connect(v.talk)
        w.mute_toggled.connect(self._set_muted)
        v.listening_changed.connect(w.set_listening)
        v.muted_changed.connect(w.set_muted)
        v.ready.connect(lambda: w.set_voice(True))
        v.unavailable.connect(lambda reason: w.set_voice(False, reason))
        w.set_muted(self.settings.muted)
        t.talk_requested.connect(v.talk)
        t.mute_requested.connect(self._set_muted)
        t.open_requested.connect(self.open_window)
        t.retrain_requested.connect(c.retrain_now)
        t.cancel_requested.connect(c.cancel_retrain)
        t.switch_requested.connect(c.switch_model)
        t.rollback_requested.connect(c.rollback)
        t.learned_requested.connect(self.open_learned)
        c.learned_ready.connect(self.open_learned)  # after every retrain: what changed, and why
        t.settings_requested.connect(self.open_settings)
        t.history_requested.connect(self.open_history)
        t.memory_requested.connect(self.open_memory)
        t.quit_requested.connect(self.quit)
        if self.settings.window_geometry:
            w.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))

    def state(self) -> dict:
        reg = self.controller.registry
        current = self.controller.version
        return {"job": self.controller.job_state(), "current": current,
                "voice": {"available": self.voice.available, "muted": self.settings.muted},
                "versions": [v.name for v in reg.versions()],
                "can_rollback": reg.previous() is not None}

    def show(self) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = Tray(self.tray_menu, self)
            self.tray.show()
        self.open_window()  # first start: show the window either way

    def open_window(self) -> None:
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.settings, [v.name for v in self.controller.registry.versions()], self.window)
        if dialog.exec():
            self.apply_settings(dialog.result_settings())

    def apply_settings(self, new: Settings) -> None:
        """Take the settings the user saved, and apply each change where it belongs at once: the
        model's (context, threads, GPU layers, reply length: the model reloads), the voice's
        (it restarts), start at login; nothing waits silently for a restart."""
        changed_voice = any(getattr(new, k) != getattr(self.settings, k) for k in VOICE_SETTINGS)
        changed_login = new.start_at_login != self.settings.start_at_login
        self.controller.apply(new)  # copies them into self.settings (the same object) first
        self._save_settings()
        if changed_login:
            self.apply_start_at_login()
        if changed_voice:  # close-then-load, as for a model
            self.voice.close()
            self.voice.start()

    def apply_start_at_login(self) -> None:
        """Write or remove the autostart entry to match the setting; say so either way."""
        from jarvis_desktop.desktop import set_autostart

        try:
            path = set_autostart(self.settings.start_at_login)
        except OSError as exc:
            self.show_problem(f"Could not change starting at login ({exc}).")
            return
        self.window.statusBar().showMessage(
            f"Jarvis will start when you log in ({path})." if self.settings.start_at_login
            else "Jarvis will no longer start when you log in.", 8000)

    def open_history(self) -> HistoryDialog:
        """The log's viewer (one at a time; it follows the log while open)."""
        if self.history is None:
            c = self.controller
            self.history = HistoryDialog(c.log_overview, self.window,
                                         train_on_memory=lambda: self.settings.train_on_memory)
            self.history.exclude_requested.connect(c.set_excluded)
            self.history.delete_turns_requested.connect(c.delete_turns)
            self.history.delete_conversation_requested.connect(c.delete_conversation)
            self.history.export_requested.connect(c.export_log)
            c.log_changed.connect(self.history.refresh)
            c.reply_finished.connect(lambda *_: self.history.refresh())
        else:
            self.history.refresh()
        self.history.show()
        self.history.raise_()
        return self.history

    def open_memory(self) -> MemoryDialog:
        """The memory's window (one at a time; it follows the memory while open, and says when
        Settings switch it off)."""
        if self.memory_dialog is None:
            c = self.controller
            self.memory_dialog = MemoryDialog(lambda: c.memory, self.window)
            c.memory_changed.connect(self.memory_dialog.refresh)
        else:
            self.memory_dialog.refresh()
        self.memory_dialog.show()
        self.memory_dialog.raise_()
        return self.memory_dialog

    def open_learned(self, version: str) -> LearnedDialog | None:
        """The "What Jarvis learned" report of ``version`` (non-modal; one per version)."""
        reg = self.controller.registry
        dialog = self.learned_dialogs.get(version)
        if dialog is None:
            try:
                report = learned(reg, version)
            except JarvisError as exc:  # pruned or damaged meanwhile
                self.show_problem(f"There is no report for {version}: {exc}")
                return None
            dialog = LearnedDialog(report, can_rollback=reg.previous() is not None, parent=self.window)
            dialog.rollback_requested.connect(self._rollback_from_report)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda *_: self.learned_dialogs.pop(version, None))
            self.learned_dialogs[version] = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def _rollback_from_report(self) -> None:
        try:
            name = self.controller.rollback()
        except JarvisError as exc:
            self.show_problem(str(exc))
            return
        self.window.statusBar().showMessage(f"Rolled back: {name} answers again.", 15000)

    def show_problem(self, text: str) -> None:
        log.warning("shown to the user: %s", text)
        box = QMessageBox(QMessageBox.Icon.Warning, "Jarvis", text, parent=self.window)
        box.setModal(False)
        box.show()
        self._box = box

    def _announce(self, text: str) -> None:
        self.window.announce(text)
        if self.tray is not None:
            self.tray.showMessage("Jarvis", text, icon("jarvis"))

    def _set_muted(self, muted: bool) -> None:
        self.voice.set_muted(muted)
        self._save_settings()

    def _save_geometry(self) -> None:
        self.settings.window_geometry = bytes(self.window.saveGeometry().toBase64()).decode()
        self._save_settings()

    def _save_settings(self) -> None:
        """Save; a full disk is said in the status bar (the previous file stays intact) and
        never stops what the user was doing, quitting included."""
        if not self.save:
            return
        try:
            save_settings(self.settings)
        except JarvisError as exc:
            log.error("%s", exc)
            self.window.statusBar().showMessage(str(exc), 15000)

    def quit(self) -> None:
        self._save_geometry()
        self.voice.close()
        self.controller.shutdown()
        QApplication.quit()


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    qt_app = QApplication.instance() or QApplication(sys.argv[:1] + list(argv or []))
    qt_app.setApplicationName("Jarvis")
    qt_app.setWindowIcon(icon("jarvis"))
    qt_app.setQuitOnLastWindowClosed(not QSystemTrayIcon.isSystemTrayAvailable())
    from jarvis_desktop.desktop import SingleInstance

    instance = None
    try:
        instance = SingleInstance()
        if not instance.claim():
            log.info("Jarvis is already running: asked it to show its window")
            print("Jarvis is already running: its window has been brought to the front.")
            return 0
        jarvis = JarvisApp()
    except (JarvisError, OSError) as exc:  # a data folder that cannot be read or written, a full disk
        reason = describe_os_error(exc, getattr(exc, "filename", None) or data_dir(create=False)) \
            if isinstance(exc, OSError) else str(exc)
        log.error("cannot start: %s", reason)
        print(f"jarvis: error: {reason}", file=sys.stderr, flush=True)
        if instance is not None:
            instance.close()
        QMessageBox.critical(None, "Jarvis cannot start", reason)
        return 1
    instance.activated.connect(jarvis.open_window)
    relay = install_crash_handlers(lambda text: jarvis.show_problem(f"Something went wrong: {text}\n\n"
                                                                     f"Details are in {data_dir() / 'logs'}."))
    jarvis.show()
    if jarvis.settings_notice:
        jarvis.show_problem(jarvis.settings_notice)
    jarvis.controller.start()
    jarvis.voice.start()
    code = qt_app.exec()
    if jarvis.controller._thread.isRunning():
        jarvis.voice.close()
        jarvis.controller.shutdown()
    del relay
    instance.close()
    if jarvis.controller.stuck:  # Qt would abort on the running thread at exit ("Destroyed while…")
        logging.shutdown()
        os._exit(code)
    return code
