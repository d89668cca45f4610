"""The trainer's share of the CPU: a low priority, and only as many torch threads as cores are free.

On a desktop the retrain shares the cores with whatever the user does.  torch splits every
operation between its threads and waits for the slowest: when another process holds one of two
cores, the thread that shares that core finishes each piece late and the other spins waiting
for it, so a fine-tune step went from 0.8 s to 38 s (issue "Retraining as a user lives it").
With one thread fewer than busy cores the step just runs on the free one.  So ``FreeCores``
reads, between steps, how much CPU the *other* processes used (the whole machine's busy time
less this process's own, threads and children included) and ``FollowFreeCores`` sets torch's
thread count to the cores left.  ``lower_priority`` makes the trainer give way to the app and
everything else the user runs (nice 10, idle disk priority where the OS has one).
"""

from __future__ import annotations

import logging
import math
import os
import time

__all__ = ["FreeCores", "FollowFreeCores", "free_cores_now", "lower_priority", "NICE"]

log = logging.getLogger(__name__)

NICE = 10  # as the scheduled retrain's cron line (trainer/schedule.py)
# A core counts as taken by others from this much of its time: a background load of a few per
# cent (a browser tab, the desktop) keeps every thread; a player decoding video or a build does not.
BUSY_FROM = 0.3
MIN_INTERVAL_S = 1.0  # readings closer than this are too noisy to act on


def lower_priority(nice: int = NICE) -> None:
    """Run this process (and what it starts) at ``nice`` at least, with idle disk priority."""
    try:
        current = os.nice(0)
        if current < nice:
            os.nice(nice - current)
    except (OSError, AttributeError):  # not permitted, or not POSIX
        log.debug("could not lower the trainer's priority", exc_info=True)
    try:
        import psutil

        proc = psutil.Process()
        if hasattr(psutil, "IOPRIO_CLASS_IDLE"):
            proc.ionice(psutil.IOPRIO_CLASS_IDLE)
    except Exception:  # noqa: BLE001 - a nicety: never stop a retrain for it
        log.debug("could not lower the trainer's disk priority", exc_info=True)


class FreeCores:
    """How many cores other processes leave free, measured between calls to ``threads()``."""

    def __init__(self, most: int | None = None):
        import psutil

        self._psutil = psutil
        self.cores = psutil.cpu_count() or os.cpu_count() or 1
        self.most = max(1, min(most or self.cores, self.cores))
        self._proc = psutil.Process()
        self._last = self._sample()
        self._threads = self.most
        self.others = 0.0  # cores the other processes used over the last interval

    def _sample(self) -> tuple[float, float, float]:
        t = self._psutil.cpu_times()
        busy = sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)
        own = self._proc.cpu_times()
        mine = own.user + own.system + getattr(own, "children_user", 0.0) + getattr(own, "children_system", 0.0)
        return time.monotonic(), busy, mine

    def threads(self) -> int:
        """The threads to use now: the cores the others left free since the last call (at least
        one, at most ``most``); the previous answer when called again too soon."""
        now = self._sample()
        wall = now[0] - self._last[0]
        if wall < MIN_INTERVAL_S:
            return self._threads
        others = max(0.0, (now[1] - self._last[1]) - (now[2] - self._last[2])) / wall
        self._last, self.others = now, others
        self._threads = max(1, min(self.most, self.cores - math.ceil(others - BUSY_FROM)))
        return self._threads


def free_cores_now(n_threads: int = 0, sample_s: float = MIN_INTERVAL_S) -> int:
    """Threads for a llama.cpp engine the trainer loads (calibration, the gate's evaluations):
    ``n_threads`` when set, else the cores other processes left free over ``sample_s``.
    llama.cpp's threads spin-wait on each other like torch's: with every core asked for and one
    taken by another process, the calibration of a 2-layer model took 13 minutes instead of
    seconds.  (While the user talks to Jarvis the trainer is stopped, so his replies never
    count as taken.)"""
    if n_threads > 0:
        return n_threads
    cores = FreeCores()
    time.sleep(sample_s)
    n = cores.threads()
    if n < cores.cores:
        log.info("llama.cpp threads %d of %d (other processes use %.1f cores)", n, cores.cores, cores.others)
    return n


def FollowFreeCores(base_cls, most: int | None = None):
    """A TrainerCallback that sets torch's thread count to the free cores before each step
    (built lazily: transformers)."""
    import torch

    class Follow(base_cls):
        def __init__(self):
            self.cores = FreeCores(most or torch.get_num_threads())
            self.changes = 0

        def on_step_begin(self, args, state, control, **kw):
            n = self.cores.threads()
            if n != torch.get_num_threads():
                log.info("torch threads %d -> %d (other processes use %.1f cores)", torch.get_num_threads(), n,
                         self.cores.others)
                torch.set_num_threads(n)
                self.changes += 1

    return Follow()
