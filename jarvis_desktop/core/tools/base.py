"""What a tool is: a name, typed parameters, a function, and how Jarvis says its result.

The fine-tune answers a request it cannot know (free disk space, 5 miles in kilometres, the
time in Tokyo) with a short call instead of prose, ``call:convert{value:5,from:"mile",to:"km"}``
(tools/call.py); the Toolbox (tools/__init__.py) checks it against the tool's parameters and
runs the tool, and Jarvis says the tool's ``reply``.  The reply is phrased by the tool from its
own result, so every number the user hears is the tool's: the model never copies a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

__all__ = ["Param", "Tool", "ToolResult", "Context", "ToolFailed"]


@dataclass(frozen=True)
class Param:
    """One argument of a tool: ``kind`` is float, int, str or bool; a str may be limited to
    ``choices`` (compared case-insensitively; the call is normalised to the choice's spelling).
    An optional one's ``default`` (None: none) is filled in when a call leaves it out, so
    ``call:top_processes{}`` and ``call:top_processes{by:"memory"}`` are the same call."""

    name: str
    kind: type
    doc: str
    required: bool = True
    choices: tuple[str, ...] = ()
    default: object = None


@dataclass(frozen=True)
class ToolResult:
    """What a tool did: ``reply`` is Jarvis's sentence (with the honorific), phrased from
    ``data``, the result's values (JSON-serialisable; logged with the turn).  ``ok`` False: the
    tool could not do it (no battery, a unit it does not know) and ``reply`` says so politely."""

    reply: str
    data: dict = field(default_factory=dict)
    ok: bool = True


@dataclass(frozen=True)
class Context:
    """What a tool may know of the conversation: how to address the user, the assistant's
    clock (fixed in the evaluation), the app's timers and memory (None where there are none),
    and the user's message the call answers."""

    honorific: str = "sir"
    now: datetime = field(default_factory=datetime.now)
    timers: Any = None  # core.timers.TimerService
    memory: Any = None  # core.memory.MemoryStore
    message: str = ""

    @property
    def Honorific(self) -> str:  # noqa: N802 - for a sentence's start: "Sir, ..."
        return self.honorific[:1].upper() + self.honorific[1:]


class ToolFailed(Exception):
    """Raised by a tool for an expected failure; its message is said to the user as it is
    (a full sentence with the honorific), e.g. "This computer has no battery, sir."."""


@dataclass(frozen=True)
class Tool:
    """A tool the model may call.

    ``run(args, context)`` gets the validated arguments (every required one present, each of
    its kind) and returns a ToolResult, or raises ToolFailed.  ``read_only`` tools only look
    (disk space, the time); the others change something (set a timer, open an app).
    ``examples``: (request, call) pairs, e.g. ("How much space is left on my drive?",
    "call:disk_free{}"): the training data and the README's table start from them.
    """

    name: str
    doc: str
    params: tuple[Param, ...]
    run: Callable[[dict, Context], ToolResult]
    read_only: bool = True
    timeout_s: float = 2.0
    examples: tuple[tuple[str, str], ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)
