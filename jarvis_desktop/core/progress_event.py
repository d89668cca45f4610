"""A retrain's progress as typed values: one JSON line on the trainer's stdout is one event.

The line format is an interface other programs read (docs/ARCHITECTURE.md, "Progress lines")::

    {"stage": "sft", "step": 12, "total": 300, "message": "loss 1.234", "eta_s": 95}

ending with ``{"stage": "done", "version": "v4", "promoted": true, "reason": "..."}`` or
``{"stage": "error", "message": "..."}``.  ``ProgressEvent`` writes (``trainer.progress``) and
reads (the app's ``workers.RetrainJob``) exactly that; keys beyond the five fixed ones travel in
``extra``.  ``JobState`` is what the app shows: an event and whether the job still runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ProgressEvent", "JobState"]

_FIXED = ("stage", "step", "total", "message", "eta_s")


@dataclass(frozen=True)
class ProgressEvent:
    stage: str
    step: int = 0
    total: int = 0
    message: str = ""
    eta_s: int | None = None  # seconds left in this stage, when it can be told
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. version, promoted, reason (at "done")

    @property
    def done(self) -> bool:
        return self.stage == "done"

    @property
    def failed(self) -> bool:
        return self.stage == "error"

    @property
    def promoted(self) -> bool:
        """At "done": whether the new version was made current (True when not said)."""
        return bool(self.extra.get("promoted", True))

    @property
    def version(self) -> str:
        return str(self.extra.get("version", ""))

    def to_json(self) -> str:
        row: dict[str, Any] = {"stage": self.stage, "step": self.step, "total": self.total, "message": self.message}
        if self.eta_s is not None:
            row["eta_s"] = self.eta_s
        row.update({k: v for k, v in self.extra.items() if k not in _FIXED})
        return json.dumps(row)

    @classmethod
    def from_json(cls, line: str | bytes) -> ProgressEvent | None:
        """The event on ``line``, or None when the line is not one (a library's stray output)."""
        try:
            row = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(row, dict) or not isinstance(row.get("stage"), str):
            return None

        def number(key: str) -> int:
            value = row.get(key)
            return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0

        eta = row.get("eta_s")
        return cls(row["stage"], number("step"), number("total"), str(row.get("message") or ""),
                   int(eta) if isinstance(eta, (int, float)) and not isinstance(eta, bool) else None,
                   {k: v for k, v in row.items() if k not in _FIXED})


@dataclass(frozen=True)
class JobState:
    """The retrain as the app shows it: whether it runs, and its latest event."""

    running: bool
    event: ProgressEvent = field(default_factory=lambda: ProgressEvent("idle"))
    paused: bool = False  # waiting while Jarvis answers (jarvis_desktop/trainer_yield.py)

    @property
    def stage(self) -> str:
        return self.event.stage

    @property
    def step(self) -> int:
        return self.event.step

    @property
    def total(self) -> int:
        return self.event.total

    @property
    def message(self) -> str:
        return self.event.message

    @property
    def eta_s(self) -> int | None:
        return self.event.eta_s
