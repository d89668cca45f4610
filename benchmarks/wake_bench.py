"""The "Hey Jarvis" wake word: false rejects across voices, speeds and noise, false accepts on an
hour of other speech, and both while Jarvis speaks on laptop speakers.  No sound hardware.

    python benchmarks/wake_bench.py [--parts fr,fa,speaking] [--fa-minutes 60] [--speaking-minutes 60] [--quick]

Everything goes through the real listening pipeline (VoicePipeline: Silero VAD, endpointer,
microWakeWord's hey_jarvis fed 32-ms frames, whisper tiny.en checking what was said with
"Hey Jarvis." as its prompt), as the app runs it hands-free with the wake word on, fed faster
than real time.  After each wake the pipeline is told to wait for the wake word again.

1. fr: "Hey Jarvis", alone and before a command, said by piper (the bundled voice, at three
   speeds) and espeak-ng (en-gb, en-us, en-us+f3, en-gb-x-rp, en-gb-scotland, en-029; 140 and
   175 words a minute), clean and at 10 dB SNR (fan noise; babble of reversed speech).  For each
   trial: whether the app woke (and took the command), and, to show what each part brings, the
   wake model alone and whisper alone with and without the prompt.
2. fa: an hour of speech that is not the wake word (every sentence of Jarvis's persona dataset
   that does not name him, and sentences chosen to sound near it: "Hey Travis", "harvest",
   "Jervis Bay"), in the same voices, a third clean, a third with fan noise and a third with
   babble, plus minutes of noise alone.  Every wake is a false accept; what whisper heard is
   printed.
3. speaking: Jarvis speaks on laptop speakers in the three simulated rooms (tests/room.py), the
   echo canceller on.  False rejects: a user says "Hey Jarvis, ..." over him at -30 and -24 dBFS
   (his echo is about -26); false accepts: an hour of him speaking with nobody talking.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import queue
import random
import re
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from jarvis_desktop.voice.audio import FRAME, SAMPLE_RATE, ArraySink, frames_of  # noqa: E402
from jarvis_desktop.voice.pipeline import VoiceOptions, VoicePipeline  # noqa: E402
from jarvis_desktop.voice.wake import WAKE_PROMPT, WakeWord, wake_command  # noqa: E402
from tests.room import ROOMS, Laptop, at_level  # noqa: E402
from tests.speech import espeak_says, piper_voice, silence  # noqa: E402

ESPEAK = [(v, s) for v in ("en-gb", "en-us", "en-us+f3", "en-gb-x-rp", "en-gb-scotland", "en-029") for s in (140, 175)]
PIPER_SPEEDS = (0.85, 1.0, 1.2)
WAKE_PHRASES = ["Hey Jarvis.", "Hey Jarvis, what time is it?", "Hey Jarvis, open my documents folder."]
NEAR_MISSES = [
    "Hey Travis, could you pass me the salt?", "The harvest was late this year.", "Hey there, how is it going?",
    "We drove down to Jervis Bay last summer.", "I am a bit nervous about the interview.", "Hey darling, dinner is ready.",
    "Jars of jam are in the cupboard.", "The service was excellent, thank you.", "Have you seen the garage keys?",
    "Hey, have a look at this.", "Marvellous, that is just what I needed.", "Hey Siri, what is the weather?",
    "Okay Google, set an alarm.", "Alexa, play some music.", "Davis will join us for lunch.", "Hey Mavis, over here!",
    "Carvings on the old door are lovely.", "Travis said he would be late.", "Jarring noise from the kitchen again.",
    "Hey guys, the meeting starts now.", "Charles is parking the car.", "Hey Jeff, is that you?",
]


# --- voices and noise ----------------------------------------------------------------------------
_synths: dict = {}


def piper_at(speed: float):
    """The bundled piper voice at ``speed`` (1.0 as trained)."""
    if speed == 1.0:
        return piper_voice()
    if speed not in _synths:
        from jarvis_desktop.voice.tts import PiperSynthesizer, TtsOptions
        _synths[speed] = PiperSynthesizer(TtsOptions(speed=speed))
    return _synths[speed]


def say(voice: tuple, text: str) -> np.ndarray:
    from jarvis_desktop.voice.audio import resample
    kind, a, b = voice
    if kind == "piper":
        chunk = piper_at(a).synthesize(text)
        return resample(chunk.samples, chunk.rate)
    return espeak_says(text, a, b)


def voices() -> list[tuple]:
    return [("piper", s, None) for s in PIPER_SPEEDS] + [("espeak", v, s) for v, s in ESPEAK]


def voice_name(voice: tuple) -> str:
    return f"piper joe x{voice[1]}" if voice[0] == "piper" else f"espeak {voice[1]} {voice[2]}"


def fan(n: int, rng) -> np.ndarray:
    white = rng.standard_normal(n + 16).astype(np.float32)
    return np.convolve(white, np.ones(16, np.float32) / 4.0, mode="valid")[:n]


class Babble:
    """Reversed speech of three voices at once: speech-like noise with no words in it."""

    def __init__(self, rng):
        texts = ["The committee will meet again on Thursday to discuss the budget for next year.",
                 "Please remember to water the plants and feed the cat while we are away.",
                 "Trains to the city are running late because of works on the line near the station."]
        parts = [espeak_says(t, v, 160)[::-1] for t, v in zip(texts, ("en-us", "en-gb", "en-us+f3"))]
        n = min(len(p) for p in parts)
        self.audio = sum(p[:n] for p in parts).astype(np.float32)
        self.rng = rng

    def __call__(self, n: int) -> np.ndarray:
        reps = int(np.ceil(n / len(self.audio))) + 1
        start = self.rng.integers(0, len(self.audio))
        return np.tile(self.audio, reps)[start:start + n]


def scene(speech: np.ndarray, before: float, after: float, kind: str, rng, babble: Babble,
          snr_db: float = 10.0) -> np.ndarray:
    """``speech`` at -26 dBFS between silences of ``before`` and ``after`` seconds, the whole with
    ``kind`` noise ("clean": none, "fan", "babble") ``snr_db`` below the speech."""
    audio = np.concatenate([silence(before), at_level(speech, -26.0), silence(after)])
    if kind == "clean":
        return audio
    noise = fan(len(audio), rng) if kind == "fan" else babble(len(audio))
    return (audio + at_level(noise, -26.0 - snr_db)).astype(np.float32)


# --- the pipeline, watched ----------------------------------------------------------------------------
class CountingWake:
    """The real wake model, counting the frames it fired on."""

    def __init__(self):
        self.model, self.fired = WakeWord(), 0

    def process(self, frame):
        hit = self.model.process(frame)
        self.fired += hit
        return hit

    def reset(self):
        self.model.reset()


class BusyAsr:
    """The real transcriber, telling whether a transcription is under way."""

    def __init__(self, asr):
        self.asr, self.busy = asr, threading.Event()
        self.wake_scored = getattr(asr, "wake_scored", True)

    def _busy(self, work, *args, **kwargs):
        self.busy.set()
        try:
            return work(*args, **kwargs)
        finally:
            self.busy.clear()

    def transcribe(self, audio, prompt=None):
        return self._busy(self.asr.transcribe, audio, prompt=prompt)

    def wake_check(self, *args):
        return self._busy(self.asr.wake_check, *args)

    def second_opinion(self, *args):
        return self._busy(self.asr.second_opinion, *args)

    def prepare_second_opinion(self):
        self.asr.prepare_second_opinion()


class Watched:
    """A hands-free pipeline with the wake word on; ``events`` gets ("wake",) and ("heard", text).
    ``disarm``: wait for the wake word again at once after each (fed faster than real time, an
    8-s window would swallow what follows); else the caller does it between trials."""

    def __init__(self, asr, echo=None, headset=True, disarm=False):
        self.disarm = disarm
        self.events: queue.Queue = queue.Queue()
        self.wake = CountingWake()
        self.asr = BusyAsr(asr)
        self.p = VoicePipeline(self.asr, piper_voice(), ArraySink(), VoiceOptions(hands_free=True, headset=headset),
                               wake=self.wake, echo=echo, on_listening=self._listening,
                               on_heard=lambda h: self.events.put(("heard", h.text)),
                               on_barge_in=lambda: self.events.put(("barge",))).start()

    def _listening(self, on):
        if on:
            self.events.put(("wake",))
            if self.disarm:
                self.p.await_wake()

    def feed(self, audio_or_frames, limit: int = 60) -> None:
        for frame in audio_or_frames:
            while self.p.frames.qsize() > limit:
                time.sleep(0.002)
            self.p.frames.put(frame)

    def idle(self) -> None:
        while not self.p.frames.empty():
            time.sleep(0.01)
        time.sleep(0.05)
        while not self.p.speech.empty() or self.asr.busy.is_set():
            time.sleep(0.01)
        time.sleep(0.02)

    def drain(self) -> list:
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    def close(self):
        self.p.close()


# --- 1. false rejects -----------------------------------------------------------------------------
def fr_part(asr, quick: bool):
    rng = np.random.default_rng(3)
    babble = Babble(rng)
    w = Watched(asr)
    rows = []
    vs = voices()[::3] if quick else voices()
    for voice in vs:
        for phrase in WAKE_PHRASES:
            clean = say(voice, phrase)
            for kind in ("clean", "fan", "babble"):
                audio = scene(clean, 0.6, 1.5, kind, rng, babble)
                w.p.await_wake()
                w.p.vad.reset()
                w.p.endpointer.reset()
                w.wake.reset()
                fired = w.wake.fired
                w.feed(frames_of(audio))
                w.idle()
                events = w.drain()
                model = w.wake.fired > fired
                woke = any(e[0] in ("wake", "heard") for e in events)
                heard = " / ".join(e[1] for e in events if e[0] == "heard")
                plain = asr.transcribe(audio).text.strip()
                prompted = asr.transcribe(audio, prompt=WAKE_PROMPT).text.strip()
                rows.append(dict(voice=voice_name(voice), phrase=phrase, noise=kind, model=model,
                                 whisper=wake_command(plain) is not None, prompted=wake_command(prompted) is not None,
                                 app=woke, heard=heard, plain=plain, text=prompted))
    w.close()
    n = len(rows)
    print(f"\n## False rejects: {n} utterances of \"Hey Jarvis\" ({len(vs)} voices x {len(WAKE_PHRASES)} phrases "
          "x clean / fan 10 dB SNR / babble 10 dB SNR)\n")
    print("| detector | missed | false reject rate |")
    print("|---|---|---|")
    name = asr.o.model
    for key, label in (("model", "microWakeWord hey_jarvis alone"), ("whisper", f"whisper {name} alone, no prompt"),
                       ("prompted", f"whisper {name} alone, prompt \"Hey Jarvis.\""),
                       ("app", "the app: both (through the pipeline)")):
        missed = sum(not r[key] for r in rows)
        print(f"| {label} | {missed}/{n} | {missed / n:.3f} |")
    print("\n| voice | clean | fan | babble |  (app misses / model misses)")
    print("|---|---|---|---|")
    for name in dict.fromkeys(r["voice"] for r in rows):
        cells = []
        for kind in ("clean", "fan", "babble"):
            sub = [r for r in rows if r["voice"] == name and r["noise"] == kind]
            cells.append(f"{sum(not r['app'] for r in sub)} / {sum(not r['model'] for r in sub)}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    unconfirmed = [r for r in rows if r["model"] and not r["app"]]
    print(f"\nThe wake model fired but the app did not wake (whisper did not confirm it): {len(unconfirmed)}")
    for r in unconfirmed:
        print(f"   {r['voice']}, {r['noise']}: {r['phrase']!r} -> whisper heard {r['heard'] or r['text']!r}")
    commands = [r for r in rows if r["phrase"] != "Hey Jarvis." and r["app"]]
    right = sum(_command_ok(r["phrase"], r["heard"]) for r in commands)
    print(f"\nCommands taken with the wake word: {right}/{len(commands)} with the command's words heard")
    for r in rows:
        if not r["app"]:
            print(f"   missed: {r['voice']}, {r['noise']}: {r['phrase']!r} -> whisper heard {r['text']!r}")
    return rows


def _command_ok(phrase: str, heard: str) -> bool:
    key = {"what time": "time", "documents": "document"}
    return any(k in phrase.lower() and v in heard.lower() for k, v in key.items())


# --- 2. false accepts on other speech ------------------------------------------------------------------
def sentences() -> list[str]:
    out = list(NEAR_MISSES)
    for path in sorted((ROOT / "assets" / "data" / "persona").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            for m in json.loads(line).get("messages", []):
                text = re.sub(r"\{[a-z_]+\}", "sir", str(m.get("content", "")))
                for s in re.split(r"(?<=[.!?])\s+", text):
                    s = s.strip()
                    if 12 <= len(s) <= 220 and "jarvis" not in s.lower() and not re.search(r"[{}<>\[\]`|]", s):
                        out.append(s)
    return list(dict.fromkeys(out))


def fa_part(asr, minutes: float, seed=4):
    rng = np.random.default_rng(seed)
    pyrng = random.Random(seed)
    babble = Babble(rng)
    pool = sentences()
    pyrng.shuffle(pool)
    pool = NEAR_MISSES + [s for s in pool if s not in NEAR_MISSES]
    vs = voices()
    w = Watched(asr, disarm=True)
    total, speech_s, wakes = 0.0, 0.0, []
    kinds = ("clean", "fan", "babble")
    t0 = time.monotonic()
    i = 0
    target = minutes * 60
    while total < target and i < len(pool):
        text, voice, kind = pool[i], vs[i % len(vs)], kinds[(i // len(vs)) % 3]
        i += 1
        spoken = say(voice, text)
        audio = scene(spoken, 0.0, pyrng.uniform(0.3, 1.5), kind, rng, babble)
        before = w.wake.fired
        w.feed(frames_of(audio))
        w.idle()
        for e in w.drain():
            if e[0] in ("wake", "heard"):
                how = "model" if w.wake.fired > before else "whisper"
                wakes.append((how, voice_name(voice), kind, text, e[1] if len(e) > 1 else ""))
        total += len(audio) / SAMPLE_RATE
        speech_s += len(spoken) / SAMPLE_RATE
    noise_s = min(5 * 60, max(30.0, 0.08 * total))  # and noise alone: fan, babble, clicks
    for kind in ("fan", "babble", "clicks"):
        n = int(noise_s / 3 * SAMPLE_RATE)
        if kind == "clicks":
            audio = at_level(fan(n, rng), -50.0)
            for at in rng.integers(0, n - 200, size=int(noise_s / 3)):
                audio[at:at + 80] += 0.5 * rng.standard_normal(80).astype(np.float32)
        else:
            audio = at_level(fan(n, rng) if kind == "fan" else babble(n), -30.0)
        before = w.wake.fired
        w.feed(frames_of(audio))
        w.idle()
        for e in w.drain():
            if e[0] in ("wake", "heard"):
                wakes.append(("model" if w.wake.fired > before else "whisper", "noise", kind, "", ""))
        total += n / SAMPLE_RATE
    w.close()
    hours = total / 3600
    model = sum(1 for x in wakes if x[0] == "model")
    whisper = len(wakes) - model
    print(f"\n## False accepts: {total / 60:.1f} min ({i} sentences, {speech_s / 60:.1f} min of speech in "
          f"{len(vs)} voices; {noise_s / 60:.1f} min of noise alone), ran {time.monotonic() - t0:.0f} s\n")
    print(f"Wakes: {len(wakes)} ({len(wakes) / hours:.2f} per hour): the wake model {model}, whisper {whisper}")
    for how, name, kind, text, heard in wakes:
        print(f"   {how}: {name}, {kind}: {text!r} -> {heard!r}")
    return wakes, hours


# --- 3. while Jarvis speaks ----------------------------------------------------------------------------
def speaking_part(asr, minutes: float, trials: int, seed=5):
    from benchmarks.echo_bench import replies_audio, self_part
    from jarvis_desktop.voice.echo import EchoCanceller

    replies = replies_audio()
    rng = random.Random(seed)
    vs = voices()
    rows = []
    for room in ROOMS:
        delay = rng.choice([0.04, 0.08, 0.12])
        laptop = Laptop(room, delay_s=delay, seed=rng.randrange(1 << 30))
        w = Watched(asr, echo=EchoCanceller(), headset=False)
        w.p.speaking.set()  # Jarvis is speaking all along
        warm = np.concatenate(replies[:2])  # the canceller has heard him before anyone speaks
        w.feed(_duplex_frames(laptop.microphone(warm), warm, delay))
        w.idle()
        w.drain()
        for t in range(trials):
            voice = vs[t % len(vs)]
            level = (-30, -24)[(t // len(vs)) % 2]
            phrase = WAKE_PHRASES[1 + t % 2]
            said = say(voice, phrase)
            far = np.concatenate([replies[rng.randrange(len(replies))], replies[rng.randrange(len(replies))]])
            at = int(rng.uniform(1.0, 3.0) * SAMPLE_RATE)
            mic = laptop.microphone(far, user=said, user_at=at, user_db=level)
            w.p.await_wake()
            w.p.speaking.set()  # he speaks this reply (a barge-in in the trial before stopped the last)
            before = w.wake.fired
            w.feed(_duplex_frames(mic, far, delay))
            w.idle()
            events = w.drain()
            woke = any(e[0] in ("wake", "heard") for e in events)
            heard = " / ".join(e[1] for e in events if e[0] == "heard")
            rows.append(dict(room=room.name, voice=voice_name(voice), level=level, phrase=phrase, app=woke,
                             model=w.wake.fired > before, heard=heard))
        w.close()
    n = len(rows)
    missed = sum(not r["app"] for r in rows)
    print(f"\n## While Jarvis speaks on laptop speakers: {n} utterances of \"Hey Jarvis, ...\" over him "
          f"({len(ROOMS)} rooms, -30 and -24 dBFS, echo canceller on)\n")
    print(f"False rejects: {missed}/{n} ({missed / n:.3f}); the wake model alone missed "
          f"{sum(not r['model'] for r in rows)}/{n}")
    for level in (-30, -24):
        sub = [r for r in rows if r["level"] == level]
        print(f"   at {level} dBFS: missed {sum(not r['app'] for r in sub)}/{len(sub)}")
    right = sum(_command_ok(r["phrase"], r["heard"]) for r in rows if r["app"])
    print(f"   commands heard with their words: {right}/{n - missed}")
    for r in rows:
        if not r["app"]:
            print(f"   missed: {r['room']}, {r['voice']}, {r['level']} dBFS: {r['phrase']!r}")
    if minutes > 0:
        print("\n(false accepts while he speaks: the self-interruption run, with the wake word on)")
        self_part(replies, minutes, asr, wake=WakeWord)
    return rows


def _duplex_frames(mic, far, delay_s):
    for s in range(0, len(far) - FRAME + 1, FRAME):
        yield (mic[s:s + FRAME], far[s:s + FRAME], delay_s * 1000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="fr,fa,speaking")
    ap.add_argument("--fa-minutes", type=float, default=60.0)
    ap.add_argument("--speaking-minutes", type=float, default=60.0)
    ap.add_argument("--trials", type=int, default=30, help="wake words said over Jarvis, per room")
    ap.add_argument("--asr", default="tiny.en", help="whisper model: tiny.en (the default), base, or a folder")
    ap.add_argument("--wake-second", choices=("on", "off"), default="on",
                    help="whisper base's second listen near the score's line (voice/wake.py WAKE_SECOND)")
    ap.add_argument("--quick", action="store_true", help="a third of the voices, 5 minutes, 6 trials a room")
    args = ap.parse_args()
    if args.quick:
        args.fa_minutes, args.speaking_minutes, args.trials = 5.0, 3.0, 6
    from jarvis_desktop.voice.asr import AsrOptions, WhisperTranscriber

    asr = WhisperTranscriber(AsrOptions(model=args.asr, wake_second=args.wake_second == "on"))
    parts = set(args.parts.split(","))
    if "fr" in parts:
        fr_part(asr, args.quick)
    if "fa" in parts:
        fa_part(asr, args.fa_minutes)
    if "speaking" in parts:
        speaking_part(asr, args.speaking_minutes, args.trials)


if __name__ == "__main__":
    main()
