"""Voice-activity endpointing: Silero VAD (the ONNX model faster-whisper ships) run frame by
frame, and a small state machine that cuts the frames into utterances.

The endpointer says three things (``Speech`` events):
  * "start": speech began (the listener uses it for barge-in);
  * "pause": speech stopped ``speculate_s`` ago: the ASR may start on the audio so far, so its
    ~0.3 s overlaps the rest of the silence timeout instead of following it;
  * "resume": speech went on after a pause (that speculative transcript is void);
  * "end": ``silence_s`` of silence: the utterance is complete (audio from ``preroll_s`` before
    the first voiced frame, so the first syllable is not cut, to the last voiced frame).
Too-short bursts (a click, a cough: under ``min_speech_s`` of voiced frames) end as nothing.

Talk in the background (a television, people in the next room) is speech to Silero too: over it,
an utterance never fell silent and ran on to ``max_utterance_s``, so "Hey Jarvis" said over
babble at 10 dB SNR woke nothing until 20 s had passed.  So a frame counts as speech only
within ``level_floor_db`` of the utterance's loudest speech so far (levels over three frames,
~0.1 s; the loudest is the third-loudest of its voiced frames, so one plosive does not set it):
once the user stops, the quieter talk behind them is silence and the utterance ends.  Whether
what was heard is long enough to be speech stays Silero's call: a loud "Lock" once put "the
screen" under the floor and the command ended as a click (7 of 210 commands in quiet, before).
Only the end is decided so: the audio still runs to the last frame Silero called speech (a word
that trails off below the floor, the "-vis" of a "Hey Jarvis" whose "Hey" was loud, is not cut
from it), and the pause that starts the guess is Silero's silence, so a guess holds all of it.
While Jarvis speaks the floor is off (``push(..., floor=False)``): there the background is what
is left of his own voice, and barge-in and the stop phrase keep the endpointing their hour
without self-interruptions was measured with.
Measured on piper and espeak-ng voices (benchmarks/wake_bench.py's scenes): the babble behind
them lies 10-15 dB below their speech, and 12 dB lengthens no pause within their sentences
beyond ``silence_s``.
"""

from __future__ import annotations

import collections
import heapq
from dataclasses import dataclass

import numpy as np

from jarvis_desktop.core.options import option as _f
from jarvis_desktop.voice.audio import FRAME, SAMPLE_RATE

__all__ = ["VadOptions", "SileroVad", "Speech", "Endpointer"]

CONTEXT = 64  # samples of the previous frame Silero v5/v6 expects in front of each frame
LEVEL_FRAMES = 3  # frames a speech level is taken over (~0.1 s: a syllable)
LOUDEST_OF = 3  # the utterance's loudest speech: the 3rd-loudest level of its voiced frames (a plosive is not it)
VOICED_BY_SILERO = True  # whether a burst is long enough to be speech is Silero's call alone, not the floor's
# (False and LOUDEST_OF 1: as before 2026-12-04; benchmarks/endpointing.py compares them on the same audio)


@dataclass
class VadOptions:
    threshold: float = _f(0.5, "speech probability above which a frame is speech")
    neg_threshold: float = _f(0.35, "probability below which a frame is silence (between: no change)")
    silence_s: float = _f(0.45, "silence that ends an utterance; shorter answers sooner but may cut a pause")
    speculate_s: float = _f(0.064, "silence after which the ASR starts on the audio so far (a guess: "
                                   "void if speech goes on)")
    preroll_s: float = _f(0.3, "audio kept from before speech began, so the first syllable is not cut")
    min_speech_s: float = _f(0.25, "shorter bursts of speech (clicks, coughs) are ignored")
    max_utterance_s: float = _f(20.0, "an utterance is cut here even without a pause")
    level_floor_db: float = _f(12.0, "speech this far below the utterance's loudest counts as silence "
                                     "(talk in the background); 0: off")

    def frames(self, seconds: float) -> int:
        return max(1, int(round(seconds * SAMPLE_RATE / FRAME)))


class SileroVad:
    """Speech probability of each 512-sample frame, keeping the LSTM state across frames."""

    def __init__(self):
        from faster_whisper.vad import get_vad_model  # lazy: onnxruntime loads in ~0.1 s

        self.session = get_vad_model().session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(CONTEXT, np.float32)

    def __call__(self, frame: np.ndarray) -> float:
        x = np.concatenate([self._context, frame]).reshape(1, -1).astype(np.float32, copy=False)
        out, self._h, self._c = self.session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._context = frame[-CONTEXT:]
        return float(out[0])


@dataclass
class Speech:
    kind: str  # "start" | "pause" | "resume" | "end"
    utterance: int  # counts utterances; "pause"/"resume"/"end" of one share its number
    audio: np.ndarray | None = None  # "pause" and "end": the utterance so far
    pause: int = 0  # which pause of the utterance ("end" carries the last one's number)
    end_sample: int = 0  # where the utterance's last voiced frame ended, in samples of the stream
    start_sample: int = 0  # "pause" and "end": where ``audio`` begins, in samples of the stream


class Endpointer:
    """Feed frames with their speech probability; get ``Speech`` events back."""

    def __init__(self, options: VadOptions | None = None):
        self.o = options or VadOptions()
        self._pre = collections.deque(maxlen=self.o.frames(self.o.preroll_s))
        self.utterance = 0
        self.samples_seen = 0
        self._powers: collections.deque = collections.deque(maxlen=LEVEL_FRAMES)
        self._reset_state()

    def _reset_state(self) -> None:
        self.active = False
        self._frames: list[np.ndarray] = []
        self._voiced = 0
        self._silent = 0  # frames of silence, by Silero alone
        self._quiet = 0  # frames of silence or of speech below the level floor
        self._pause = 0
        self._paused = False
        self._last_voiced = 0  # frames in the utterance up to its last voiced frame
        self._levels: list[float] = []  # the LOUDEST_OF loudest levels of its voiced frames (a heap)

    def reset(self) -> None:
        """Forget a half-heard utterance (e.g. when listening is switched off)."""
        self._pre.clear()
        self._powers.clear()
        self._reset_state()

    def _level(self, frame: np.ndarray) -> float:
        """The level of the last LEVEL_FRAMES frames, ``frame`` the latest (dB of mean power)."""
        self._powers.append(float(np.mean(np.square(frame, dtype=np.float64))) if len(frame) else 0.0)
        return 10.0 * np.log10(sum(self._powers) / len(self._powers) + 1e-12)

    def push(self, frame: np.ndarray, prob: float, floor: bool = True) -> list[Speech]:
        """``floor`` False: speech below the level floor still counts as speech for this frame
        (while Jarvis speaks, what is left of his echo is the background, and barge-in and the
        stop phrase keep the endpointing they were measured with)."""
        o, events = self.o, []
        self.samples_seen += len(frame)
        level = self._level(frame)
        if not self.active:
            if prob >= o.threshold:
                self.active = True
                self.utterance += 1
                self._frames = [*self._pre, frame]
                self._pre.clear()
                self._voiced, self._last_voiced, self._levels = 1, len(self._frames), [level]
                events.append(Speech("start", self.utterance))
            else:
                self._pre.append(frame)
            return events
        self._frames.append(frame)
        # Silero's speech and silence say where the user paused (the guess) and where the audio ends
        if prob >= o.threshold:
            self._silent = 0
            self._last_voiced = len(self._frames)  # below the floor too: "Jarvis" trailing off after "Hey"
            if self._paused:
                self._paused = False
                events.append(Speech("resume", self.utterance, pause=self._pause))
        elif prob < o.neg_threshold:
            self._silent += 1
        else:
            self._silent = 0 if self._silent == 0 else self._silent + 1  # hesitant: counts as silence once begun
        # the end: speech far below the user's loudest (talk in the background) is silence too
        below = floor and o.level_floor_db > 0 and level < self._loudest - o.level_floor_db
        if prob >= o.threshold and (VOICED_BY_SILERO or not below):
            self._voiced += 1
        if prob >= o.threshold and not below:
            self._quiet = 0
            if len(self._levels) < LOUDEST_OF:
                heapq.heappush(self._levels, level)
            else:
                heapq.heappushpop(self._levels, level)
        elif prob < o.neg_threshold or prob >= o.threshold:  # silence, or talk far below the user's
            self._quiet += 1
        else:
            self._quiet = 0 if self._quiet == 0 else self._quiet + 1  # hesitant, as above
        long_enough = self._voiced >= o.frames(o.min_speech_s)
        if self._silent == o.frames(o.speculate_s) and long_enough and not self._paused:
            self._paused = True
            self._pause += 1
            events.append(Speech("pause", self.utterance, self._audio(), pause=self._pause, start_sample=self._start()))
        if self._quiet >= o.frames(o.silence_s) or len(self._frames) >= o.frames(o.max_utterance_s):
            if long_enough:
                same = self._pause if self._paused else 0
                end = self.samples_seen - (len(self._frames) - self._last_voiced) * FRAME
                events.append(Speech("end", self.utterance, self._audio(), pause=same, end_sample=end,
                                     start_sample=self._start()))
            else:
                events.append(Speech("end", self.utterance, None))  # a click: no turn
            self._reset_state()
        return events

    @property
    def _loudest(self) -> float:
        """The utterance's loudest speech so far (dB): the quietest of its LOUDEST_OF loudest voiced
        levels, so the floor stands on its sustained speech, not on one plosive: a loud "Lock" once
        put all of "the screen" more than 12 dB below it, and the command ended as a click."""
        return self._levels[0] if self._levels else -np.inf

    @property
    def heard(self) -> int:
        """Samples in the utterance under way (0 when none)."""
        return len(self._frames) * FRAME if self.active else 0

    def recent(self, samples: int) -> np.ndarray:
        """The last ``samples`` of the utterance under way (fewer if it is shorter)."""
        frames = self._frames[-((samples + FRAME - 1) // FRAME):] if self.active else []
        return np.concatenate(frames)[-samples:] if frames else np.zeros(0, np.float32)

    def _start(self) -> int:
        return self.samples_seen - len(self._frames) * FRAME

    def _audio(self) -> np.ndarray:
        # up to the last voiced frame plus one: trailing silence only slows whisper down
        return np.concatenate(self._frames[:self._last_voiced + 1])
