"""Retraining, as the app runs it: Retrain now, the schedule, and the conversation first.

A mixin of the Controller (jarvis_desktop/controller.py), which owns the signals, the settings,
the log and the registry.  ``jarvis-train retrain`` runs as a child process (workers.RetrainJob)
that waits while Jarvis answers (trainer_yield.py); Quit stops it for now, keeping its
fine-tune's checkpoints, and it goes on at the next start; the schedule (and that resumption)
starts only when the machine suits it (core/when_to_train.py) and says why it waits.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

from PySide6.QtCore import QTimer

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.paths import data_dir, describe_os_error, write_atomic
from jarvis_desktop.core.progress_event import JobState, ProgressEvent
from jarvis_desktop.core.when_to_train import why_not_now
from jarvis_desktop.trainer_yield import TrainerYield
from jarvis_desktop.workers import RetrainJob, trainer_command

log = logging.getLogger(__name__)

RESUME_AFTER_MS = 120_000  # an interrupted retrain goes on this long after the next start (when it suits)

__all__ = ["Retraining", "PERSONA_FILE"]

PERSONA_FILE = "persona.txt"  # the user's own persona from Settings, as the trainer reads it


class Retraining:
    """The Controller's retraining: needs its ``settings``, ``log``, ``registry``, ``notice``,
    ``problem``, ``job_changed``, ``job_finished``, ``version``, ``load_version``, ``_tidy`` and
    ``_persist``."""

    def _setup_retraining(self) -> None:
        self._quitting = False
        self._waiting_for = ""  # why the scheduled retrain waits (said once per reason)
        self.job = RetrainJob(self)
        self.job.progress.connect(self._job_progress)
        self.job.finished.connect(self._job_done)
        # The conversation comes first: the retrain waits while a reply is written or spoken.
        self.trainer_yield = TrainerYield(self.job, parent=self)
        self.trainer_yield.changed.connect(lambda paused: self.job_changed.emit(self.job_state()))

    def retrain_now(self, env: dict | None = None) -> bool:
        if self.job.running:
            self.notice.emit("A retrain is already running.")
            return False
        try:
            args = self.retrain_arguments()
            command = trainer_command(self.settings.trainer_command)
        except JarvisError as exc:
            self.problem.emit(str(exc))
            return False
        self.job.start(command, args, env)
        self.job_changed.emit(JobState(True, ProgressEvent("starting")))
        self.trainer_yield.sync()  # started mid-reply: it waits for the reply
        return True

    def retrain_arguments(self) -> list[str]:
        """The flags Retrain now passes: the honorific and, when the user wrote a persona of their
        own in Settings, that persona (saved beside the settings), so the model is trained on the
        prompt it will be served with.  The advanced ``retrain_args`` come last and win."""
        args = ["--honorific", self.settings.honorific]
        if self.settings.train_on_memory:
            args.append("--memory-turns")
        if self.settings.persona.strip():
            path = data_dir() / PERSONA_FILE
            try:
                write_atomic(path, self.settings.persona.strip() + "\n")
            except OSError as exc:
                raise JarvisError(f"Could not save your persona for the retrain: "
                                  f"{describe_os_error(exc, path)}") from None
            args += ["--persona", str(path)]
        return [*args, *self.settings.retrain_args]

    def cancel_retrain(self) -> None:
        self.job.cancel()

    def job_state(self) -> JobState:
        return JobState(self.job.running, self.job.last, self.job.paused)

    def _job_progress(self, event: ProgressEvent) -> None:
        self.job_changed.emit(JobState(True, event, self.job.paused))

    def _job_done(self, ok: bool, message: str, last: ProgressEvent) -> None:
        self.trainer_yield.resume_now()
        self.job_changed.emit(JobState(False, last))
        if self._quitting:  # stopped by Quit: nothing to show, nothing to load
            return
        self.settings.retrain_stopped = ""
        if ok:
            self.settings.last_retrain = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self._persist()
        if ok:
            current = self.registry.current()
            if last.promoted and current is not None and current.name != self.version:
                self.load_version(current.name)  # hot swap: close the old model, load the new one
        self.job_finished.emit(ok, message)
        if ok and last.version:
            self.learned_ready.emit(last.version)
        if not ok:
            self._tidy()  # a trainer killed after Cancel could not remove its exported conversations
            self.problem.emit(message)

    def _go_on_with_an_interrupted_retrain(self) -> None:
        """At start, after the tidy-up: a retrain that Quit, a crash or a power cut stopped after
        a fine-tune checkpoint goes on once the user is under way (when the machine suits)."""
        from jarvis_desktop.core.runs import interrupted_run  # light: no torch

        if not self.settings.retrain_stopped:
            try:
                left = interrupted_run()
            except OSError as exc:
                log.warning("could not look for an interrupted retrain: %s", exc)
                left = None
            if left is not None:
                self.settings.retrain_stopped = datetime.now(timezone.utc).isoformat(timespec="seconds")
                self._persist()
        if self.settings.retrain_stopped:
            QTimer.singleShot(RESUME_AFTER_MS, self.check_schedule)

    def check_schedule(self, now: datetime | None = None, why_not: Callable[[], str] = why_not_now) -> bool:
        """Start a retrain when one is due and there are new ratings, or one that was interrupted;
        only when the machine suits it (on mains power, not busy), else say once why it waits."""
        if self.job.running:
            return False
        stopped = bool(self.settings.retrain_stopped)
        if not stopped:
            days = self.settings.retrain_every_days
            if days <= 0:
                return False
            now = now or datetime.now(timezone.utc)
            last = self.settings.last_retrain
            if last and now - datetime.fromisoformat(last) < timedelta(days=days):
                return False
            if self.log.rating_counts(since=last or None)["total_rated"] == 0:
                return False
        reason = why_not()
        what = "The interrupted retrain" if stopped else "The monthly retrain"
        if reason:
            if reason != self._waiting_for:
                self.notice.emit(f"{what} is waiting: {reason}. It starts when that changes.")
            self._waiting_for = reason
            return False
        self._waiting_for = ""
        self.notice.emit(f"{what} goes on from where it was." if stopped
                         else "Monthly retrain: learning from your latest ratings.")
        return self.retrain_now()
