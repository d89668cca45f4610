"""Progress for people (a bar on stderr) and for the app (JSON lines on stdout).

The JSON line format is an interface (docs/ARCHITECTURE.md, "Progress lines")::

    {"stage": "sft", "step": 12, "total": 300, "message": "loss 1.234", "eta_s": 95}

and a final ``{"stage": "done", ...}`` or, on failure, ``{"stage": "error", "message": ...}``.
Each line is a ``ProgressEvent`` (jarvis_desktop.core.progress_event), which the app reads back.
"""

from __future__ import annotations

import sys
import time

from jarvis_desktop.core.progress_event import ProgressEvent

__all__ = ["Progress"]


class Progress:
    """Reports stage/step progress; ``mode`` is "json", "bar" or "auto" (json unless a TTY)."""

    def __init__(self, mode: str = "auto", stream=None):
        self.stream = stream or sys.stdout
        if mode == "auto":
            mode = "bar" if self.stream.isatty() else "json"
        self.mode = mode
        self._bar = None
        self._stage = None
        self._t0 = time.monotonic()

    def update(self, stage: str, step: int = 0, total: int = 0, message: str = "", **extra) -> None:
        if stage != self._stage:
            self._close_bar()
            self._stage, self._t0 = stage, time.monotonic()
        eta = None
        if total and step:
            eta = round((time.monotonic() - self._t0) / step * (total - step))
        if self.mode == "json":
            self.stream.write(ProgressEvent(stage, step, total, message, eta, extra).to_json() + "\n")
            self.stream.flush()
        elif self.mode == "bar":
            self._show_bar(stage, step, total, message)

    def _show_bar(self, stage, step, total, message) -> None:
        if total:
            if self._bar is None:
                from tqdm import tqdm

                self._bar = tqdm(total=total, desc=stage, file=sys.stderr, dynamic_ncols=True)
            self._bar.n = step
            self._bar.set_postfix_str(message, refresh=True)
        else:
            self._close_bar()
            sys.stderr.write(f"[{stage}] {message}\n")

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def close(self) -> None:
        self._close_bar()
