"""Work that must not run on the GUI thread, behind Qt signals.

``EngineWorker`` owns the ChatEngine inside its own QThread: the GUI asks by calling its
slots through queued signals and hears back through its signals; a generation is stopped by
setting ``stop_event`` from any thread.  ``RetrainJob`` runs ``jarvis-train retrain`` as a
child process (the app never imports torch) and turns its JSON progress lines into signals.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal, Slot

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.paths import installed_program, xdg_dir
from jarvis_desktop.core.progress_event import ProgressEvent

__all__ = ["EngineWorker", "RetrainJob", "trainer_command", "resume_stopped_trainer"]

log = logging.getLogger(__name__)


class EngineWorker(QObject):
    """Lives in a QThread; every slot runs there."""

    loaded = Signal(str, str)  # version, path
    load_failed = Signal(str, str)  # version, reason
    token = Signal(int, str)  # request id, text piece
    finished = Signal(int, object)  # request id, Answer
    failed = Signal(int, str)  # request id, reason

    def __init__(self, config, may_run: threading.Event | None = None):
        super().__init__()
        from jarvis_desktop.core.engine import ChatEngine

        self.engine = ChatEngine(config, may_run)
        self.assistant = None  # the controller's Assistant, which answers through self.engine
        self.stop_event = threading.Event()
        self.version = ""

    @Slot(str, str, object)
    def load(self, path: str, version: str, check=None) -> None:
        """Load ``path``; ``check`` (optional) is called first and raises when the file is
        damaged (the registry's SHA-256 check): garbage weights load and "work" otherwise."""
        try:
            if check is not None:
                seconds = check()
                log.info("model %s: file checked (SHA-256) in %.2f s", version, seconds or 0.0)
            if self.engine.loaded is None:
                self.engine.load(Path(path))
            else:
                self.engine.swap(Path(path))  # close-then-load; the old one comes back on failure
        except JarvisError as exc:
            self.load_failed.emit(version, str(exc))
            return
        except Exception as exc:  # a worker logs and keeps going
            log.exception("loading %s failed", path)
            self.load_failed.emit(version, f"{type(exc).__name__}: {exc}")
            return
        self.version = version
        if self.assistant is not None:  # set here, in the engine thread: replies name the model that wrote them
            self.assistant.version = version
        self.loaded.emit(version, path)

    @Slot(object)
    def configure(self, config) -> None:
        """New engine settings; they take effect at the next load (n_ctx, threads, GPU layers)
        and at the next reply (max_tokens)."""
        self.engine.config = config

    @Slot(int, object)
    def generate(self, request: int, messages: list) -> None:
        self.stop_event.clear()
        try:
            reply = self.assistant.generate(messages, self.stop_event)
            for piece in reply:
                self.token.emit(request, piece)
            self.finished.emit(request, reply.answer)
        except JarvisError as exc:
            self.failed.emit(request, str(exc))
        except Exception as exc:
            log.exception("generation failed")
            self.failed.emit(request, f"{type(exc).__name__}: {exc}")

    @Slot(object)
    def prefill(self, conversation: list) -> None:
        """ChatEngine.prefill: the system prompt and the conversation so far (a list of messages)."""
        try:
            n = self.engine.prefill(conversation)
        except Exception:  # only a head start: a failure here must not stop anything
            log.exception("prefilling the prompt failed")
            return
        log.debug("prompt prefilled (%d tokens)", n)

    @Slot()
    def close(self) -> None:
        self.engine.close()


TRAINER_HINT = ("Retraining runs in Jarvis's training environment (PyTorch and friends), which the desktop "
                "bundle does not carry. Make one with `bash .ci/setup.sh install` in the Jarvis source folder "
                "(it records where its jarvis-train is), or set \"trainer_command\" in Settings to a jarvis-train "
                "program.")


def recorded_trainer() -> Path:
    """Where ``.ci/setup.sh install`` writes the path of the jarvis-train it installed."""
    return xdg_dir("XDG_CONFIG_HOME", ".config") / "jarvis" / "trainer-command"


def trainer_command(configured: str = "") -> list[str]:
    """How to run ``jarvis-train``: the configured program, the one beside this Python, one on
    PATH, the one the set-up recorded, or ``python -m trainer.cli`` (from source).  A desktop
    bundle has no trainer of its own: with none of these it raises JarvisError saying how to
    get one."""
    if configured:
        return configured.split()
    found = installed_program("jarvis-train")
    if found:
        return [found]
    try:
        recorded = recorded_trainer().read_text(encoding="utf-8").strip()
    except OSError:
        recorded = ""
    if recorded and Path(recorded).is_file():
        return [recorded]
    if getattr(sys, "frozen", False):
        raise JarvisError(TRAINER_HINT)
    return [sys.executable, "-m", "trainer.cli"]


class RetrainJob(QObject):
    """``jarvis-train retrain --progress json`` as a QProcess; one at a time per app (and the
    trainer's own lock makes it one at a time per user, whoever starts it)."""

    progress = Signal(object)  # each JSON line, as a ProgressEvent
    finished = Signal(bool, str, object)  # ok, one-line message, the last ProgressEvent (the "done" line)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.proc: QProcess | None = None
        self.last = ProgressEvent("idle")
        self._err = b""
        self._buf = b""
        self._cancelled = False
        self._postponed = False
        self._paused = False

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning

    def start(self, command: list[str], extra_args: list[str] | None = None, env: dict | None = None) -> None:
        if self.running:
            raise JarvisError("a retrain is already running")
        self.last, self._err, self._buf, self._cancelled = ProgressEvent("starting"), b"", b"", False
        self._postponed = False
        proc = QProcess(self)
        penv = QProcessEnvironment.systemEnvironment()
        if getattr(sys, "frozen", False):
            # The bundle's loader points LD_LIBRARY_PATH at its own libraries; the trainer's
            # Python must get the system's (and the user's own setting, if there was one).
            original = os.environ.get("LD_LIBRARY_PATH_ORIG", "")
            if original:
                penv.insert("LD_LIBRARY_PATH", original)
            else:
                penv.remove("LD_LIBRARY_PATH")
        for k, v in (env or {}).items():
            penv.insert(k, v)
        proc.setProcessEnvironment(penv)
        proc.readyReadStandardOutput.connect(self._read_out)
        proc.readyReadStandardError.connect(lambda: self._collect_err())
        proc.finished.connect(self._done)
        proc.errorOccurred.connect(self._error)
        self.proc = proc
        args = [*command[1:], "retrain", "--progress", "json", *(extra_args or [])]
        log.info("starting retrain: %s %s", command[0], " ".join(args))
        proc.start(command[0], args)

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> bool:
        """Stop the trainer where it is (SIGSTOP to it and its children), so the conversation has
        every core; True when it was running and is now paused."""
        if not self.running or self._paused or not hasattr(signal, "SIGSTOP"):
            return False  # (Windows has no SIGSTOP: the trainer's low priority must do there)
        self._paused = _signal_tree(int(self.proc.processId()), signal.SIGSTOP) > 0
        return self._paused

    def resume(self) -> bool:
        """Let a paused trainer go on (SIGCONT); True when it was paused."""
        if not self._paused:
            return False
        self._paused = False
        if self.running:
            _signal_tree(int(self.proc.processId()), signal.SIGCONT)
        return True

    def postpone(self, wait_ms: int = 15000) -> bool:
        """Stop the retrain for now (the app quits): SIGUSR1, on which the trainer removes its
        work but the fine-tune's checkpoints, so the next retrain resumes there; killed if it has
        not stopped within ``wait_ms`` (the next start's clean-up then keeps the checkpoints).
        True when a retrain was running."""
        if not self.running:
            return False
        self.resume()
        self._postponed = True
        if hasattr(signal, "SIGUSR1"):
            os.kill(int(self.proc.processId()), signal.SIGUSR1)
        else:
            self.proc.terminate()
        if not self.proc.waitForFinished(wait_ms):
            self.proc.kill()
            self.proc.waitForFinished(5000)
        return True

    def cancel(self) -> None:
        if self.running:
            self.resume()  # a stopped process would not act on SIGTERM until continued
            self._cancelled = True
            self.proc.terminate()  # SIGTERM: the trainer removes its run folder; the model stays
            if not self.proc.waitForFinished(10000):
                self.proc.kill()

    def _collect_err(self) -> None:
        self._err = (self._err + bytes(self.proc.readAllStandardError()))[-20000:]

    def _read_out(self) -> None:
        self._buf += bytes(self.proc.readAllStandardOutput())
        *lines, self._buf = self._buf.split(b"\n")
        for raw in lines:
            event = ProgressEvent.from_json(raw)
            if event is not None:  # else stray library output
                self.last = event
                self.progress.emit(event)

    def _error(self, error) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            cmd = self.proc.program()
            self.proc = None
            self.finished.emit(False, f"could not start the trainer ({cmd}). {TRAINER_HINT}", {})

    def _done(self, code: int, status) -> None:
        self._read_out()
        self._collect_err()
        err_lines = [ln for ln in self._err.decode(errors="replace").splitlines() if ln.strip()]
        reason = next((ln.split("error: ", 1)[1] for ln in reversed(err_lines) if "jarvis-train: error: " in ln),
                      err_lines[-1] if err_lines else f"exit code {code}")
        last, self.proc, self._paused = self.last, None, False
        if self._postponed:
            self.finished.emit(False, "retrain stopped for now; it goes on from where it was at the next start", last)
        elif self._cancelled:
            self.finished.emit(False, "retrain cancelled; the current model is unchanged", last)
        elif code == 0 and last.done:
            self.finished.emit(True, last.message or "done", last)
        else:
            if last.failed:
                reason = last.message or reason
            self.finished.emit(False, f"retrain failed: {reason}", last)


def _signal_tree(pid: int, sig: int) -> int:
    """Send ``sig`` to ``pid`` and every process it started (children first on SIGSTOP, so none
    runs on alone; the parent first on SIGCONT); the number of processes reached."""
    import psutil

    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    if sig == signal.SIGSTOP:
        tree.reverse()
    reached = 0
    for proc in tree:
        try:
            proc.send_signal(sig)
            reached += 1
        except psutil.Error:
            pass  # ended meanwhile
    return reached


def resume_stopped_trainer(lock_path: Path) -> int:
    """The pid of a trainer left paused by an app that ended without resuming it (a crash while
    Jarvis was answering), now continued; 0 when there was none.  The retrain lock names the
    holder; only a stopped process of this user that is a trainer is touched."""
    import json

    import psutil

    try:
        pid = int(json.loads(Path(lock_path).read_text() or "{}").get("pid", 0))
        proc = psutil.Process(pid) if pid else None
        if proc is None or proc.status() != psutil.STATUS_STOPPED or proc.uids().real != os.getuid():
            return 0
        if not any("retrain" in part for part in proc.cmdline()):
            return 0
    except (OSError, ValueError, psutil.Error):
        return 0
    _signal_tree(pid, signal.SIGCONT)
    log.warning("resumed a retrain (pid %d) left paused by an earlier run of the app", pid)
    return pid
