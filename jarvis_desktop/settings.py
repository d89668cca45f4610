"""The user's settings: a dataclass with defaults and help text, saved as JSON in the data dir.

Written atomically (temp file + rename), so a crash mid-save keeps the previous settings; an
unreadable file is moved aside and the defaults are used, with the reason logged.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from jarvis_desktop.errors import ConfigError
from jarvis_desktop.options import option as _f
from jarvis_desktop.paths import data_dir, write_atomic

__all__ = ["Settings", "load_settings", "save_settings", "settings_path"]

log = logging.getLogger(__name__)


@dataclass
class Settings:
    honorific: str = _f("sir", "how Jarvis addresses you: sir, madam, or your name")
    user_name: str = _f("", "your name, for context (optional)")
    persona: str = _f("", "persona prompt; empty: the one shipped with Jarvis")
    model_version: str = _f("", "registered model to run; empty: the current one")
    n_ctx: int = _f(4096, "context size in tokens")
    n_threads: int = _f(0, "CPU threads for the model (0: all cores)")
    n_gpu_layers: int = _f(0, "layers offloaded to a GPU (0: CPU only; -1: all)")
    max_tokens: int = _f(256, "longest reply, in tokens")
    retrain_every_days: int = _f(30, "retrain on a schedule every N days when there are new ratings (0: never)")
    last_retrain: str = _f("", "when the last retrain finished (ISO time)")
    retrain_args: list = _f(None, "extra flags for `jarvis-train retrain` (advanced)")
    trainer_command: str = _f("", "the jarvis-train program to run (empty: the one beside Jarvis, on PATH, "
                                  "or the one the set-up recorded)")
    window_geometry: str = _f("", "window size and position (saved on close)")
    start_at_login: bool = _f(False, "start Jarvis when you log in (an entry in ~/.config/autostart)")
    voice: bool = _f(True, "speech in and out (off: text only)")
    hands_free: bool = _f(False, "listen all the time instead of push-to-talk")
    wake_word: bool = _f(False, "wait for \"Hey Jarvis\" before each command (hands-free mode)")
    headset: bool = _f(False, "you wear a headset: your voice may interrupt Jarvis in hands-free mode")
    muted: bool = _f(False, "Jarvis answers in the window only")
    speak_typed: bool = _f(False, "also speak the replies to typed messages")
    asr_model: str = _f("tiny.en", "speech recognition: tiny.en, base, a CTranslate2 folder or a hub name")
    tts_voice: str = _f("", "a piper voice (.onnx); empty: the bundled one")
    speech_rate: float = _f(1.0, "how fast Jarvis speaks (1.0: the voice's own pace)")
    silence_s: float = _f(0.45, "the pause that ends what you say, in seconds")
    talk_hotkey: str = _f("<ctrl>+<alt>+j", "global push-to-talk key (X11 desktops); empty: none")

    def __post_init__(self):
        if self.retrain_args is None:
            self.retrain_args = []
        if not str(self.honorific).strip():
            raise ConfigError("the honorific cannot be empty: use sir, madam or your name")
        for name in ("n_ctx", "max_tokens"):
            if int(getattr(self, name)) < 64:
                raise ConfigError(f"{name} must be at least 64, not {getattr(self, name)}")
        if int(self.retrain_every_days) < 0:
            raise ConfigError("retrain_every_days cannot be negative")
        if not 0.5 <= float(self.speech_rate) <= 2.0:
            raise ConfigError(f"speech_rate must be between 0.5 and 2.0, not {self.speech_rate}")
        if not 0.2 <= float(self.silence_s) <= 3.0:
            raise ConfigError(f"silence_s must be between 0.2 and 3.0 seconds, not {self.silence_s}")


def settings_path() -> Path:
    return data_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.is_file():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(Settings)}
        return Settings(**{k: v for k, v in raw.items() if k in known})
    except (ValueError, TypeError, ConfigError) as exc:
        aside = path.with_name(path.name + ".unreadable")
        os.replace(path, aside)
        log.warning("settings file %s could not be read (%s); moved to %s, using defaults", path, exc, aside)
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    write_atomic(path, json.dumps(asdict(settings), indent=2))
