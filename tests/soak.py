"""A soak: the real app (Controller + chat window, offscreen) driven for many turns the way a
person uses it — typed messages through the input box, skills, thumbs up/down and corrections
through the bubbles, deletions from the history, new conversations, model switches and a
retrain while chatting.  Used by tests/test_soak.py (short, and long as a slow test) and
benchmarks/soak.py (which prints the figures).

It waits on Qt's own event loop (no qtbot), so a benchmark can run it outside pytest.
"""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop

__all__ = ["SoakFigures", "soak", "rss_mb"]

PROMPTS = ["Good morning, Jarvis.", "How are you today?", "Tell me about the weather.", "Thank you.",
           "What should I read next?", "Any plans for the evening?", "Hello Jarvis", "Who are you?"]
SKILL_PROMPTS = ["what is 17 times 23", "what's 15% of 80", "what is ((10^1000)^1000)^1000", "what is 2 + 2"]


def rss_mb() -> float:
    """Resident memory of this process in MiB (Linux /proc; psutil where there is none)."""
    try:
        with open("/proc/self/statm") as fh:
            import os

            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import psutil

        return psutil.Process().memory_info().rss / 2**20


@dataclass
class SoakFigures:
    turns: int = 0  # messages sent (each answered)
    timed_turns: int = 0  # of those, after the warm-up (turns/s and RSS growth count from there)
    model_turns: int = 0
    skill_turns: int = 0
    failed: int = 0  # replies that failed (reply_failed)
    not_saved: int = 0  # turns the log could not save
    ratings: int = 0
    deleted: int = 0
    conversations: int = 1
    swaps: int = 0
    retrain: str = ""  # how the retrain ended
    seconds: float = 0.0
    rss_start_mb: float = 0.0  # after the warm-up turns
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0
    true_refs_start: int = 0
    true_refs_end: int = 0
    notes: list = field(default_factory=list)

    @property
    def turns_per_s(self) -> float:
        return self.timed_turns / self.seconds if self.seconds else 0.0

    @property
    def rss_growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb


def _wait(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"soak: waited {timeout_s:.0f} s for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.002)  # idle as the app's event loop is, not a core spinning beside the trainer
    # processEvents outside exec() never runs deleteLater (the app's event loop does): do it
    # here, as the app would, so what the window drops is really freed.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def soak(app, turns: int, versions: list[str], retrain_args: list[str] | None = None, retrain_at: int = -1,
         warmup: int = 50, progress=None, every: int = 500) -> SoakFigures:
    """Drive ``app`` (a started JarvisApp whose model is ready) for ``turns`` messages.

    ``versions``: registered model names to switch between every 150 turns; ``retrain_args``:
    flags for a Retrain now started at turn ``retrain_at`` (chatting goes on meanwhile; the
    soak waits for it at the end).  Returns the figures; raises on a hang."""
    c, w = app.controller, app.window
    fig = SoakFigures()
    ended: list = [0, None]  # replies ended so far, the last one
    # Only a count and the last end are kept: the soak must not itself grow with the turns.
    c.reply_finished.connect(lambda turn, text, stats: _end(ended, ("ok", turn)))
    c.reply_failed.connect(lambda reason: _end(ended, ("failed", 0)))
    job: list = []
    c.job_finished.connect(lambda ok, message: job.append((ok, message)))
    c.notice.connect(lambda text: fig.notes.append(text) if text.startswith("Not saved") else None)
    sent_ids: list[int] = []
    t0 = time.perf_counter()
    for i in range(turns):
        if i == warmup:
            gc.collect()
            fig.rss_start_mb, fig.true_refs_start = rss_mb(), sys.getrefcount(True)
            t0 = time.perf_counter()  # figures count from here
        if i and i % 100 == 0:
            w.new_conversation_requested.emit()
            fig.conversations += 1
        if i and i % 150 == 0 and len(versions) > 1:  # during the retrain too, as a user may
            target = versions[(i // 150) % len(versions)]
            if target != c.version:
                _switch(c, target)
                fig.swaps += 1
        if i == retrain_at and retrain_args is not None:
            c.settings.retrain_args = list(retrain_args)
            if not c.retrain_now():
                raise RuntimeError("soak: Retrain now did not start")
        skill = i % 7 == 3
        text = SKILL_PROMPTS[i % len(SKILL_PROMPTS)] if skill else PROMPTS[i % len(PROMPTS)]
        before = ended[0]
        w.input.setText(text)
        w.input.returnPressed.emit()
        _wait(lambda: ended[0] > before, 120, f"the reply to turn {i} ({text!r})")
        kind, turn = ended[1]
        fig.turns += 1
        fig.timed_turns += i >= warmup
        fig.skill_turns += skill
        fig.model_turns += not skill
        fig.failed += kind == "failed"
        if kind == "ok" and not turn:
            fig.not_saved += 1
        if kind == "ok" and turn:
            sent_ids.append(turn)
            del sent_ids[:-500]  # the recent ones are enough to pick deletions from
            bubble = w.bubbles[-1]
            if i % 10 == 0:
                bubble.up.click()
                fig.ratings += 1
            elif i % 10 == 5:
                bubble.down.click()
                bubble.correction_edit.setText("Very good, sir. Consider it done.")
                bubble.correction_save.click()
                fig.ratings += 1
        if i % 97 == 96 and len(sent_ids) > 20:
            victim = sent_ids.pop(len(sent_ids) // 2)  # an older turn, as from the History view
            c.delete_turns([victim])
            fig.deleted += 1
        if progress is not None and i % every == every - 1:
            progress(i + 1, fig)
    if retrain_args is not None and retrain_at >= 0:
        _wait(lambda: bool(job), 900, "the retrain to finish")
        ok, message = job[-1]
        fig.retrain = ("ok: " if ok else "failed: ") + message
    fig.seconds = time.perf_counter() - t0
    gc.collect()
    QCoreApplication.processEvents()
    fig.rss_end_mb, fig.true_refs_end = rss_mb(), sys.getrefcount(True)
    fig.rss_peak_mb = _peak_mb()
    return fig


def _end(ended: list, what: tuple) -> None:
    ended[0] += 1
    ended[1] = what


def _switch(c, target: str) -> None:
    changed: list = []
    c.model_changed.connect(changed.append)
    try:
        c.switch_model(target)
        _wait(lambda: bool(changed), 120, f"the switch to {target}")
    finally:
        c.model_changed.disconnect(changed.append)


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
