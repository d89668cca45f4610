"""Test speech without sound hardware: sentences spoken by piper (the bundled voice) or by
espeak-ng (a different voice, so recognition is not only tested on the voice Jarvis speaks
with), as 16 kHz float32 arrays, with silence around them.  Used by tests and benchmarks."""

from __future__ import annotations

import functools
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from jarvis_desktop.voice.audio import SAMPLE_RATE, from_pcm16, resample


@functools.lru_cache(maxsize=1)
def piper_voice():
    from jarvis_desktop.voice.tts import PiperSynthesizer

    return PiperSynthesizer()


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), np.float32)


def piper_says(text: str) -> np.ndarray:
    chunk = piper_voice().synthesize(text)
    return resample(chunk.samples, chunk.rate)


def espeak_says(text: str, voice: str = "en-gb", speed: int = 160) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "say.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text], check=True,
                       capture_output=True)
        with wave.open(str(wav), "rb") as f:
            pcm = from_pcm16(f.readframes(f.getnframes()))
            rate = f.getframerate()
    return resample(pcm, rate)


def utterance(text: str, before: float = 0.5, after: float = 1.2, speaker=piper_says) -> np.ndarray:
    """Silence, the sentence, silence (enough for the endpointer to close it)."""
    return np.concatenate([silence(before), speaker(text), silence(after)])


def speech_start(audio: np.ndarray, floor: float = 0.01) -> int:
    """The sample where voiced audio first begins (0 when none is)."""
    loud = np.flatnonzero(np.abs(audio) > floor)
    return int(loud[0]) if len(loud) else 0


def speech_end(audio: np.ndarray, floor: float = 0.01) -> int:
    """The sample where voiced audio last ends (what a user would call the end of speech)."""
    loud = np.flatnonzero(np.abs(audio) > floor)
    return int(loud[-1]) + 1 if len(loud) else 0
