"""Voice latency, recognition accuracy and real-time factors, with no sound hardware.

    python benchmarks/voice_latency.py [--asr tiny.en,base] [--runs 6] [--gguf MODEL] [--echo]

1. Round trip: generated commands are fed to the real pipeline (Silero VAD, whisper, the
   Jarvis model in llama.cpp through the app's Assistant with its tools, piper) frame by frame at
   real-time pace, as a microphone would; a reply a tool gave and a prose one are told apart;
   the clock runs from the end of the user's speech to the first audio handed to the speaker.
   It is broken into endpointing (end of speech -> endpoint), ASR left after the endpoint
   (the transcription starts speculatively during the trailing silence), LLM first sentence
   and TTS first chunk.  Each command runs twice: as the app does it (the reply is begun on
   the transcript made during the silence, its audio held until the endpoint) and with the
   reply begun only after the endpoint.  Then each stage is timed alone on the same input and
   the ratio whole / sum of the stages alone is printed: the pipeline's own cost where no
   stage overlaps (without speculation), below 1.0 where speculation overlaps them.
2. Word error rate of each whisper model on 32 spoken commands, in the bundled piper voice
   and in espeak-ng's British voice, numbers normalised (whisper writes "5", we said "five").
3. Real-time factors: ASR seconds per second of speech, TTS seconds per second of speech.
With --echo, each round trip also runs hands-free on laptop speakers: the frames come as from
the duplex device (with what was played, nothing while the user speaks) through WebRTC's echo
canceller (jarvis_desktop/voice/echo.py), and the canceller's CPU time per second of audio.

The model is the registered current one (``JARVIS_HOME`` picks the registry) unless --gguf.
Figures are printed, never asserted: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from jarvis_desktop.voice.audio import SAMPLE_RATE, ArraySink, frames_of  # noqa: E402
from jarvis_desktop.voice.pipeline import FIRST_CLAUSE_CHARS  # noqa: E402
from jarvis_desktop.voice.speakable import SentenceSplitter, speakable  # noqa: E402
from tests.speech import espeak_says, piper_says, piper_voice, silence, speech_end  # noqa: E402

FRAME_S = 512 / SAMPLE_RATE

COMMANDS = [
    "What time is it?", "Set a timer for five minutes.", "What's on my calendar today?",
    "Remind me to call my mother at six.", "Open the project folder.", "How much disk space is left?",
    "Turn the volume down a little.", "What is the weather like in London?", "Read me my new messages.",
    "How do I undo the last git commit?", "Summarise this document for me.", "What does this error mean?",
    "Schedule a meeting with Sarah on Friday.", "Play some quiet music.", "Pause the music.",
    "What is twelve times fifteen?", "Translate good morning into French.", "Lock the screen.",
    "How long until my next meeting?", "Check my internet connection.", "Take a note: buy milk and bread.",
    "Who wrote Pride and Prejudice?", "Start a backup of my documents.", "What's the date tomorrow?",
    "Close all the browser windows.", "Find the file called budget.", "Explain what a Python decorator is.",
    "Cancel the timer.", "Good morning, Jarvis.", "Thank you, that will be all.",
    "Restart the build on the server.", "How many emails did I get today?",
]


# --- word error rate ------------------------------------------------------------------------------
# The round trips alternate requests a tool answers (with a model trained on the tools data) and
# plain chat, so the first audio of a tool reply is compared with a plain one in the same run.
ROUND_TRIPS = [
    "What time is it?", "Good morning, Jarvis.", "How much disk space is left?",
    "Explain what a Python decorator is.", "Set a timer for five minutes.", "Thank you, that will be all.",
    "What is twelve times fifteen?", "Who wrote Pride and Prejudice?", "Pause the music.",
    "How do I undo the last git commit?", "Lock the screen.", "What does this error mean?",
]


def normalise(text: str) -> list[str]:
    return re.findall(r"[a-z']+", speakable(text).lower().replace("-", " "))


def wer(ref: str, hyp: str) -> tuple[int, int]:
    r, h = normalise(ref), normalise(hyp)
    d = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        prev, d[0] = d[0], i
        for j, hw in enumerate(h, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (rw != hw))
    return d[len(h)], len(r)


# --- the round trip -----------------------------------------------------------------------------------
class TimedSynth:
    """piper, noting when the first sentence of a reply arrives and when its audio is ready."""

    def __init__(self, inner):
        self.inner, self.sample_rate = inner, inner.sample_rate
        self.calls: list[tuple[float, float]] = []

    def synthesize(self, text):
        t0 = time.monotonic()
        chunk = self.inner.synthesize(text)
        self.calls.append((t0, time.monotonic()))
        return chunk


def round_trip(asr, llm, tts, text: str, voice, speculate: bool = True, echo=None) -> dict:
    """One spoken command through the pipeline, answered the way the app answers it: with
    ``speculate``, the reply to the transcript made during the trailing silence is written and
    synthesized at once and its audio held until the endpoint confirms the words."""
    from jarvis_desktop.voice.pipeline import VoiceOptions, VoicePipeline

    synth = TimedSynth(tts)
    heard, first_audio, done, answers = [], [], threading.Event(), []
    state = {"guess": None, "reply": 0, "stop": None, "asked_at": 0.0}

    def answer(words, held):
        reply, stop = pipeline.begin_reply(held=held), threading.Event()
        state.update(reply=reply, stop=stop, asked_at=time.monotonic())

        def run():
            for piece in llm.stream([{"role": "user", "content": words}], stop):
                pipeline.say(reply, piece)
            pipeline.end_reply(reply)
        answers.append(threading.Thread(target=run, daemon=True))
        answers[-1].start()

    def drop():
        if state["guess"] is not None:
            state["guess"] = None
            state["stop"].set()
            pipeline.cancel(state["reply"])
            answers[-1].join()

    def on_guess(h):
        if speculate and state["guess"] is None:
            state["guess"] = h.text
            answer(h.text, held=True)

    def on_heard(h):
        heard.append(h)
        if state["guess"] == h.text:
            pipeline.release(state["reply"])
            return
        drop()
        answer(h.text, held=False)

    pipeline = VoicePipeline(asr, synth, ArraySink(), VoiceOptions(hands_free=True, headset=echo is None),
                             echo=echo, on_heard=on_heard, on_guess=on_guess, on_guess_void=drop,
                             llm_may_run=getattr(llm, "may_run", None),
                             on_first_audio=lambda r, t: (first_audio.append(t), done.set()))
    pipeline.start()
    audio = np.concatenate([silence(0.4), voice(text), silence(1.5)])
    end_sample = speech_end(audio)
    t_end = None
    start = time.monotonic()
    for i, frame in enumerate(frames_of(audio)):
        due = start + i * FRAME_S
        time.sleep(max(0.0, due - time.monotonic()))
        pipeline.frames.put(frame if echo is None else (frame, np.zeros_like(frame), 40.0))
        if t_end is None and (i + 1) * 512 >= end_sample:
            t_end = time.monotonic() - ((i + 1) * 512 - end_sample) / SAMPLE_RATE
    done.wait(30)
    for t in answers:
        t.join(60)  # the model finishes its reply before the next measurement
    pipeline.close()
    if not heard or not first_audio:
        return {}
    h = heard[0]
    synth_start, synth_end = synth.calls[0]
    return {"text": h.text, "total": first_audio[0] - t_end, "endpoint": h.end_at - t_end,
            "asr_after_endpoint": h.transcribed_at - h.end_at, "asr_compute": h.asr_s,
            "llm_first_sentence": synth_start - state["asked_at"], "tts_first_chunk": synth_end - synth_start,
            "asked_before_endpoint": max(0.0, h.end_at - state["asked_at"]),
            "speculative": h.speculative, "guessed": state["guess"] is not None,
            "audio": audio[:end_sample + 1600]}


def stages_alone(asr, llm, tts, text: str, audio: np.ndarray, silence_s: float) -> dict:
    """Each stage on its own: endpointing is the silence timeout the VAD waits for; ASR on the
    utterance; the LLM to its first sentence; piper on that sentence."""
    t0 = time.monotonic()
    asr.transcribe(audio)
    asr_s = time.monotonic() - t0
    splitter, first, t0 = SentenceSplitter(FIRST_CLAUSE_CHARS), None, time.monotonic()
    for piece in llm.stream([{"role": "user", "content": text}]):
        chunks = splitter.feed(piece)
        if chunks:
            first = chunks[0]
            break
    llm_s = time.monotonic() - t0
    first = first or "".join(splitter.flush()) or "Certainly."
    t0 = time.monotonic()
    tts.synthesize(speakable(first))
    tts_s = time.monotonic() - t0
    return {"endpoint": silence_s, "asr": asr_s, "llm": llm_s, "tts": tts_s}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--asr", default="tiny.en,base", help="whisper models, comma-separated")
    ap.add_argument("--runs", type=int, default=8, help=f"round trips per model (at most {len(ROUND_TRIPS)})")
    ap.add_argument("--gguf", default="", help="the LLM (default: the registered current model)")
    ap.add_argument("--threads", type=int, default=0, help="llama.cpp threads (0: all cores, as in the app)")
    ap.add_argument("--asr-threads", type=int, default=0, help="whisper threads (0: all cores, as in the app)")
    ap.add_argument("--echo", action="store_true", help="also each round trip on laptop speakers, echo canceller on")
    ap.add_argument("--beam", default="", help="whisper beam sizes to compare, comma-separated (default: the app's)")
    args = ap.parse_args()

    from jarvis_desktop.core.registry import Registry
    from jarvis_desktop.core.engine import ChatEngine, EngineConfig
    import tempfile

    from jarvis_desktop.core.assistant import Assistant, Persona
    from jarvis_desktop.core.timers import TimerService
    from jarvis_desktop.core.tools import Toolbox
    from jarvis_desktop.voice.asr import AsrOptions, WhisperTranscriber
    from jarvis_desktop.voice.vad import VadOptions

    gguf = Path(args.gguf) if args.gguf else (Registry().current().gguf if Registry().current() else None)
    if gguf is None:
        sys.exit("no model: train one (jarvis-train retrain) or pass --gguf")
    may_run = threading.Event()  # the app's Controller.may_run: piper's first chunk pauses the LLM
    may_run.set()
    engine = ChatEngine(EngineConfig(n_ctx=2048, n_threads=args.threads, max_tokens=96), may_run)
    engine.load(gguf)

    class Llm:
        """The app's path for a voice request: the Assistant with the tools on (a call is read
        whole, run, and the tool's sentence is the one piece), the persona's system prompt, the
        user's words.  Tools that change something run dry (nothing is locked or opened); the
        skills are off so that the model routes every request.  ``source``: how the last
        reply was made ("tool" or "model")."""

        def __init__(self):
            self.may_run, self.source = may_run, ""

        def stream(self, messages, stop=None):
            assistant = Assistant(engine, None, Persona("sir"), tools=tools)
            return assistant.generate([{"role": "system", "content": assistant.system_prompt()}, *messages], stop,
                                      on_end=lambda answer: setattr(self, "source", answer.source))

    tools = Toolbox(timers=TimerService(Path(tempfile.mkdtemp(prefix="jarvis-voice-")) / "timers.json"), act=False)
    llm = Llm()
    list(llm.stream([{"role": "user", "content": "Hello."}]))  # warm: load pages, fill the KV cache
    tts = piper_voice()
    silence_s = VadOptions().silence_s
    print(f"model {gguf}, llama.cpp threads {args.threads or os.cpu_count()}, silence timeout {silence_s} s")

    beams = [int(b) for b in args.beam.split(",") if b] or [AsrOptions().beam_size]
    for name, beam in [(n, b) for n in args.asr.split(",") for b in beams]:
        asr = WhisperTranscriber(AsrOptions(model=name, threads=args.asr_threads, beam_size=beam))
        asr.transcribe(piper_says("Warm up."))
        rows, alone, plain, cancelled = [], [], [], []
        for text in ROUND_TRIPS[:args.runs]:
            r = round_trip(asr, llm, tts, text, piper_says)
            if not r:
                print(f"  {text!r}: no reply")
                continue
            rows.append({**r, "source": llm.source})
            alone.append(stages_alone(asr, llm, tts, r["text"], r["audio"], silence_s))
            p = round_trip(asr, llm, tts, text, piper_says, speculate=False)
            if p:
                plain.append(p)
            if args.echo:
                from jarvis_desktop.voice.echo import EchoCanceller
                canceller = EchoCanceller()
                e = round_trip(asr, llm, tts, text, piper_says, echo=canceller)
                if e:
                    cancelled.append((e["total"], r["total"], canceller.seconds, canceller.blocks / 100))
        if not rows:
            continue
        med = {k: statistics.median(r[k] for r in rows) for k in
               ("total", "endpoint", "asr_after_endpoint", "asr_compute", "llm_first_sentence", "tts_first_chunk")}
        sums = [sum(a.values()) for a in alone]
        print(f"\n== {name}, beam {beam}: end of speech -> first audio, median of {len(rows)} "
              f"(transcribed during the silence in {sum(r['speculative'] for r in rows)}, "
              f"reply begun on that guess in {sum(r['guessed'] for r in rows)})")
        print(f"  total               {med['total']:.3f} s   (min {min(r['total'] for r in rows):.3f}, "
              f"max {max(r['total'] for r in rows):.3f})")
        if plain:
            print(f"  total, reply begun only after the endpoint: {statistics.median(p['total'] for p in plain):.3f} s "
                  f"(same runs; speculation / none = "
                  f"{statistics.median(r['total'] for r in rows) / statistics.median(p['total'] for p in plain):.2f})")
        for source, label in (("tool", "answered by a tool"), ("model", "answered in prose")):
            mine = [r["total"] for r in rows if r["source"] == source]
            if mine:
                print(f"  {label:18s}  {statistics.median(mine):.3f} s median of {len(mine)} "
                      f"({', '.join(repr(r['text'][:24]) for r in rows if r['source'] == source)})")
        print(f"  reply begun before the endpoint by {statistics.median(r['asked_before_endpoint'] for r in rows):.3f} s")
        print(f"  endpointing         {med['endpoint']:.3f} s")
        print(f"  ASR after endpoint  {med['asr_after_endpoint']:.3f} s   (compute {med['asr_compute']:.3f} s)")
        print(f"  LLM first sentence  {med['llm_first_sentence']:.3f} s   (from when it was asked)")
        print(f"  TTS first chunk     {med['tts_first_chunk']:.3f} s")
        print(f"  stages alone: endpoint {silence_s:.3f} + ASR {statistics.median(a['asr'] for a in alone):.3f} + "
              f"LLM {statistics.median(a['llm'] for a in alone):.3f} + TTS {statistics.median(a['tts'] for a in alone):.3f}"
              f" = {statistics.median(sums):.3f} s; whole / sum = "
              f"{statistics.median(r['total'] / s for r, s in zip(rows, sums)):.2f} with speculation"
              + (f", {statistics.median(p['total'] / s for p, s in zip(plain, sums)):.2f} without" if plain else ""))

        if cancelled:
            print(f"  on laptop speakers, echo canceller on: {statistics.median(c[0] for c in cancelled):.3f} s median "
                  f"of {len(cancelled)} (headset, same commands: {statistics.median(c[1] for c in cancelled):.3f} s); "
                  f"the canceller's CPU {1000 * sum(c[2] for c in cancelled) / sum(c[3] for c in cancelled):.1f} ms "
                  "per second of audio")
        for voice_name, voice in (("piper joe", piper_says), ("espeak-ng en-gb", espeak_says)):
            errors = words = 0
            asr_time = audio_time = 0.0
            for text in COMMANDS:
                audio = voice(text)
                t0 = time.monotonic()
                hyp = asr.transcribe(audio).text
                asr_time += time.monotonic() - t0
                audio_time += len(audio) / SAMPLE_RATE
                e, n = wer(text, hyp)
                errors, words = errors + e, words + n
            print(f"  WER {voice_name:16s} {errors / words:.3f} ({errors}/{words} words, {len(COMMANDS)} commands);"
                  f" ASR real-time factor {asr_time / audio_time:.3f}")
        asr.close()

    tts_time = tts_audio = 0.0
    for text in COMMANDS:
        t0 = time.monotonic()
        chunk = tts.synthesize(speakable(text))
        tts_time += time.monotonic() - t0
        tts_audio += chunk.seconds
    print(f"\nTTS (piper, bundled voice) real-time factor {tts_time / tts_audio:.3f} over {len(COMMANDS)} commands")
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
