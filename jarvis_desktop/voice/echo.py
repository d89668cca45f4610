"""Acoustic echo cancellation: Jarvis's own voice taken out of what the microphone hears.

On laptop speakers the microphone hears every word Jarvis says.  The canceller is given the
reference (the samples actually sent to the sound device, block by block) and takes their echo
out of the microphone signal before the VAD, the wake word and whisper see it.  With it,
speech over Jarvis can interrupt him without a headset.

The canceller is WebRTC's AEC3, from the ``AudioProcessingModule`` the ``livekit`` package
ships (a linear adaptive filter with a delay estimator, then a residual echo suppressor).
``benchmarks/echo_bench.py`` measured it against speexdsp's canceller on the same simulated
laptop rooms: after convergence AEC3 removed 28-36 dB of echo, speexdsp 16.5-18 dB (it has no
residual echo suppressor); AEC3 costs about 24 ms of CPU per second of audio, speexdsp 10 ms.

Both signals are 16 kHz mono.  AEC3 takes 10 ms blocks, the listener's frames are 32 ms (512
samples), so frames are cut into blocks and put back together: that adds 10 ms, and AEC3 itself 8 ms.
"""

from __future__ import annotations

import collections
import time

import numpy as np

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.voice.audio import SAMPLE_RATE, from_pcm16, to_pcm16

__all__ = ["EchoCanceller", "BLOCK"]

BLOCK = SAMPLE_RATE // 100  # AEC3's 10 ms
MIN_ERLE_DB = 20.0  # echo removed before speech may cut Jarvis off (settled AEC3: 28-36 dB in the bench's rooms)
ERLE_FRAMES = 64  # about 2 s of his speech
LAG = BLOCK + 128  # the output is this late: the 10 ms of reblocking, and AEC3's own 8 ms


class EchoCanceller:
    """``process(mic, reference)`` returns the microphone frame with the echo of ``reference``
    taken out, ``LAG`` samples (18 ms) late: one 512-sample frame out for each frame in.

    ``reference`` is what was sent to the speaker during the same block of time as ``mic``
    was captured (zeros, or None, while nothing plays).  ``delay_ms`` is how much later its echo
    reaches the microphone: the output and input latencies the sound device reports.  AEC3
    finds the delay itself as well; the hint makes it converge sooner.
    """

    def __init__(self, delay_ms: float = 0.0, noise_suppression: bool = False, settle_s: float = 4.0):
        try:
            from livekit import rtc
        except (ImportError, OSError) as exc:
            raise ConfigError("echo cancellation needs the livekit package (WebRTC's audio processing): "
                              f"pip install livekit ({exc})") from exc
        self._rtc, self.noise_suppression, self.delay_ms = rtc, noise_suppression, delay_ms
        self.settle_s = settle_s
        self.blocks = 0
        self.seconds = 0.0  # CPU time spent
        self.reset()

    @property
    def converged(self) -> bool:
        """Whether the canceller removes Jarvis's echo well: it has heard ``settle_s`` of him and
        takes out ``MIN_ERLE_DB`` over the last seconds of his speech.  Until then (the first
        seconds on a new device, a room that changed) his echo may still sound like speech."""
        return self.heard_s >= self.settle_s and self.erle_db >= MIN_ERLE_DB

    def converged_before(self, seconds: float) -> bool:
        """``converged`` as it was ``seconds`` ago: a user who began talking over Jarvis lowers the
        ERLE at once (his voice is not removed), so the question is asked of the time before."""
        back = int(round(seconds * SAMPLE_RATE / self._frame)) if self._frame else 0
        return len(self._history) > back and self._history[-1 - back]

    @property
    def erle_db(self) -> float:
        """How much of Jarvis's echo the canceller takes out: the median, over his last
        ``ERLE_FRAMES`` frames of speech, of each frame's energy in against out (a median, so
        that a user talking over him, whose voice is not removed, does not count)."""
        return float(np.median(self._erle)) if self._erle else 0.0

    def process(self, mic: np.ndarray, reference: np.ndarray | None = None,
                delay_ms: float | None = None) -> np.ndarray:
        n = len(mic)
        if reference is None:
            reference = np.zeros(n, np.float32)
        elif len(reference) != n:
            raise ValueError(f"the reference has {len(reference)} samples and the microphone {n}: "
                             "they must cover the same time")
        if delay_ms is not None:
            self.delay_ms = delay_ms
        began = time.process_time()
        playing = np.max(np.abs(reference), initial=0.0) > 1e-3
        self._mic = np.concatenate([self._mic, np.asarray(mic, np.float32)])
        self._ref = np.concatenate([self._ref, np.asarray(reference, np.float32)])
        done = []
        rtc = self._rtc
        delay = int(round(max(0.0, self.delay_ms)))
        while len(self._mic) >= BLOCK:
            far = rtc.AudioFrame(to_pcm16(self._ref[:BLOCK]), SAMPLE_RATE, 1, BLOCK)
            near = rtc.AudioFrame(to_pcm16(self._mic[:BLOCK]), SAMPLE_RATE, 1, BLOCK)
            self._apm.process_reverse_stream(far)
            self._apm.set_stream_delay_ms(delay)  # AEC3 wants it before each near-end block
            self._apm.process_stream(near)
            done.append(from_pcm16(bytes(near.data)))
            self._mic, self._ref = self._mic[BLOCK:], self._ref[BLOCK:]
            self.blocks += 1
        if done:
            self._out = np.concatenate([self._out, *done])
        out, self._out = self._out[:n], self._out[n:]
        heard = np.concatenate([self._heard, np.asarray(mic, np.float32)])
        self._heard = heard[-(LAG + n):]
        if playing:
            self.heard_s += n / SAMPLE_RATE
            said = heard[-(LAG + n):len(heard) - LAG]  # the microphone samples ``out`` is made of
            if len(said) == n and float(np.dot(said, said)) > n * 1e-6:  # louder than -60 dBFS
                self._erle.append(10 * np.log10(float(np.dot(said, said)) / max(float(np.dot(out, out)), 1e-12)))
        self._frame = n
        self._history.append(self.converged)
        self.seconds += time.process_time() - began
        return out

    def reset(self) -> None:
        """Forget the room (a new sound device): the next frames are cancelled afresh."""
        self._apm = self._rtc.AudioProcessingModule(echo_cancellation=True, high_pass_filter=True,
                                                    noise_suppression=self.noise_suppression)
        self._mic = np.zeros(0, np.float32)
        self._ref = np.zeros(0, np.float32)
        self._out = np.zeros(BLOCK, np.float32)  # the 10 ms the reblocking keeps back
        self.heard_s = 0.0  # seconds of Jarvis's voice it has been given
        self._erle: collections.deque = collections.deque(maxlen=ERLE_FRAMES)  # dB, frame by frame
        self._heard = np.zeros(0, np.float32)  # the last microphone samples, for the output's lag
        self._history: collections.deque = collections.deque(maxlen=128)  # converged, frame by frame
        self._frame = 0
