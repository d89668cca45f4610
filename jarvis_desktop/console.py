"""Jarvis on the console: ``jarvis --ask``, ``jarvis chat`` and the model part of ``--check``.

The same ``Assistant`` as the app (jarvis_desktop.core.assistant): the user's settings (persona,
honorific, name, context size, threads, reply length), the skills, and the current model of
the registry, so the console answers what the window would.  Replies are greedy by default
(a script gets the same answer each time; ``--temperature 0.7`` samples as the app does), and
``--now`` fixes the clock for reproducible runs.  Nothing here imports Qt.

Console turns are not written to the interaction log: rating and retraining live in the app.
Timers and reminders set in ``jarvis chat`` ring in that console while it stays open (the app
keeps its own), so a console never rewrites the app's timers.
"""

from __future__ import annotations

import atexit
import importlib
import shutil
import sys
import tempfile
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Callable, TextIO

from jarvis_desktop.core.assistant import Answer, Assistant, Persona, nothing_said
from jarvis_desktop.core.engine import ChatEngine, EngineConfig
from jarvis_desktop.core.errors import ConfigError, JarvisError, ModelError
from jarvis_desktop.core.embedder import default_embedder
from jarvis_desktop.core.memory import MemoryStore, said_as
from jarvis_desktop.core.settings import Settings
from jarvis_desktop.core.skills import Skills
from jarvis_desktop.core.timers import TimerService, announcement
from jarvis_desktop.core.tools import Toolbox

__all__ = ["ConsoleOptions", "open_assistant", "chat", "parse_now", "NO_MODEL", "HELP"]

NO_MODEL = ("no model is registered yet: run `jarvis-train retrain` to train the default (30 to 90 "
            "minutes on a 2-core CPU), or start Jarvis and it offers to")
HELP = ("Type a message and press Enter. /new starts a new conversation, /quit (or Ctrl-D) ends; "
        "Ctrl-C stops a reply.")


@dataclass
class ConsoleOptions:
    honorific: str = ""  # "": the one in Settings
    model: str = ""  # a registered version; "": the current one
    temperature: float = 0.0
    now: datetime | None = None  # a fixed clock; None: the real time


def parse_now(text: str) -> datetime:
    """``--now`` as ISO 8601 ("2026-11-26T20:40"), or ConfigError saying what is expected."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--now {text!r}: not a date and time; write it as 2026-11-26T20:40") from None


def open_assistant(settings: Settings, opts: ConsoleOptions, warn: Callable[[str], None] = print,
                   timers: TimerService | None = None, registry=None) -> Assistant:
    """An Assistant over the chosen registered model, checked (SHA-256) and loaded.  A damaged
    current-model pointer goes to ``warn`` at once (then the version it falls back to is used)."""
    from jarvis_desktop.core.registry import Registry, verify_file

    registry = registry or Registry()
    if opts.model:
        version = registry.get(opts.model)
    else:
        version, problem = registry.resolve()
        if problem:
            warn(problem)
        if version is None:
            raise ModelError(NO_MODEL)
    verify_file(version)
    clock: Callable[[], datetime] = (lambda: opts.now) if opts.now else datetime.now
    config = EngineConfig(n_ctx=settings.n_ctx, n_threads=settings.n_threads, n_gpu_layers=settings.n_gpu_layers,
                          max_tokens=settings.max_tokens, temperature=opts.temperature, seed=0)
    engine = ChatEngine(config)
    engine.load(version.gguf)
    persona = Persona.of(settings)
    if opts.honorific:
        persona = replace(persona, honorific=opts.honorific)
    if timers is None:  # a private list: the app's timers.json is the app's
        folder = tempfile.mkdtemp(prefix="jarvis-console-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        timers = TimerService(Path(folder) / "timers.json", clock=clock)
    assistant = Assistant(engine, Skills(timers, clock=clock), persona, clock, version=version.name,
                          tools=Toolbox(timers=timers, clock=clock, memory=open_memory(settings, warn)))
    if assistant.memory is not None:  # a forgotten fact leaves this conversation too
        assistant.memory.on_forget.append(
            lambda facts: assistant.forget_words(said_as(facts)))
    return assistant


def open_memory(settings, warn: Callable[[str], None]):
    """The user's memory (the app's, in the data dir) when Settings keep it on; None when off,
    or when it cannot be opened (said through ``warn``: Jarvis answers without it)."""
    if not settings.memory:
        return None
    try:
        store = MemoryStore(embedder=default_embedder())
    except JarvisError as exc:
        warn(f"memory not available: {exc}")
        return None
    atexit.register(store.close)
    return store


def answer_line(assistant: Assistant, text: str, out: TextIO) -> Answer | None:
    """Stream the reply to ``text`` onto ``out`` after "jarvis: "; Ctrl-C stops it, and what
    was written stands as the reply (as when the user interrupts the app)."""
    out.write("jarvis: ")
    out.flush()
    shown: list[str] = []
    stop = threading.Event()
    reply = assistant.ask(text, stop=stop)
    try:
        for piece in reply:
            shown.append(piece)
            out.write(piece)
            out.flush()
    except KeyboardInterrupt:
        stop.set()
        assistant.remember(text, "".join(shown).strip())
        out.write(" [stopped]\n")
        return None
    answer = reply.answer
    if answer is not None and answer.said_nothing:  # as the app: a line, not an empty reply
        answer = replace(answer, text=nothing_said(assistant.persona.honorific))
        out.write(answer.text)
        assistant.history[-1:] = [{"role": "assistant", "content": answer.text}]
    out.write("\n")
    out.flush()
    assistant.prefill()  # while the reply is read: the next one evaluates only its message
    return answer


def chat(assistant: Assistant, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    """The console conversation: one message a line until /quit or the end of the input
    (``stdin`` and ``out``: the process's own by default)."""
    stdin, out = stdin or sys.stdin, out or sys.stdout
    interactive = stdin.isatty()
    timers = assistant.skills.timers if assistant.skills is not None else None
    done = threading.Event()
    lock = threading.Lock()

    def ring():  # timers set here ring here, between lines
        while not done.wait(1.0):
            for timer in timers.pop_due():
                with lock:
                    out.write(f"\njarvis: {announcement(timer, assistant.persona.honorific, assistant.clock())}\n")
                    out.flush()

    if timers is not None:
        threading.Thread(target=ring, name="jarvis-console-timers", daemon=True).start()
    if interactive:
        out.write(f"Jarvis ({assistant.version}). {HELP}\n")
    try:
        while True:
            try:
                line = _read_line(stdin, out, interactive)
            except KeyboardInterrupt:
                out.write("\n")
                return 0
            if not line:
                if interactive:
                    out.write("\n")
                return 0
            text = line.strip()
            if not text:
                continue
            if text in ("/quit", "/exit"):
                return 0
            if text == "/new":
                assistant.reset()
                out.write("(a new conversation)\n")
                continue
            try:
                with lock:
                    answer_line(assistant, text, out)
            except JarvisError as exc:
                out.write(f"\njarvis: error: {exc}\n")
    finally:
        done.set()


def _read_line(stdin: TextIO, out: TextIO, interactive: bool) -> str:
    """The next line ("" at the end of the input); at a terminal, with line editing and history."""
    if not interactive:
        return stdin.readline()
    if stdin is sys.stdin:
        try:  # input() then edits lines and keeps a history
            importlib.import_module("readline")
        except ImportError:
            pass
        try:
            return input("you: ") + "\n"
        except EOFError:
            return ""
    out.write("you: ")
    out.flush()
    return stdin.readline()
