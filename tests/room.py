"""A laptop in a room, simulated: what its microphone hears while Jarvis speaks through its own
speakers, with or without a user talking.  For the echo tests and ``benchmarks/echo_bench.py``;
no sound hardware.

Each room is a shoebox whose impulse responses come from the image method (pyroomacoustics):
speaker to microphone (the echo path: the laptop's speakers under the keyboard, its microphone
at the top of the screen) and user to microphone (a user 60-90 cm in front of the screen).  On
the echo path the played samples first go through the device: a delay (the sound system's
buffers, 20-150 ms) and a mild loudspeaker distortion (a soft clip).  Background noise is added
at a set level.

``Laptop.microphone`` makes the whole signal at once (offline); ``SimulatedDuplex`` runs it as a
sound device in real time, block by block, behind a real ``DuplexDevice``: the pipeline's player
writes into it, and the microphone frames with their reference go to the listener, as from a
PortAudio duplex stream.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass

import numpy as np

from jarvis_desktop.voice.audio import SAMPLE_RATE, DuplexDevice

BLOCK = SAMPLE_RATE // 100  # the simulated device's period: 10 ms, so delays down to 10 ms can be had

__all__ = ["Room", "ROOMS", "Laptop", "SimulatedDuplex", "rms_db", "at_level"]


@dataclass(frozen=True)
class Room:
    name: str
    size: tuple  # metres
    absorption: float  # the walls' energy absorption: lower is more reverberant
    speaker: tuple  # the laptop's speakers
    mic: tuple  # its microphone
    user: tuple  # the user's mouth

    def impulse_responses(self) -> tuple[np.ndarray, np.ndarray]:
        """(speaker → microphone, user → microphone), each scaled to unit energy."""
        return _impulse_responses(self)


ROOMS = (
    Room("small office", (3.2, 2.8, 2.5), 0.35, speaker=(1.50, 1.20, 0.76), mic=(1.50, 1.42, 1.00),
         user=(1.50, 0.60, 1.15)),
    Room("living room", (5.5, 4.5, 2.7), 0.20, speaker=(2.00, 2.00, 0.46), mic=(2.00, 2.22, 0.70),
         user=(2.00, 1.10, 1.00)),
    Room("kitchen, hard walls", (4.0, 3.0, 2.5), 0.08, speaker=(1.00, 2.00, 0.92), mic=(1.00, 2.22, 1.16),
         user=(1.60, 1.40, 1.45)),
)


@functools.lru_cache(maxsize=None)
def _impulse_responses(room: Room) -> tuple[np.ndarray, np.ndarray]:
    import pyroomacoustics as pra

    shoebox = pra.ShoeBox(list(room.size), fs=SAMPLE_RATE, materials=pra.Material(room.absorption),
                          max_order=17, air_absorption=True)
    shoebox.add_source(list(room.speaker))
    shoebox.add_source(list(room.user))
    shoebox.add_microphone(list(room.mic))
    shoebox.compute_rir()
    out = []
    for source in (0, 1):
        h = np.asarray(shoebox.rir[0][source], np.float64)
        h = h[: int(0.6 * SAMPLE_RATE)]  # the tail past 0.6 s is far below the noise
        out.append((h / np.sqrt(np.sum(h ** 2))).astype(np.float32))
    return out[0], out[1]


def rms_db(x: np.ndarray) -> float:
    return 10 * np.log10(max(float(np.mean(np.square(x, dtype=np.float64))), 1e-20))


def at_level(x: np.ndarray, db: float) -> np.ndarray:
    """``x`` scaled so that its voiced part (above -40 dB of its peak) has an RMS of ``db`` dBFS."""
    x = np.asarray(x, np.float32)
    voiced = x[np.abs(x) > np.max(np.abs(x)) * 0.01] if len(x) and np.any(x) else x
    return (x * 10 ** ((db - rms_db(voiced)) / 20)).astype(np.float32) if len(voiced) else x


def _fftconvolve(x: np.ndarray, h: np.ndarray) -> np.ndarray:
    n = len(x) + len(h) - 1
    size = 1 << (n - 1).bit_length()
    return np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(h, size), size)[:n].astype(np.float32)


@dataclass
class Laptop:
    """A laptop in ``room``.  ``echo_gain_db``: how loud the speaker is at the microphone against
    the samples played (laptop speakers are a few cm from the microphone: loud); ``delay_s``: the
    device's playback plus capture delay; ``distortion``: 0 is a clean speaker."""

    room: Room
    delay_s: float = 0.06
    echo_gain_db: float = -6.0
    distortion: float = 0.3
    noise_db: float = -60.0
    seed: int = 0

    def __post_init__(self):
        self.echo_ir, self.user_ir = self.room.impulse_responses()
        self.rng = np.random.default_rng(self.seed)

    @property
    def delay(self) -> int:
        return int(round(self.delay_s * SAMPLE_RATE))

    def loudspeaker(self, played: np.ndarray) -> np.ndarray:
        if self.distortion <= 0:
            return played
        k = 1.0 + 3.0 * self.distortion
        return (np.tanh(k * played) / k).astype(np.float32)

    def echo(self, played: np.ndarray) -> np.ndarray:
        """What the microphone hears of ``played`` (same length, starting at the same sample)."""
        delayed = np.concatenate([np.zeros(self.delay, np.float32), self.loudspeaker(played)])[: len(played)]
        return _fftconvolve(delayed, self.echo_ir)[: len(played)] * 10 ** (self.echo_gain_db / 20)

    def voice(self, speech: np.ndarray, level_db: float) -> np.ndarray:
        """A user's speech as the microphone hears it, its voiced part at ``level_db`` dBFS."""
        return at_level(_fftconvolve(speech, self.user_ir)[: len(speech)], level_db)

    def noise(self, n: int) -> np.ndarray:
        """Background noise: white noise with a gentle low-pass (a fan, a room), at ``noise_db``."""
        white = self.rng.standard_normal(n + 16).astype(np.float32)
        brown = np.convolve(white, np.ones(16, np.float32) / 4.0, mode="valid")[:n]
        return at_level(brown, self.noise_db) if n else brown

    def microphone(self, played: np.ndarray, user: np.ndarray | None = None, user_at: int = 0,
                   user_db: float = -30.0) -> np.ndarray:
        mic = self.echo(played) + self.noise(len(played))
        if user is not None:
            said = self.voice(user, user_db)[: max(0, len(played) - user_at)]
            mic[user_at:user_at + len(said)] += said
        return mic.astype(np.float32)


class SimulatedDuplex:
    """A ``DuplexDevice`` driven by a simulated laptop in real time (``speed`` 1.0) instead of
    PortAudio.  Every 10 ms: the block the device plays goes through the room into the
    microphone, with the user's speech where it was scheduled (``say``) and the noise.

    It counts in samples of its own clock, so latencies are measured without the thread's jitter:
    ``clock`` is the number of samples exchanged so far.
    """

    def __init__(self, laptop: Laptop, frames, speed: float = 1.0, reported_delay_s: float | None = None):
        self.laptop = laptop
        self.device = DuplexDevice(frames)
        self.speed = speed
        self.reported_ms = 1000.0 * (laptop.delay_s if reported_delay_s is None else reported_delay_s)
        self.clock = 0
        self._history = np.zeros(len(laptop.echo_ir) + laptop.delay + BLOCK, np.float32)
        self._user: list[tuple[int, np.ndarray]] = []
        self._lock = threading.Lock()
        self.playing: list[tuple[int, bool]] = []  # (clock, anything played in that block)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="simulated-duplex", daemon=True)

    def say(self, speech: np.ndarray, level_db: float = -30.0, at: int | None = None) -> int:
        """The user says ``speech`` (16 kHz) from sample ``at`` (default: now); returns ``at``."""
        voiced = self.laptop.voice(speech, level_db)
        with self._lock:
            at = self.clock if at is None else at
            self._user.append((at, voiced))
        return at

    def start(self) -> "SimulatedDuplex":
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.device.close()

    def _user_block(self, start: int, n: int) -> np.ndarray:
        out = np.zeros(n, np.float32)
        with self._lock:
            for at, voiced in self._user:
                lo, hi = max(start, at), min(start + n, at + len(voiced))
                if lo < hi:
                    out[lo - start:hi - start] += voiced[lo - at:hi - at]
        return out

    def _run(self) -> None:
        lap, n = self.laptop, BLOCK
        assert lap.delay >= n, f"the simulated device needs a delay of at least {1000 * n / SAMPLE_RATE:.0f} ms"
        ir = lap.echo_ir
        gain = 10 ** (lap.echo_gain_db / 20)
        mic_next = lap.noise(n)
        began = time.monotonic()
        while not self._stop.is_set():
            # the block captured now: echo of what was played up to now, the user, the noise
            out = self.device.exchange(mic_next, self.reported_ms)
            self.playing.append((self.clock, bool(np.any(out))))
            self._history = np.concatenate([self._history[n:], lap.loudspeaker(out)])
            # the echo reaching the microphone during the next block: played ``delay`` samples before
            h, end = self._history, len(self._history) - lap.delay + n
            echo = np.convolve(h[end - n - len(ir) + 1:end], ir, mode="valid") * gain
            self.clock += n
            mic_next = (echo + self._user_block(self.clock, n) + lap.noise(n)).astype(np.float32)
            wait = began + self.clock / SAMPLE_RATE / self.speed - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def stopped_playing_after(self, at: int) -> int | None:
        """Samples from ``at`` until the first block with nothing played (None: it played on)."""
        for clock, played in list(self.playing):
            if clock >= at and not played:
                return clock - at
        return None
