"""The user's settings: a dataclass with defaults and help text, saved as JSON in the data dir.

One set of limits, read by everything that checks a setting: each field's type is its
annotation, a number's range is ``min``/``max`` in its metadata, and ``cross_problems`` relates
fields (a reply must leave room in the context for the conversation, as the engine requires).
``Settings`` refuses values outside them (ConfigError), the settings dialog takes its ranges
from them, and ``load_settings_with_notice`` repairs a file that breaks them instead of failing.

What a user gets from a bad file (hand-edited, written by a newer Jarvis, damaged):

* not JSON, or not a JSON object: the file is moved aside and the defaults are used;
* a setting of the wrong type or out of range, or two settings that conflict: only those are
  reset to their defaults and the others are kept (losing a voice set-up over one typo helps
  nobody); the file as it was is moved aside and the repaired one saved;
* unknown keys are ignored (a newer Jarvis's settings, or an older one's), and kept out of
  the next save.

Either way the file as it was is kept as ``settings.json.unreadable-<time>`` (never over an
older one) and the notice says what happened.  Written atomically (temp file + rename), so a
crash mid-save keeps the previous settings; a failed save raises one clear JarvisError.
"""

from __future__ import annotations

import json
import logging
import math
import os
import stat
import typing
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError, JarvisError
from jarvis_desktop.core.options import option as _f
from jarvis_desktop.core.paths import data_dir, describe_os_error, write_atomic

__all__ = ["Settings", "load_settings", "load_settings_with_notice", "save_settings", "settings_path",
           "field_problem", "cross_problems", "MIN_PROMPT_TOKENS"]

log = logging.getLogger(__name__)

# The context a reply must leave for the system prompt and the conversation.  The engine
# needs 32 tokens beyond max_tokens (EngineConfig, ChatEngine._open); twice that gives a
# prompt some room.  A model whose training length is below n_ctx still fails at load, with a
# message: the settings cannot know it.
MIN_PROMPT_TOKENS = 64
MAX_FILE_BYTES = 1 << 20  # settings are a few hundred bytes; anything near this is not them


@dataclass
class Settings:
    honorific: str = _f("sir", "how Jarvis addresses you: sir, madam, or your name")
    user_name: str = _f("", "your name, for context (optional)")
    persona: str = _f("", "persona prompt; empty: the one shipped with Jarvis")
    model_version: str = _f("", "registered model to run; empty: the current one")
    n_ctx: int = _f(4096, "context size in tokens", min=256, max=131072)
    n_threads: int = _f(0, "CPU threads for the model (0: all cores)", min=0, max=256)
    n_gpu_layers: int = _f(0, "layers offloaded to a GPU (0: CPU only; -1: all)", min=-1, max=999)
    max_tokens: int = _f(256, "longest reply, in tokens", min=16, max=32768)
    retrain_every_days: int = _f(30, "retrain on a schedule every N days when there are new ratings (0: never)",
                                 min=0, max=365)
    last_retrain: str = _f("", "when the last retrain finished (ISO time)")
    retrain_stopped: str = _f("", "when a retrain was interrupted (Quit, a crash, power loss), to go on at the next start (ISO time; empty: none)")
    retrain_args: list = _f(None, "extra flags for `jarvis-train retrain` (advanced)")
    trainer_command: str = _f("", "the jarvis-train program to run (empty: the one beside Jarvis, on PATH, "
                                  "or the one the set-up recorded)")
    window_geometry: str = _f("", "window size and position (saved on close)")
    start_at_login: bool = _f(False, "start Jarvis when you log in (an entry in ~/.config/autostart)")
    voice: bool = _f(True, "speech in and out (off: text only)")
    hands_free: bool = _f(False, "listen all the time instead of push-to-talk")
    wake_word: bool = _f(False, "wait for \"Hey Jarvis\" before each command (hands-free mode); \"Hey Jarvis, "
                                "what time is it?\" in one breath works too")
    wake_by_whisper: bool = _f(True, "wake word heard by speech recognition too: whisper checks whether what is said "
                                     "begins with \"Jarvis\", which hears the voices the wake model misses (more CPU "
                                     "while people talk nearby)")
    headset: bool = _f(False, "you wear a headset: Jarvis cannot hear himself, so your voice may interrupt him at once")
    echo_cancel: bool = _f(True, "echo cancellation: hands-free on speakers, Jarvis's own voice is taken out of what "
                                 "the microphone hears, so you can interrupt him by voice or say \"stop\" without a headset")
    follow_up: bool = _f(True, "follow-ups without the wake word: for 5 s after a reply, speak again without \"Hey Jarvis\"")
    muted: bool = _f(False, "Jarvis answers in the window only")
    speak_typed: bool = _f(False, "also speak the replies to typed messages")
    asr_model: str = _f("tiny.en", "speech recognition: tiny.en, base, a CTranslate2 folder or a hub name")
    tts_voice: str = _f("", "a piper voice (.onnx); empty: the bundled one")
    speech_rate: float = _f(1.0, "how fast Jarvis speaks (1.0: the voice's own pace)", min=0.5, max=2.0)
    silence_s: float = _f(0.45, "the pause that ends what you say, in seconds", min=0.2, max=3.0)
    talk_hotkey: str = _f("<ctrl>+<alt>+j", "global push-to-talk key (X11 desktops); empty: none")
    memory: bool = _f(True, "remember what you ask Jarvis to (kept on this computer only; see the Memory window)")
    train_on_memory: bool = _f(False, "let retrains learn from rated turns that used the memory (off: they are left out)")

    def __post_init__(self):
        if self.retrain_args is None:
            self.retrain_args = []
        for f in fields(self):
            problem = field_problem(f.name, getattr(self, f.name))
            if problem:
                raise ConfigError(problem)
            if _types()[f.name] is float:
                setattr(self, f.name, float(getattr(self, f.name)))  # 1 from JSON is 1.0
        for _names, problem in cross_problems(asdict(self)):
            raise ConfigError(problem)


_KIND_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
               list: "a list of texts"}


def _types() -> dict[str, type]:
    # The annotations are strings (postponed evaluation): resolve them once.
    global _TYPES
    if _TYPES is None:
        _TYPES = typing.get_type_hints(Settings)
    return _TYPES


_TYPES: dict[str, type] | None = None


def _shown(value) -> str:
    try:
        text = json.dumps(value, default=repr, ensure_ascii=False)
    except ValueError:  # an integer of thousands of digits
        return f"a {type(value).__name__} too long to show"
    return text if len(text) <= 40 else text[:37] + "..."


def field_problem(name: str, value) -> str:
    """Why ``value`` cannot be the setting ``name``: its type and limits; "" when it can."""
    kind = _types()[name]
    meta = next(f.metadata for f in fields(Settings) if f.name == name)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is float and number:
        if not math.isfinite(value):
            return f"{name} must be a finite number, not {_shown(value)}"
    elif kind is int and isinstance(value, bool) or not isinstance(value, kind):
        return f"{name} must be {_KIND_WORDS[kind]}, not {_shown(value)}"
    lo, hi = meta.get("min"), meta.get("max")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return f"{name} must be between {lo} and {hi}, not {_shown(value)}"
    if kind is list and not all(isinstance(x, str) for x in value):
        return f"{name} must be {_KIND_WORDS[list]}, not {_shown(value)}"
    if name == "honorific" and not value.strip():
        return "the honorific cannot be empty: use sir, madam or your name"
    return ""


def cross_problems(values: dict) -> list[tuple[tuple[str, ...], str]]:
    """Conflicts between settings in ``values`` (every field, each of the right type): a list
    of (the fields involved, why), empty when they fit together."""
    out = []
    n_ctx, max_tokens = values["n_ctx"], values["max_tokens"]
    if max_tokens > n_ctx - MIN_PROMPT_TOKENS:
        out.append((("n_ctx", "max_tokens"),
                    f"the longest reply (max_tokens {max_tokens}) must leave at least {MIN_PROMPT_TOKENS} tokens "
                    f"of the context size (n_ctx {n_ctx}) for the conversation: lower it to at most "
                    f"{n_ctx - MIN_PROMPT_TOKENS} or raise the context size"))
    return out


def settings_path() -> Path:
    return data_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings; never raises (see ``load_settings_with_notice``; the notice is logged)."""
    return load_settings_with_notice(path)[0]


def load_settings_with_notice(path: Path | None = None) -> tuple[Settings, str]:
    """The saved settings, and a notice for the user: "" when the file was fine (or absent),
    else one paragraph saying what was wrong, what Jarvis did and where the old file is.

    Never raises: a bad file is repaired or replaced by the defaults (see the module's doc).
    """
    path = Path(path) if path else settings_path()
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a folder, or a pipe that would block the start
            raise OSError("it is not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise ValueError(f"it is {st.st_size:,} bytes, far too big for settings")
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return Settings(), ""
    except OSError as exc:  # cannot read it (see above, a disk error): nothing to judge or move
        notice = (f"Jarvis could not read your settings ({describe_os_error(exc, path, 'read')}) and uses "
                  "the defaults for now.")
        log.warning("%s", notice)
        return Settings(), notice
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested beyond reason
        if isinstance(exc, json.JSONDecodeError):
            why = f"it is not valid JSON (line {exc.lineno}, column {exc.colno})"
        elif isinstance(exc, UnicodeDecodeError):
            why = f"it is not UTF-8 text (a bad byte at offset {exc.start})"
        elif isinstance(exc, RecursionError):
            why = "it is nested too deeply"
        else:
            why = str(exc)
        return Settings(), _set_aside(path, why, None)
    if not isinstance(raw, dict):
        return Settings(), _set_aside(path, f"it holds {_shown(raw)} instead of a JSON object of settings", None)
    values, problems = _repair(raw)
    try:
        settings = Settings(**values)
    except ConfigError as exc:  # not expected after _repair; still, never a start that fails here
        settings, problems = Settings(), [*problems, f"{exc} (all settings reset)"]
    if not problems:
        return settings, ""
    return settings, _set_aside(path, "; ".join(problems), settings)


def _repair(raw: dict) -> tuple[dict, list[str]]:
    """The usable settings of ``raw`` and what was wrong with the rest (those are left out,
    so they take their defaults)."""
    defaults = asdict(Settings())
    known = {f.name for f in fields(Settings)}
    values, problems = {}, []
    for name, value in raw.items():
        if name not in known:
            continue  # a newer (or older) Jarvis's setting: not ours to judge
        if name == "retrain_args" and value is None:
            continue  # the declared default
        problem = field_problem(name, value)
        if problem:
            problems.append(f"{problem} (reset to {_shown(defaults[name])})")
        else:
            values[name] = value
    for _ in range(len(known)):  # each round resets at least one more field to its default
        conflicts = cross_problems({**defaults, **values})
        if not conflicts:
            break
        for names, problem in conflicts:
            problems.append(f"{problem} ({' and '.join(names)} reset to their defaults)")
            for name in names:
                values.pop(name, None)
    return values, problems


def _set_aside(path: Path, why: str, kept: Settings | None) -> str:
    """Move the bad file aside (never over an older one); with ``kept``, save the repaired
    settings in its place.  Returns the notice for the user."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
    used = "the other settings are kept" if kept is not None else "Jarvis uses the default settings"
    notice = f"Your settings file {path} had a problem: {why}. {used.capitalize()}"
    try:
        os.replace(path, aside)
    except OSError as exc:
        # Leave it where it is (saving over it would lose what the user may want back).
        notice += f"; the file could not be moved aside ({exc.strerror or exc}), so this repeats at the next start."
        log.warning("%s", notice)
        return notice
    notice += f"; the file as it was is {aside}."
    if kept is not None:
        try:
            save_settings(kept, path)
        except JarvisError as exc:
            notice += f" {exc}"
    log.warning("%s", notice)
    return notice


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write ``settings`` atomically; JarvisError (one line, saying what to do) when it cannot."""
    path = path or settings_path()
    try:
        write_atomic(path, json.dumps(asdict(settings), indent=2))
    except OSError as exc:  # a full disk says so, and never that the file is damaged
        raise JarvisError(f"Could not save your settings: {describe_os_error(exc, path)}") from None
