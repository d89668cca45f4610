"""Sound in and out: the microphone as a stream of 16 kHz frames, and sinks that play audio.

sounddevice is imported lazily, on first use: without Debian's ``libportaudio2`` its import
raises OSError, and with it but no sound card opening a stream raises PortAudioError.  Both
become ``AudioUnavailable`` with a sentence the window shows once; Jarvis goes on text-only.

Tests and benchmarks never need a device: they put frames into the listener's queue
themselves (``frames_of``) and play into an ``ArraySink``.
"""

from __future__ import annotations

import collections
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator, Protocol

import numpy as np

from jarvis_desktop.core.errors import JarvisError

__all__ = ["SAMPLE_RATE", "FRAME", "AudioChunk", "AudioUnavailable", "AudioSink", "ArraySink", "StreamDownsampler",
           "SoundDeviceSink", "Microphone", "DuplexDevice", "frames_of", "resample", "probe_audio"]

SAMPLE_RATE = 16000  # what the VAD, whisper and the wake word model all take
FRAME = 512  # 32 ms: the frame Silero VAD is run on


class AudioUnavailable(JarvisError):
    """No usable sound input or output; the message says why and what to do."""


@dataclass
class AudioChunk:
    """Speech to play: one sentence (or part of one) from the TTS, and the words it says."""

    samples: np.ndarray  # float32 mono in [-1, 1]
    rate: int
    text: str = ""
    reply: int = 0  # which reply it belongs to

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate


def to_pcm16(samples: np.ndarray) -> bytes:
    """Float samples in [-1, 1] as 16-bit little-endian PCM (what AEC3 and the wake model take)."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def from_pcm16(data: bytes) -> np.ndarray:
    """16-bit little-endian PCM as float32 samples in [-1, 1]."""
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32768.0


def resample(samples: np.ndarray, rate: int, to: int = SAMPLE_RATE) -> np.ndarray:
    """Linear resampling: enough for speech going into the VAD and whisper (both band-limit
    far below the new Nyquist frequency), and no extra dependency."""
    if rate == to or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    n = int(round(len(samples) * to / rate))
    return np.interp(np.arange(n) * (rate / to), np.arange(len(samples)), samples).astype(np.float32)


def _lowpass(cutoff: float, taps: int = 63) -> np.ndarray:
    """A windowed-sinc low-pass filter; ``cutoff`` as a fraction of the sample rate."""
    n = np.arange(taps) - (taps - 1) / 2
    h = np.sinc(2 * cutoff * n) * np.hamming(taps)
    return (h / h.sum()).astype(np.float32)


class StreamDownsampler:
    """Resampling down to ``to`` for a stream that arrives in blocks, low-passed first so that it
    does not alias: the low-pass filter's history and the interpolation's phase carry over from one block to the next, so cutting a sentence into
    50-ms writes leaves no seam in it (done block by block alone, every block's edges dipped:
    a 20 Hz flutter).  ``reset`` starts a new stream (after playback was cut off)."""

    def __init__(self, rate: int, to: int = SAMPLE_RATE):
        self.rate, self.to = rate, to
        self.step = rate / to
        self.h = _lowpass(0.45 * to / rate) if rate > to else np.ones(1, np.float32)
        self.reset()

    def reset(self) -> None:
        self._history = np.zeros(len(self.h) - 1, np.float32)
        self._last = np.float32(0.0)  # the previous block's last filtered sample, at position -1
        self._pos = 0.0  # where the next output sample falls, in input samples from this block's start

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        x = np.asarray(samples, np.float32)
        if self.rate == self.to or not len(x):
            return x
        joined = np.concatenate([self._history, x])
        y = np.convolve(joined, self.h, mode="valid").astype(np.float32)  # one per input sample
        self._history = joined[len(joined) - len(self._history):]
        at = np.arange(self._pos, len(y) - 1 + 1e-9, self.step)
        z = np.concatenate([[self._last], y])
        out = np.interp(at + 1.0, np.arange(len(z)), z).astype(np.float32)
        self._pos = (at[-1] + self.step if len(at) else self._pos) - len(y)
        self._last = y[-1]
        return out


def frames_of(samples: np.ndarray, rate: int = SAMPLE_RATE) -> Iterator[np.ndarray]:
    """Cut audio into the listener's 512-sample frames at 16 kHz (the last one zero-padded)."""
    samples = resample(np.asarray(samples, dtype=np.float32), rate)
    for start in range(0, len(samples), FRAME):
        frame = samples[start:start + FRAME]
        if len(frame) < FRAME:
            frame = np.pad(frame, (0, FRAME - len(frame)))
        yield frame


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise AudioUnavailable("the PortAudio library is missing (on Debian/Ubuntu: "
                               "sudo apt-get install libportaudio2); Jarvis works text-only") from exc
    except ImportError as exc:
        raise AudioUnavailable("the sounddevice package is not installed; "
                               "Jarvis works text-only") from exc
    return sounddevice


def probe_audio(input: bool = True, output: bool = True) -> str:
    """"" when sound can be used; else one sentence saying why (shown once in the window)."""
    try:
        sd = _sounddevice()
        if input:
            sd.check_input_settings(samplerate=SAMPLE_RATE, channels=1, dtype="float32")
        if output:
            sd.check_output_settings(channels=1, dtype="float32")
    except AudioUnavailable as exc:
        return str(exc)
    except Exception as exc:  # PortAudioError (no device), ValueError (no default device)
        what = "microphone" if input and not output else "sound device"
        return f"no {what} was found, or it could not be opened ({exc}); Jarvis works text-only"
    return ""


class Microphone:
    """The default input device, delivering 512-sample float32 frames at 16 kHz into ``frames``.

    The PortAudio callback only copies into the queue, never waiting: anything slower there
    drops audio.  Should the queue be full (the listener stalled), frames are dropped and counted.
    """

    def __init__(self, frames: queue.Queue, device=None):
        self.frames, self.device = frames, device
        self._stream = None
        self.dropped = 0

    def start(self) -> None:
        sd = _sounddevice()

        def callback(indata, n, t, status):
            try:
                self.frames.put_nowait(indata[:, 0].copy())
            except queue.Full:
                self.dropped += 1

        try:
            self._stream = sd.InputStream(samplerate=SAMPLE_RATE, blocksize=FRAME, channels=1, dtype="float32",
                                          device=self.device, callback=callback)
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise AudioUnavailable(f"the microphone could not be opened ({exc}); Jarvis works text-only") from exc

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None


class AudioSink(Protocol):
    """Where speech is played.  ``write`` blocks about as long as the audio lasts (so the player
    knows what has been heard); ``abort`` drops whatever is buffered, from any thread."""

    def write(self, samples: np.ndarray, rate: int) -> None: ...
    def abort(self) -> None: ...
    def close(self) -> None: ...


@dataclass
class ArraySink:
    """Collects what would have been played.  ``realtime`` makes ``write`` take as long as the
    audio lasts, as a sound card would: barge-in tests need playback to take time."""

    realtime: bool = False
    played: list = field(default_factory=list)  # (time.monotonic() of start, samples, rate)
    _aborted: threading.Event = field(default_factory=threading.Event)

    def write(self, samples: np.ndarray, rate: int) -> None:
        self._aborted.clear()
        self.played.append((time.monotonic(), samples, rate))
        if self.realtime:
            self._aborted.wait(len(samples) / rate)

    def abort(self) -> None:
        self._aborted.set()

    def close(self) -> None:
        pass

    def audio(self) -> np.ndarray:
        return np.concatenate([s for _, s, _ in self.played]) if self.played else np.zeros(0, np.float32)


class SoundDeviceSink:
    """The default output device.  The stream is opened for each sample rate met and kept; a
    blocking write of a few ms is the unit an abort can cut at."""

    def __init__(self, device=None):
        self.device = device
        self._stream = None
        self._rate = 0
        self._lock = threading.Lock()

    def write(self, samples: np.ndarray, rate: int) -> None:
        sd = _sounddevice()
        with self._lock:
            if self._stream is None or self._rate != rate:
                self._close()
                try:
                    self._stream = sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=self.device)
                    self._stream.start()
                except Exception as exc:
                    self._stream = None
                    raise AudioUnavailable(f"the speaker could not be opened ({exc})") from exc
                self._rate = rate
            stream = self._stream
        stream.write(np.ascontiguousarray(samples, dtype=np.float32).reshape(-1, 1))

    def abort(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream.abort()  # drops the device buffer now; restarted by the next write
                self._stream.start()

    def _close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def close(self) -> None:
        with self._lock:
            self._close()


class DuplexDevice:
    """Speaker and microphone as one full-duplex stream, for echo cancellation.

    Each block of the stream plays one block and captures one, so every microphone frame goes
    into ``frames`` as ``(mic, reference, delay_ms)``: what was sent to the speaker in the same
    block, and how much later it is heard (the output latency plus the input latency PortAudio
    reports for that block).  The echo canceller needs exactly that: the samples actually
    written to the device, aligned.  It is the pipeline's sink as well as its microphone.

    Both run at 16 kHz, the canceller's rate: speech is played at 16 kHz on this path (the
    voice is low-passed from its 22 kHz).  ``exchange`` is the whole per-block logic, called by
    PortAudio's callback or, in tests and benchmarks, by a simulated room.
    """

    rate = SAMPLE_RATE

    def __init__(self, frames: queue.Queue, device=None):
        self.frames, self.device = frames, device
        self._stream = None
        self._queued: collections.deque = collections.deque()  # 16 kHz arrays waiting to be played
        self._pending = 0  # samples in _queued
        self._cv = threading.Condition()
        self._aborts = 0
        self._closed = False
        self._mic: list = []
        self._ref: list = []
        self._have = 0
        self.dropped = 0  # frames the listener was too slow for
        self.played_s = 0.0
        self._down: StreamDownsampler | None = None  # the player's samples to 16 kHz, seamlessly
        self._restart = False

    # --- the sink side, from the pipeline's player thread ------------------------------------
    def write(self, samples: np.ndarray, rate: int) -> None:
        if self._down is None or self._down.rate != rate or self._restart:
            self._down, self._restart = StreamDownsampler(rate, self.rate), False
        block = self._down(samples)
        with self._cv:
            aborts = self._aborts
            self._queued.append(block)
            self._pending += len(block)
            # returns with up to two blocks still queued, so the stream never runs dry between writes
            while self._pending > 2 * FRAME and self._aborts == aborts and not self._closed:
                self._cv.wait(0.1)

    def abort(self) -> None:
        with self._cv:
            self._queued.clear()
            self._pending = 0
            self._aborts += 1
            self._restart = True  # what is written next is a new stream
            self._cv.notify_all()

    # --- one block of the stream -----------------------------------------------------------------
    def exchange(self, captured: np.ndarray, delay_ms: float) -> np.ndarray:
        """``captured``: the block the microphone just took; returns the block to play."""
        n = len(captured)
        out = np.zeros(n, np.float32)
        with self._cv:
            filled = 0
            while filled < n and self._queued:
                head = self._queued[0]
                take = min(n - filled, len(head))
                out[filled:filled + take] = head[:take]
                filled += take
                if take == len(head):
                    self._queued.popleft()
                else:
                    self._queued[0] = head[take:]
            self._pending -= filled
            if filled:
                self.played_s += filled / self.rate
                self._cv.notify_all()
        self._mic.append(np.asarray(captured, np.float32))
        self._ref.append(out)
        self._have += n
        while self._have >= FRAME:
            mic, ref = np.concatenate(self._mic), np.concatenate(self._ref)
            try:
                self.frames.put_nowait((mic[:FRAME], ref[:FRAME], delay_ms))
            except queue.Full:
                self.dropped += 1
            self._mic, self._ref = [mic[FRAME:]], [ref[FRAME:]]
            self._have -= FRAME
        return out

    # --- the real device --------------------------------------------------------------------------
    def start(self) -> None:
        sd = _sounddevice()

        def callback(indata, outdata, n, t, status):
            delay_ms = max(0.0, (t.outputBufferDacTime - t.inputBufferAdcTime) * 1000.0)
            if not delay_ms and self._stream is not None:  # a host API that gives no times
                delay_ms = sum(self._stream.latency) * 1000.0
            outdata[:, 0] = self.exchange(indata[:, 0], delay_ms)

        try:
            self._stream = sd.Stream(samplerate=self.rate, blocksize=FRAME, channels=1, dtype="float32",
                                     device=self.device, callback=callback)
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise AudioUnavailable(f"the microphone and speaker could not be opened together ({exc}); "
                                   "Jarvis works text-only") from exc

    def close(self) -> None:
        with self._cv:
            self._closed = True
            self._cv.notify_all()
        if self._stream is not None:
            self._stream.close()
            self._stream = None
