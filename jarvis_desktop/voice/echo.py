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

AEC3's suppressor, which makes its output so clean while Jarvis speaks alone, also takes out
much of a voice that talks over him: the first words of a barge-in were lost ("Find the file
called budget" heard as "I'll call budget").  So the canceller also learns the echo path as a
plain linear filter (``LinearEcho``) while he speaks alone, and what was said over him is
transcribed from the microphone minus that filter's echo estimate: 16-17 dB of echo removed, no
suppression, the user's voice untouched.  In a probe over three rooms and three voices, whisper's
word error rate on commands said over him fell from 0.63 (AEC3's output) to 0.27, against 0.25
for the same words said with Jarvis silent.

Both signals are 16 kHz mono.  AEC3 takes 10 ms blocks, the listener's frames are 32 ms (512
samples), so frames are cut into blocks and put back together: that adds 10 ms, and AEC3 itself 8 ms.
"""

from __future__ import annotations

import collections
import functools
import time

import numpy as np

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.voice.audio import SAMPLE_RATE, from_pcm16, to_pcm16

__all__ = ["EchoCanceller", "BLOCK", "VoiceOver", "suppress_residual"]

BLOCK = SAMPLE_RATE // 100  # AEC3's 10 ms
MIN_ERLE_DB = 20.0  # echo removed before speech may cut Jarvis off (settled AEC3: 28-36 dB in the bench's rooms)
ERLE_FRAMES = 64  # about 2 s of his speech
LAG = BLOCK + 128  # the output is this late: the 10 ms of reblocking, and AEC3's own 8 ms
LEARN_ERLE_DB = 12.0  # a frame where AEC3 removes this much is his echo alone: the linear filter learns from it
# Double talk: a frame whose linear residual, less what it shares with the echo estimate
# (``unexplained``), is within DOUBLE_TALK_DB of his echo's recent level has someone talking over
# Jarvis; so has one within QUIET_TALK_DB of it where AEC3, settled, took at most QUIET_REMOVED_DB
# out of a frame in which his echo is heard (its echo estimate within QUIET_ECHO_NOW of his recent
# level).  AEC3 removes 25-45 dB of his echo alone and lets a voice over him through (0-15 dB
# removed), though its suppressor thins that voice too much for a VAD to call it speech.  Measured
# offline on 60 min of his echo alone (the bench's three rooms, 20-150 ms; 2026-12-05), two frames
# in a row that the linear path's VAD called speech reached -3.1 dB as the residual itself (the
# kitchen), -4.3 dB as what is left of it, and -10.6 dB where AEC3 let the frame through; a voice at
# -30 or -24 dBFS over him brings it to about -8 to +28 dB.  Of three sets of 30 users over him
# (settled, settled, his first seconds), found within 300 ms: 23, 21 and 18 with the residual
# itself at 0 dB (the line until then); 30, 25 and 21 with these.  The endpointer, which begins
# utterances over him, keeps the 0-dB line on the residual itself (``above_echo``): with these,
# it began utterances on his echo's ring between his words, which cut him off twice in 3 hours.
DOUBLE_TALK_DB = -2.0
QUIET_TALK_DB, QUIET_REMOVED_DB = -8.0, 8.0
QUIET_ECHO_NOW = 10 ** (-6 / 10)
ABOVE_ECHO_DB = 0.0
# A voice over him in the linear path (``VoiceOver``): this many frames in a row of double talk that
# its VAD calls speech (his echo alone never held within 6 dB of the line for two).
OVER_FRAMES = 2
# Two frames in a row that the linear path's VAD calls speech hold a voice over him also where
# the mean of what their residuals do not share with the echo estimate is within PAIR_TALK_DB of
# his level and AEC3, settled, took at most PAIR_REMOVED_DB out of each: a soft voice comes and
# goes from one frame to the next (-1 dB, then -12), which the test of ``double_talk``, frame by
# frame, misses until a louder syllable.  Offline on 180 users over him in the bench's rooms and
# voices (settled, 2026-12-05), found within 250 ms: 156 -> 167; on 122 min of his echo alone
# (the three rooms; 20-ms devices in the living room and kitchen, 60 and 80 ms in the small
# office) the pair's mean reached -8.2 dB at most (the kitchen, 20 ms), -6.7 dB without the AEC3
# condition.
PAIR_TALK_DB, PAIR_REMOVED_DB = -6.0, 15.0
# A line that followed the room (4 dB over the 90th percentile of the residual, down to -6 dB)
# found voices sooner offline (within 250 ms 0.63 -> 0.87 of 30 recorded trials) but cut him
# off by himself 6 times in an hour of the bench (kitchen: his echo alone at -5 and -3 dB).
# His last frames alone (the last ALONE_FRAMES, once there are ALONE_MIN_FRAMES) tell how loud
# the residual of his echo is, for suppress_residual.
ALONE_FRAMES, ALONE_MIN_FRAMES = 256, 45  # ~8 s and ~1.5 s of his echo alone
# The words said over him, for whisper, with the rest of his echo taken down (suppress_residual).
# On 30 recorded trials of the bench's rooms and voices (offline, whisper tiny.en) the word error
# rate fell from 0.65 (the linear residual) to 0.52; 0.95 on AEC3's output, 0.36 the voices alone.
RES_OVER, RES_FLOOR = 1.0, 0.1
# The window whisper gets reaches back ~1 s before the words said over him were noticed (the VAD
# hears them late), so it opens on his echo's rest alone, which tiny.en takes for speech: it then
# misheard the first words after it.  So the window is silent up to VOICE_MARGIN_S before where
# the linear path first finds a voice (two frames in a row within QUIET_TALK_DB of his echo's
# level, as ``talk_db``), faded in over VOICE_FADE_S.  On 85 recorded barge-ins of the bench
# (three runs, 2026-12-05, tiny.en, beam 5): word errors 0.456 -> 0.386 (0.403 / 0.420 with
# 0.15 / 0.25 s of margin, 0.417 with the rest at -30 dB instead of silent); the voice was found
# within -0.02..+0.19 s of where it began in 29 of 30, and 1 s early (nothing cut) in one.
VOICE_MARGIN_S, VOICE_FADE_S = 0.1, 0.05
# The linear filter is used once it has learned from this many frames of his voice alone (about
# 0.65 s), and may cut him off before AEC3 has settled once TRUST_FRAMES of his voice alone left a
# residual TRUST_DB under his echo (median).  Measured on the first 8 s of 240 fresh cancellers
# (the bench's rooms, 20-150 ms, piper replies): no voice found in his echo alone (the two frames
# over the line came in the filter's first frames, where the residual was still above -6 dB);
# with a user talking over him 1.5-4 s into his first reply (120 trials, five voices, -30 and -24
# dBFS), stopped within 300 ms 88 times, against none when only a settled AEC3 (4 s) let him be cut off.
LINEAR_MIN_FRAMES = 20
TRUST_FRAMES, TRUST_DB = 8, -6.0
ECHO_LEVEL_DECAY = 0.8  # a frame: his echo's level falls 1 dB a frame (32 ms) when he pauses


class LinearEcho:
    """Jarvis's echo as a linear filter of what was played: ``taps`` samples (0.5 s) of the
    room's response, estimated as the cross-spectrum of played and heard over the spectrum of
    played (Welch's averages, updated frame by frame while he speaks alone, ``learn``).
    ``clean(start, length)`` gives the microphone minus the filtered reference over samples
    ``start``... of the input kept (the last ``keep_s``).

    The reference is aligned by the reported delay less ``margin`` samples, so that an echo
    arriving a little earlier than reported still falls inside the filter."""

    def __init__(self, taps: int = 8192, keep_s: float = 30.0, margin: int = 512, smoothing: float = 0.98):
        self.taps, self.margin, self.a = taps, margin, smoothing
        self.size = int(keep_s * SAMPLE_RATE) + taps
        self._mic = np.zeros(self.size, np.float32)  # circular: sample t at t % size
        self._ref = np.zeros(self.size, np.float32)  # the reference aligned with the microphone
        self._played = np.zeros(0, np.float32)  # what was played lately, for the alignment
        self.samples = 0  # input samples taken so far
        self._window = np.hanning(taps).astype(np.float32)
        self._sxy = np.zeros(taps // 2 + 1, np.complex128)
        self._sxx = np.zeros(taps // 2 + 1, np.float64)
        self.learned = 0  # frames learned from
        self._h: np.ndarray | None = None
        self._spectrum: np.ndarray | None = None  # the filter's spectrum for frame-by-frame use
        self._spectrum_at = -1  # ``learned`` when it was taken

    def push(self, mic: np.ndarray, played: np.ndarray, delay: int, learn: bool) -> None:
        n = len(mic)
        lag = max(0, delay - self.margin)
        self._played = np.concatenate([self._played, played])[-(lag + n + SAMPLE_RATE):]
        aligned = self._played[len(self._played) - lag - n:len(self._played) - lag]
        if len(aligned) < n:
            aligned = np.concatenate([np.zeros(n - len(aligned), np.float32), aligned])
        at = np.arange(self.samples, self.samples + n) % self.size
        self._mic[at] = mic
        self._ref[at] = aligned
        self.samples += n
        if learn and self.samples >= self.taps:
            x = np.fft.rfft(self._take(self.samples - self.taps, self.taps, self._ref) * self._window)
            y = np.fft.rfft(self._take(self.samples - self.taps, self.taps, self._mic) * self._window)
            self._sxy = self.a * self._sxy + (1 - self.a) * np.conj(x) * y
            self._sxx = self.a * self._sxx + (1 - self.a) * (x.real ** 2 + x.imag ** 2)
            self.learned += 1
            self._h = None

    def _take(self, start: int, length: int, ring: np.ndarray) -> np.ndarray:
        return ring[np.arange(start, start + length) % self.size]

    def filter(self) -> np.ndarray:
        if self._h is None:
            floor = 1e-3 * float(np.mean(self._sxx)) + 1e-12
            self._h = np.fft.irfft(self._sxy / (self._sxx + floor), self.taps).astype(np.float32)
        return self._h

    def latest(self, length: int, refresh: int = 8) -> tuple[np.ndarray, np.ndarray] | None:
        """(the microphone less the echo estimate, the estimate) over the last ``length`` input
        samples, by one overlap-save block: the filter's spectrum is kept and taken afresh every
        ``refresh`` frames learned, so a frame costs one FFT each way (about 1 ms).  None until
        ``LINEAR_MIN_FRAMES`` of his voice alone (0.65 s) have been learned from."""
        if self.learned < LINEAR_MIN_FRAMES or self.samples < self.taps + length:
            return None
        start = self.samples - length
        echo = self._echo(start, length, refresh)
        return self._take(start, length, self._mic) - echo, echo

    def _echo(self, start: int, length: int, refresh: int) -> np.ndarray:
        """The echo estimate over input samples ``start``... by one overlap-save block, with
        the filter's spectrum at most ``refresh`` learned frames old (0: the filter as it is)."""
        size = 1 << (self.taps + length - 1).bit_length()
        if self._spectrum is None or len(self._spectrum) != size // 2 + 1 or \
                self.learned - self._spectrum_at >= refresh:
            self._spectrum = np.fft.rfft(self.filter(), size)
            self._spectrum_at = self.learned
        ref = self._take(start - self.taps + 1, length + self.taps - 1, self._ref)
        echo = np.fft.irfft(np.fft.rfft(ref, size) * self._spectrum, size)[self.taps - 1:self.taps - 1 + length]
        return echo.astype(np.float32)

    def clean(self, start: int, length: int) -> tuple[np.ndarray, np.ndarray] | None:
        """(the microphone minus the echo estimate, the estimate) over input samples ``start``
        to ``start + length``, as ``latest`` gives them for the last frame; None if they are no
        longer kept, or too little has been learned yet (under 0.65 s of his voice alone)."""
        if self.learned < LINEAR_MIN_FRAMES or start < max(0, self.samples - self.size + self.taps) or start + length > self.samples:
            return None
        estimate = self._echo(start, length, refresh=0)
        return self._take(start, length, self._mic) - estimate, estimate


@functools.lru_cache(maxsize=4)
def _frame_bands(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A Hann window for an ``n``-sample frame, and the edges of 16 bands of its spectrum from the
    third bin up (60 Hz for the listener's 512-sample frames)."""
    return np.hanning(n).astype(np.float32), np.linspace(2, n // 2 + 1, 17).astype(int)


def unexplained(residual: np.ndarray, echo: np.ndarray) -> float:
    """The share of ``residual`` (the microphone less the linear echo estimate ``echo``, one
    frame) that is not the estimate over again: in each of 16 bands of the frame's spectrum, the
    residual less its least-squares projection on the estimate's.  Most of his echo's residual
    is the estimate scaled (a filter a little off, a loudspeaker a little compressed: the two
    correlate at |0.9|), so it goes; a voice over him shares almost nothing with the estimate
    and stays (a band's one coefficient takes about 1/16 of it)."""
    window, bands = _frame_bands(len(residual))
    spec_r, spec_e = np.fft.rfft(residual * window), np.fft.rfft(echo * window)
    total = left = 0.0
    for a, b in zip(bands[:-1], bands[1:]):
        r, e = spec_r[a:b], spec_e[a:b]
        power_r = float(np.vdot(r, r).real)
        total += power_r
        # (never below 0: a residual that is the estimate scaled rounds to a little under it,
        # which made ``talk_db`` take the log of a negative number)
        left += max(0.0, power_r - abs(np.vdot(e, r)) ** 2 / (float(np.vdot(e, e).real) + 1e-12))
    return left / total if total > 0 else 1.0


def suppress_residual(residual: np.ndarray, echo: np.ndarray, ratio: float, over: float = RES_OVER,
                      floor: float = RES_FLOOR, n: int = 512) -> np.ndarray:
    """``residual`` (the microphone less the linear echo estimate ``echo``) with what is left of
    his echo taken down, for whisper: in each 32-ms bin of a short-time spectrum (half-overlapped,
    square-root Hann windows), the gain 1 - ``over`` x ``ratio`` x |echo|^2 / |residual|^2, at
    least ``floor``; ``ratio`` is how loud the residual of his echo alone is against the estimate.
    Bins where a voice over him is much louder than that are kept, where only his echo's rest is,
    taken down."""
    hop = n // 2
    window = np.sqrt(np.hanning(n + 1)[:n]).astype(np.float32)
    size = len(residual)
    count = (size + n) // hop + 1
    padded = np.zeros((2, count * hop + n), np.float32)
    padded[0, n:n + size], padded[1, n:n + size] = residual, echo
    at = np.arange(count)[:, None] * hop + np.arange(n)[None, :]
    spec = np.fft.rfft(padded[:, at] * window, axis=-1)  # (2, frames, bins)
    power_r, power_e = np.abs(spec[0]) ** 2, np.abs(spec[1]) ** 2
    gain = np.maximum(floor, 1.0 - over * ratio * power_e / (power_r + 1e-12))
    frames = np.fft.irfft(spec[0] * gain, n, axis=-1).astype(np.float32) * window
    out = np.zeros(count * hop + n, np.float32)
    for k in range(count):
        out[k * hop:k * hop + n] += frames[k]
    return out[n:n + size]


def echo_level(echo: np.ndarray, level: float) -> float:
    """His echo's recent level after the frame ``echo`` (the linear echo estimate): a decaying
    peak of the estimate's frame energy, so that between his words, where the estimate dips while
    the room still rings with what is not modelled, his level stays near where it was."""
    return max(float(np.dot(echo, echo)), ECHO_LEVEL_DECAY * level)


def talk_db(residual: np.ndarray, echo: np.ndarray, level: float) -> float:
    """How loud what a frame's linear residual does not share with the echo estimate
    (``unexplained``) is against his echo's recent ``level``, in dB: about -10 dB or less for his
    echo alone, -8 to +28 dB with a voice over him."""
    energy = float(np.dot(residual, residual))
    return float(10 * np.log10((energy * unexplained(residual, echo) + 1e-9) / (level + 1e-9)))


class VoiceOver:
    """Finds a voice over Jarvis in the linear echo path, frame by frame: call it with whether the
    linear path's VAD calls the canceller's last frame (``EchoCanceller.over``) speech.  True once
    ``OVER_FRAMES`` such frames in a row are louder than his echo (``double_talk``), or two in a
    row hold a soft voice by their mean (PAIR_TALK_DB, PAIR_REMOVED_DB; AEC3 settled): a soft
    voice comes and goes from one frame to the next (-1 dB, then -12), which the frame-by-frame
    test misses until a louder syllable.  ``reset`` where his echo is not being listened over."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.frames = 0  # frames in a row of double talk with speech
        self._last: tuple[bool, float, float | None] | None = None  # (speech, talk_db, removed_db)

    def __call__(self, speech: bool, echo: "EchoCanceller") -> bool:
        if echo.talk_db is None:
            self.reset()
            return False
        self.frames = self.frames + 1 if speech and echo.double_talk else 0
        now = (speech, echo.talk_db, echo.removed_db)
        pair, self._last = (self._last, now), now
        soft = pair[0] is not None and echo.converged_before(0.0) and all(
            said and removed is not None and removed <= PAIR_REMOVED_DB for said, _, removed in pair) and \
            10 * np.log10(sum(10 ** (talk / 10) for _, talk, _ in pair) / 2) >= PAIR_TALK_DB
        return self.frames >= OVER_FRAMES or soft


def voice_onset(residual: np.ndarray, echo: np.ndarray, n: int = 512) -> int | None:
    """Where a voice over his echo begins in ``residual`` (the microphone less the linear echo
    estimate ``echo``), in samples: the first of two ``n``-sample frames in a row whose residual,
    less what it shares with the estimate (``unexplained``), is within QUIET_TALK_DB of his echo's
    level (its decaying peak, as ``EchoCanceller.talk_db``).  None where there is none; 0 where
    nothing of his echo comes first (it does not play, or a voice opens the window)."""
    level, run = 0.0, 0
    for k in range(len(residual) // n):
        r, e = residual[k * n:(k + 1) * n], echo[k * n:(k + 1) * n]
        level = echo_level(e, level)
        run = run + 1 if talk_db(r, e, level) >= QUIET_TALK_DB else 0
        if run == 2:
            return (k - 1) * n
    return None


def from_voice(audio: np.ndarray, residual: np.ndarray, echo: np.ndarray) -> np.ndarray:
    """``audio`` (a window of words said over him, for whisper) silent up to VOICE_MARGIN_S before
    the voice's onset in the linear path (``voice_onset``), faded in over VOICE_FADE_S; as it is
    where no onset is found."""
    onset = voice_onset(residual, echo)
    if not onset:
        return audio
    cut = onset - int(VOICE_MARGIN_S * SAMPLE_RATE)
    gain = np.clip((np.arange(len(audio)) - cut) / (VOICE_FADE_S * SAMPLE_RATE), 0.0, 1.0)
    return (audio * gain).astype(np.float32)


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

    @property
    def linear_trusted(self) -> bool:
        """Whether the linear echo path tells a voice over Jarvis from his echo, even before AEC3
        has settled: over his last frames alone (``TRUST_FRAMES`` at least) its residual stayed
        ``TRUST_DB`` under his echo estimate (median).  The double-talk test of ``double_talk`` is
        then trusted to cut him off; AEC3's output is not until ``converged``."""
        median = self._alone_median_db(TRUST_FRAMES)
        return median is not None and median <= TRUST_DB

    def _alone_median_db(self, at_least: int) -> float | None:
        """The linear residual over his echo estimate (``over_db``), median over his last frames
        alone; None while fewer than ``at_least`` are known."""
        return float(np.median(self._alone_db)) if len(self._alone_db) >= at_least else None

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
        alone = False
        said = heard[-(LAG + n):len(heard) - LAG]  # the microphone samples ``out`` is made of
        said_energy = float(np.dot(said, said))
        self.removed_db = None
        if len(said) == n and said_energy > n * 1e-6:  # louder than -60 dBFS
            self.removed_db = 10 * np.log10(said_energy / max(float(np.dot(out, out)), 1e-12))
        if playing:
            self.heard_s += n / SAMPLE_RATE
            if self.removed_db is not None:
                self._erle.append(self.removed_db)
                alone = self.removed_db >= LEARN_ERLE_DB
        # AEC3's suppressor takes out a voice over him too, so its ERLE alone would let the filter
        # learn from double talk: not while the learning window (the filter's length) still
        # holds a frame the linear path called double talk (up to the last one: below)
        alone = alone and self.linear.samples - self._double_talk_at >= self.linear.taps
        self.linear.push(np.asarray(mic, np.float32), np.asarray(reference, np.float32),
                         int(round(max(0.0, self.delay_ms) * SAMPLE_RATE / 1000)), learn=alone)
        self._played_recently = n if playing else self._played_recently + n
        self.over, self.over_db, self.talk_db = None, None, None
        if self._played_recently < SAMPLE_RATE:  # his echo may still be in the room
            got = self.linear.latest(n)
            if got is not None:
                residual, echo = got
                # against his echo's recent level, not this frame's alone: between his words
                # the estimate dips while the room still rings with what is not modelled
                self._echo_level = echo_level(echo, self._echo_level)
                self.over = residual
                energy = float(np.dot(residual, residual))
                self.over_db = 10 * np.log10((energy + 1e-9) / (self._echo_level + 1e-9))
                self._echo_now = float(np.dot(echo, echo)) >= QUIET_ECHO_NOW * self._echo_level
                self.talk_db = talk_db(residual, echo, self._echo_level)
                if alone:
                    self._alone_db.append(self.over_db)
                if self.double_talk:
                    self._double_talk_at = self.linear.samples
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
        self.linear = LinearEcho()
        self._played_recently = SAMPLE_RATE  # samples since anything was played
        self._echo_level = 0.0  # energy of a frame of his echo estimate, lately (decaying peak)
        self._double_talk_at = -self.linear.taps  # input sample count at the last double-talk frame
        # the linear residual over his echo (``over_db``) in his last frames alone
        self._alone_db: collections.deque = collections.deque(maxlen=ALONE_FRAMES)
        # The last frame as the microphone less the linear echo estimate (not suppressed, not
        # late), and how much louder than that estimate it is, in dB: None while nothing has
        # played for a second, or the filter has not learned yet.  ``double_talk``: someone
        # talks over him.
        self.over: np.ndarray | None = None
        self.over_db: float | None = None
        self.talk_db: float | None = None  # ``over_db`` less what the residual shares with the estimate
        self._echo_now = False  # his echo estimate in the last frame is near its recent level
        self.removed_db: float | None = None  # how much AEC3 took out of the last frame (None: under -60 dBFS)

    @property
    def double_talk(self) -> bool:
        """Whether the last frame holds more than Jarvis's echo: what its linear residual does
        not share with the echo estimate (``unexplained``) is within ``DOUBLE_TALK_DB`` of his
        echo's level, or within ``QUIET_TALK_DB`` where AEC3 took little out of the frame (a
        voice over him, or a loud noise; the caller's VAD on ``over`` tells which)."""
        if self.talk_db is None:
            return False
        # (AEC3 settled: unsettled, it lets his echo through; and he is heard in this frame: between
        # his words AEC3 takes nothing out of the room's noise, which then nears his fading level)
        return self.talk_db >= DOUBLE_TALK_DB or (
            self.talk_db >= QUIET_TALK_DB and self.removed_db is not None and self.removed_db <= QUIET_REMOVED_DB
            and self._echo_now and self.converged_before(0.0))

    @property
    def above_echo(self) -> bool:
        """Whether the last frame's linear residual itself is ``ABOVE_ECHO_DB`` louder than his echo's
        recent level, and not his echo estimate over again (what it does not share with it within
        QUIET_TALK_DB of that level): a voice over him surely (the endpointer counts such frames
        as speech).  A residual that is the estimate scaled (a filter still learning, his echo
        estimated where it has not arrived) stood over his level, what it did not share with the
        estimate 16 dB under it, and the VAD called it speech: that cut him off 7.2 s into a fresh
        start of the bench."""
        return (self.over_db is not None and self.over_db >= ABOVE_ECHO_DB
                and self.talk_db is not None and self.talk_db >= QUIET_TALK_DB)

    def said_over(self, back: int, length: int) -> np.ndarray | None:
        """What the microphone heard over Jarvis, for whisper: ``length`` samples of the output
        timeline starting ``back`` samples before the end of the output so far, as the
        microphone minus the linear echo estimate (not AEC3's suppressor, which thins them).
        None when that cannot be had (not learned yet, too long ago): use the output.  Once the
        residual of his echo alone is known, the rest of his echo in it is taken down
        (``suppress_residual``); what comes before the voice, his echo's rest alone, is silent
        (``from_voice``)."""
        got = self.linear.clean(self.linear.samples - LAG - back, length)
        if got is None:
            return None
        residual, echo = got
        ratio = self.residual_ratio
        return from_voice(residual if ratio is None else suppress_residual(residual, echo, ratio), residual, echo)

    @property
    def residual_ratio(self) -> float | None:
        """How loud the linear residual of his echo alone is against the echo estimate (an
        energy ratio, the median of his last frames alone); None until that is known."""
        median = self._alone_median_db(ALONE_MIN_FRAMES)
        return None if median is None else 10 ** (median / 10)
