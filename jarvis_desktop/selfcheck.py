"""``jarvis --check``: a self-test of this installation, from source or from the desktop bundle.

Each part Jarvis needs at run time is exercised for real, with no sound hardware and no
display: the assets; Qt (a window drawn offscreen, the SVG icons); llama.cpp's library; the
voice (piper says a sentence, Silero VAD finds the speech in it, whisper writes it back);
the wake word model; the memory's search by meaning; then, where a model is registered, one
question to it.  What may legitimately be missing on a working install (a sound device, the
training environment, a trained model, the memory's embedding model) is reported, not failed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable

from jarvis_desktop.core.errors import JarvisError
from jarvis_desktop.core.paths import asset

__all__ = ["Check", "run_checks"]

PHRASE = "Good morning, sir. The kettle is on."


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    seconds: float
    required: bool = True  # False: reported, never fails the check


def _assets() -> str:
    names = ["persona.txt", "icons/jarvis.svg", "icons/mic.svg"]
    missing = [n for n in names if not asset(*n.split("/")).is_file()]
    if missing:
        raise JarvisError(f"missing assets: {', '.join(missing)} (looked in {asset()})")
    return f"persona prompt and icons in {asset()}"


def _qt() -> str:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from jarvis_desktop.views.chat import ChatWindow, icon

    app = QApplication.instance() or QApplication([])
    window = ChatWindow()
    window.resize(480, 360)
    shot = window.grab()
    pixmap = icon("jarvis").pixmap(32, 32)
    window.close()
    if shot.isNull() or pixmap.isNull():
        raise JarvisError("Qt could not draw the window or the SVG icons (the imageformats plugin is missing)")
    from jarvis_desktop.qt_binding import check_binding

    check_binding()  # a binding that loses references crashes the app after a few hundred turns
    import PySide6

    return f"Qt {PySide6.__version__} ({app.platformName()}): window and icons drawn, signals keep their references"


def _llama() -> str:
    import llama_cpp

    info = llama_cpp.llama_print_system_info().decode(errors="replace")
    features = [f.split(" = ")[0].strip() for f in info.split("|") if f.strip().endswith("= 1")]
    return f"llama.cpp library loaded ({', '.join(features[:6]) or 'CPU'})"


def _voice() -> str:
    import numpy as np

    from jarvis_desktop.voice.asr import WhisperTranscriber
    from jarvis_desktop.voice.audio import FRAME, frames_of, resample
    from jarvis_desktop.voice.tts import PiperSynthesizer
    from jarvis_desktop.voice.vad import SileroVad

    chunk = PiperSynthesizer().synthesize(PHRASE)
    audio = resample(chunk.samples, chunk.rate)
    vad = SileroVad()
    speech = sum(vad(f) > 0.5 for f in frames_of(np.concatenate([np.zeros(FRAME * 8, np.float32), audio])))
    if not speech:
        raise JarvisError("the VAD found no speech in piper's own voice")
    asr = WhisperTranscriber()
    text = asr.transcribe(audio).text
    asr.close()
    if "morning" not in text.lower():
        raise JarvisError(f"whisper heard {text!r} for {PHRASE!r}")
    return f"piper spoke {chunk.seconds:.1f} s, the VAD found it, whisper heard {text.strip()!r}"


def _wake() -> str:
    from jarvis_desktop.voice.wake import WakeWord

    return f"wake word {WakeWord().name!r} loaded"


def _memory_search() -> str:
    from jarvis_desktop.core.embedder import default_embedder

    embedder = default_embedder()
    if embedder is None:
        raise JarvisError("no embedding model: the memory finds facts by their words alone "
                          "(jarvis-convert setup makes one)")
    try:
        facts = ["my brother Tom lives in Glasgow", "the boiler was serviced in March"]
        question = embedder.embed("which city is my sibling based in")
        nearest = max(facts, key=lambda f: float(embedder.embed(f) @ question))
    finally:
        embedder.close()
    if nearest != facts[0]:
        raise JarvisError(f"the embedding model {embedder.path.name} found {nearest!r} for a question about a brother")
    return f"the memory finds facts by meaning ({embedder.path.name})"


def _tools() -> str:
    """The tools that answer from data packages (units, countries, elements) answer, as the bundle
    carries them: a package's data left out of the bundle fails here, not on a user's question."""
    from jarvis_desktop.core.tools import Toolbox

    toolbox = Toolbox(act=False)
    asked = {"what's the capital of australia": "Canberra", "what's the chemical symbol for silver": "Ag",
             "what currency does japan use": "Yen", "convert 5 miles to km": "8.047"}
    for question, expected in asked.items():
        call = toolbox.beyond_doubt(question)
        reply = toolbox.run(call, message=question).result.reply if call else "no call"
        if expected not in reply:
            raise JarvisError(f"asked {question!r}, the tools said {reply!r} (expected {expected!r})")
    return f"the tools answer from their data ({len(toolbox.tools)} tools)"


def _sound() -> str:
    from jarvis_desktop.voice.audio import probe_audio

    reason = probe_audio()
    if reason:
        raise JarvisError(reason)
    return "a microphone and a speaker are available"


def _trainer() -> str:
    from jarvis_desktop.workers import trainer_command

    return "retraining runs " + " ".join(trainer_command())


def run_checks(model: Callable[[], str] | None = None) -> list[Check]:
    """Every check, in order; ``model`` checks the language model (None: skipped)."""
    steps: list[tuple[str, Callable[[], str], bool]] = [
        ("assets", _assets, True), ("qt", _qt, True), ("llama.cpp", _llama, True), ("voice", _voice, True),
        ("wake word", _wake, True), ("tools", _tools, True), ("memory", _memory_search, False), ("sound device", _sound, False),
        ("trainer", _trainer, False)]
    if model is not None:
        steps.append(("model", model, True))
    results = []
    for name, fn, required in steps:
        t0 = time.perf_counter()
        try:
            detail, ok = fn(), True
        except JarvisError as exc:
            detail, ok = str(exc), False
        except Exception as exc:  # a broken install shows up here: say what broke
            detail, ok = f"{type(exc).__name__}: {exc}", False
        results.append(Check(name, ok, detail, time.perf_counter() - t0, required))
    return results
