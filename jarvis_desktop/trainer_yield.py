"""The conversation comes first: a running retrain waits while Jarvis answers or speaks, or the user talks.

On two cores the trainer and llama.cpp cannot both run well: next to a fine-tune a 20-token
greeting took over 8 s.  The app owns the trainer's process (workers.RetrainJob), so while any
part of a turn is under way (the model writing, piper speaking, the user's speech being heard)
it is stopped where it is (SIGSTOP) and continued (SIGCONT) ``GRACE_S`` after the last part
ends: the model's prefill of the next prompt, and a quick follow-up, still have the cores.

Nothing is lost by a pause: the trainer only waits.  A hold that never ends (a reply stuck in
a bug) is dropped after ``LONGEST_S`` so a retrain can never be starved for good; an app that
crashes while the trainer is paused leaves it stopped, and the next start of the app continues
it (``workers.resume_stopped_trainer``).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QTimer, Signal

__all__ = ["TrainerYield", "GRACE_S", "LONGEST_S"]

log = logging.getLogger(__name__)

GRACE_S = 1.5  # after a turn: the engine's prefill of the next prompt (~0.3 s), a quick follow-up
LONGEST_S = 120.0  # no reply, spoken or written, takes this long: a hold older than this is stale


class TrainerYield(QObject):
    """Pauses ``job`` (a RetrainJob) while anything holds it; resumes it ``grace_s`` after the
    last release.  ``hold``/``release`` take a reason ("reply", "speech", "user") so the parts
    of a turn overlap freely."""

    changed = Signal(bool)  # the trainer is now paused (True) or running again (False)

    def __init__(self, job, grace_s: float = GRACE_S, longest_s: float = LONGEST_S, parent=None,
                 clock=time.monotonic):
        super().__init__(parent)
        self.job, self.grace_s, self.longest_s, self.clock = job, grace_s, longest_s, clock
        self.holds: dict[str, float] = {}  # reason -> when it began
        self.paused_s = 0.0  # how long the trainer has waited in all (shown with the progress)
        self._paused_at = 0.0
        self._grace = QTimer(self)
        self._grace.setSingleShot(True)
        self._grace.timeout.connect(self._resume)
        self._watch = QTimer(self)
        self._watch.setInterval(5000)
        self._watch.timeout.connect(self._drop_stale)

    @property
    def paused(self) -> bool:
        return self.job.paused

    def hold(self, reason: str) -> None:
        self.holds.setdefault(reason, self.clock())
        self._grace.stop()
        self.sync()

    def release(self, reason: str) -> None:
        if self.holds.pop(reason, None) is not None and not self.holds:
            self._grace.start(int(self.grace_s * 1000))

    def sync(self) -> None:
        """Pause a running trainer if anything holds it (also when a retrain starts mid-turn)."""
        if self.holds and self.job.pause():
            self._paused_at = self.clock()
            self._watch.start()
            self.changed.emit(True)

    def resume_now(self) -> None:
        """Drop every hold and let the trainer go on at once (Quit, Cancel, the job ended)."""
        self.holds.clear()
        self._grace.stop()
        self._resume()

    def _resume(self) -> None:
        if self.holds:
            return
        self._watch.stop()
        if self.job.resume():
            self.paused_s += self.clock() - self._paused_at
            self.changed.emit(False)

    def _drop_stale(self) -> None:
        now = self.clock()
        stale = [r for r, since in self.holds.items() if now - since > self.longest_s]
        for reason in stale:
            log.warning("the retrain waited %.0f s for %r: going on", now - self.holds.pop(reason), reason)
        if stale and not self.holds:
            self._resume()
