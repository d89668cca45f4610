"""Hands-free on laptop speakers, with no sound hardware: echo cancellation, self-interruptions
and barge-in by voice, measured on a laptop in simulated rooms (tests/room.py).

    python benchmarks/echo_bench.py [--parts erle,self,starts,barge] [--self-minutes 60] [--pauses 0.3] [--starts 100] [--quick]

1. erle: how much of Jarvis's echo the canceller removes, per room and device delay, after
   convergence (from the 4th second on, where the echo is audible), and the canceller's CPU
   time per second of audio.  WebRTC's AEC3 (the livekit package, what the app uses) and, when
   the ``speexdsp`` package is installed, speexdsp's canceller, on the same signals.
2. self: Jarvis speaking with nobody talking (piper replies, 20-150 ms device delays, the three
   rooms), through the real listening pipeline (canceller, Silero VAD, endpointer, whisper for
   the stop phrase) with barge-in and the stop phrase armed, faster than real time.  Every
   barge-in is a self-interruption; utterances the VAD began are printed too.
   starts: the same for the first seconds on a new device, many times over (``--starts``
   fresh pipelines, 8 s of his voice each), where the canceller has not settled.
3. barge: a user talks over Jarvis (piper's voice and espeak-ng's en-gb, en-us, en-us+f3 and
   en-gb-x-rp, speeds 140-175, levels -30 and -24 dBFS at the microphone against an echo of
   about -26 dBFS), in real time through the whole pipeline and a simulated duplex device:
   whether he stops, how long after the first voiced sample the speaker falls silent (on the
   device's sample clock), and the word error rate of what was said over him (whisper tiny.en).

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import queue
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from jarvis_desktop.voice.audio import FRAME, SAMPLE_RATE, ArraySink, from_pcm16, to_pcm16  # noqa: E402
from jarvis_desktop.voice.echo import LAG, EchoCanceller  # noqa: E402
from jarvis_desktop.voice.pipeline import VoiceOptions, VoicePipeline  # noqa: E402
from benchmarks.voice_latency import COMMANDS, wer  # noqa: E402
from tests.room import ROOMS, Laptop, SimulatedDuplex, rms_db  # noqa: E402
from tests.speech import espeak_says, piper_says, piper_voice  # noqa: E402

REPLIES = [
    "Good evening, sir. The forecast for tomorrow is light rain in the morning, clearing by noon.",
    "Your meeting with the design team is at half past two, and I have set a reminder for it.",
    "The backup finished at ten past nine and took four minutes. Nothing was left out.",
    "Certainly, madam. A timer for twenty minutes is running; I shall tell you when it ends.",
    "You have three hundred and twelve gigabytes free on the main disk, sir, which is plenty.",
    "A Python decorator wraps a function in another, so that you may add behaviour without changing it.",
    "I am afraid the build failed on the server: a test of the payment module timed out.",
    "It is a quarter to seven, sir. Shall I put some music on while you cook?",
    "Twelve times fifteen is one hundred and eighty. Is there anything else you need?",
    "Pride and Prejudice was written by Jane Austen, and published in eighteen thirteen.",
    "The music is paused, sir. Say the word and it will carry on where it stopped.",
    "Very good, madam. The screen is locked, and I shall keep an eye on things meanwhile.",
    "I have made a note to buy milk and bread, and added it to your shopping list.",
    "The traffic into town is light this morning; the drive should take about twenty minutes.",
    "You have two new messages: one from Sarah about Friday, and one from the bank.",
    "To undo the last commit and keep your changes, run git reset with the soft option.",
]
VOICES = [  # (name, speaker) for the user
    ("piper joe", piper_says),
    ("espeak en-gb 160", lambda t: espeak_says(t, "en-gb", 160)),
    ("espeak en-us 175", lambda t: espeak_says(t, "en-us", 175)),
    ("espeak en-us+f3 150", lambda t: espeak_says(t, "en-us+f3", 150)),
    ("espeak en-gb-x-rp 140", lambda t: espeak_says(t, "en-gb-x-rp", 140)),
]


def replies_audio() -> list[np.ndarray]:
    return [piper_says(text) for text in REPLIES]


# --- 1. echo return loss enhancement ------------------------------------------------------------
def _speex(mic, ref):
    from speexdsp import EchoCanceller as Speex

    n = 160
    ec = Speex.create(n, int(0.3 * SAMPLE_RATE), SAMPLE_RATE)
    out = np.zeros_like(mic)
    for s in range(0, len(mic) - n + 1, n):
        out[s:s + n] = from_pcm16(ec.process(to_pcm16(mic[s:s + n]), to_pcm16(ref[s:s + n])))
    return out


def _aec3(mic, ref, delay_ms):
    ec = EchoCanceller(delay_ms=delay_ms)
    n = len(mic) - len(mic) % FRAME
    return np.concatenate([ec.process(mic[s:s + FRAME], ref[s:s + FRAME]) for s in range(0, n, FRAME)])


def erle_part(replies, delays):
    try:
        import speexdsp  # noqa: F401
        cancellers = ("aec3", "speexdsp")
    except ImportError:
        cancellers = ("aec3",)
        print("(speexdsp is not installed: apt-get install libspeexdsp-dev && pip install speexdsp to compare it)")
    far = np.concatenate([np.concatenate([r, np.zeros(SAMPLE_RATE // 3, np.float32)]) for r in replies[:8]])
    print(f"\n## Echo removed (ERLE, dB, from the 4th second on; {len(far) / SAMPLE_RATE:.0f} s of piper replies)\n")
    print("| room | delay | echo at the mic | " + " | ".join(cancellers) + " |")
    print("|---|---|---|" + "---|" * len(cancellers))
    cpu = {c: [0.0, 0.0] for c in cancellers}
    worst = {c: 99.0 for c in cancellers}
    for room in ROOMS:
        for delay in delays:
            laptop = Laptop(room, delay_s=delay)
            mic = laptop.microphone(far)
            echo = laptop.echo(far)
            cells = []
            for c in cancellers:
                t0 = time.process_time()
                out = _aec3(mic, far, delay * 1000) if c == "aec3" else _speex(mic, far)
                cpu[c][0] += time.process_time() - t0
                cpu[c][1] += len(out) / SAMPLE_RATE
                # aligned on the output's lag (AEC3: 18 ms; speexdsp: none)
                lag = LAG if c == "aec3" else 0
                o = out[lag:]
                settled = 4 * SAMPLE_RATE
                active = np.abs(echo[settled:len(o)]) > 1e-3
                e = rms_db(mic[settled:len(o)][active]) - rms_db(o[settled:][active])
                worst[c] = min(worst[c], e)
                cells.append(f"{e:.1f}")
            print(f"| {room.name} | {delay * 1000:.0f} ms | {rms_db(echo[echo != 0]):.0f} dBFS | " + " | ".join(cells) + " |")
    for c in cancellers:
        print(f"\n{c}: worst {worst[c]:.1f} dB; CPU {1000 * cpu[c][0] / cpu[c][1]:.1f} ms per second of audio")


def _speak_alone(room, delay, seconds, replies, rng, asr, wake=None, exact=False, pauses: float = 0.0):
    """One session: a fresh pipeline and canceller on a laptop in ``room``, Jarvis speaking
    ``seconds`` of piper replies with nobody talking, faster than real time (replies and pauses
    up to ``seconds``, the last reply cut there where ``exact``).  The microphone hears the
    session as one signal, so no echo tail is lost between replies (cut, it left the linear
    filter's estimate with no echo to match: his voice, in reverse, as a voice over him).
    ``pauses``: the share of the gaps between replies that last 1.2-4 s instead of 0.2-0.8 s, so
    that he begins anew after a second of silence, as at every reply in the app (the canceller's
    path for a voice over him is off then, and his echo's level has faded).
    Returns the seconds spoken and the times (s into the session) of barge-ins, utterances
    begun and wakes."""
    clock = {"s": 0.0}
    events = {"barge": [], "start": [], "wake": []}
    opts = VoiceOptions(hands_free=True, headset=False, barge_in=True)
    p = VoicePipeline(asr, piper_voice(), ArraySink(), opts, echo=EchoCanceller(), wake=wake() if wake else None,
                      on_listening=lambda on: on and events["wake"].append(clock["s"]),
                      on_barge_in=lambda: events["barge"].append(clock["s"]),
                      on_speech=lambda on: on and events["start"].append(clock["s"]))
    p.start()
    laptop = Laptop(room, delay_s=delay, seed=rng.randrange(1 << 30))
    parts, length = [], 0
    while length < seconds * SAMPLE_RATE:
        gap = rng.uniform(1.2, 4.0) if pauses and rng.random() < pauses else rng.uniform(0.2, 0.8)
        parts += [replies[rng.randrange(len(replies))], np.zeros(int(gap * SAMPLE_RATE), np.float32)]
        length += len(parts[-2]) + len(parts[-1])
    far = np.concatenate(parts)
    if exact:
        far = far[:int(seconds * SAMPLE_RATE)]
    mic = laptop.microphone(far)
    p.speaking.set()  # Jarvis is speaking all along
    for s in range(0, len(far) - FRAME + 1, FRAME):
        while p.frames.qsize() > 50:  # keep the clock near the listener
            time.sleep(0.002)
        clock["s"] = s / SAMPLE_RATE
        p.frames.put((mic[s:s + FRAME], far[s:s + FRAME], delay * 1000))
    while not p.frames.empty():
        time.sleep(0.02)
    time.sleep(1.0)
    while not p.speech.empty():
        time.sleep(0.1)
    time.sleep(1.0)
    p.close()
    return len(far) / SAMPLE_RATE, events


def starts_part(replies, count: int, asr, seconds: float = 8.0, seed=3):
    """The first seconds on a new device, many times over: ``count`` fresh pipelines, each hearing
    Jarvis's first ``seconds`` alone (the rooms in turn, device delays of 20-150 ms).  The hour of
    ``self_part`` holds only twelve such starts, where the canceller has not settled yet."""
    rng = random.Random(seed)
    delays = (0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15)
    print(f"\n## Self-interruptions in the first seconds: {count} fresh cancellers, {seconds:.0f} s of Jarvis alone each\n")
    t_start = time.monotonic()
    barges, begun, total_s = [], 0, 0.0
    for k in range(count):
        room, delay = ROOMS[k % len(ROOMS)], rng.choice(delays)
        session_s, events = _speak_alone(room, delay, seconds, replies, rng, asr, exact=True)
        total_s += session_s
        begun += len(events["start"])
        barges += [(room.name, delay, t) for t in events["barge"]]
    print(f"{len(barges)} self-interruptions in {count} starts ({total_s / 60:.1f} min of his voice); "
          f"{begun} utterances begun on his echo; ran {time.monotonic() - t_start:.0f} s")
    for name, delay, t in barges[:10]:
        print(f"   {name}, {delay * 1000:.0f} ms: {t:.2f} s in")


# --- 2. self-interruptions ---------------------------------------------------------------------
def self_part(replies, minutes: float, asr, seed=1, wake=None, pauses: float = 0.0):
    """Each room with each device delay is one session: a fresh pipeline and canceller, as when
    the app opens a sound device, so each one's first seconds (before the canceller settles)
    are in the figures.  ``wake``: a WakeWord factory: the wake word is on (then speech cuts
    him off only after it), and every wake counts as a false accept."""
    import logging

    rng = random.Random(seed)
    delays = (0.02, 0.06, 0.1, 0.15)
    per_session = minutes * 60 / len(ROOMS) / len(delays)
    total_s, barges, starts, wakes, lines = 0.0, 0, 0, 0, []
    print(f"\n## Self-interruptions: {minutes:.0f} min of Jarvis speaking, nobody talking"
          f"{', wake word on' if wake else ''}{f', {pauses:.0%} of his pauses 1.2-4 s' if pauses else ''}\n")
    print("| room | device delay | minutes | barge-ins | utterances begun (s into the session) |")
    print("|---|---|---|---|---|")
    t_start = time.monotonic()

    class Said(logging.Handler):
        def emit(self, record):
            if any(k in record.getMessage() for k in ("over the reply", "stop phrase", "wake word", "barge-in")):
                lines.append(record.getMessage())

    handler = Said()
    logger = logging.getLogger("jarvis_desktop.voice.pipeline")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    for room in ROOMS:
        for delay in delays:
            session_s, events = _speak_alone(room, delay, per_session, replies, rng, asr, wake, pauses=pauses)
            total_s += session_s
            barges += len(events["barge"])
            wakes += len(events["wake"])
            starts += len(events["start"])
            print(f"| {room.name} | {delay * 1000:.0f} ms | {session_s / 60:.1f} | {len(events['barge'])}"
                  f"{''.join(f' ({t:.1f} s)' for t in events['barge'][:3])} | "
                  f"{len(events['start'])} ({', '.join(f'{t:.1f}' for t in events['start'][:6])}) |")
    logger.removeHandler(handler)
    print(f"\nIn all: {barges} self-interruptions in {total_s / 60:.1f} minutes ({barges / (total_s / 3600):.2f} per hour); "
          f"{starts} utterances begun on his own echo; ran {time.monotonic() - t_start:.0f} s")
    if wake:
        print(f"Wake words heard in his own voice (false accepts while he speaks): {wakes} "
              f"({wakes / (total_s / 3600):.2f} per hour)")
    for line in lines[:10]:
        print("  ", line)


# --- 3. barge-in --------------------------------------------------------------------------------
def barge_part(asr, levels, trials_per_room: int, seed=2):
    import logging

    rng = random.Random(seed)
    long_reply = " ".join(REPLIES[:6])
    rows, alone, said_log, notes = [], [], [], []

    class Said(logging.Handler):  # what the pipeline said of each trial, for the ones that went wrong
        def emit(self, record):
            said_log.append(f"{sim.clock / SAMPLE_RATE:.2f} s: {record.getMessage()}")

    handler = Said()
    logger = logging.getLogger("jarvis_desktop.voice.pipeline")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)  # (utterances begun and ended too)
    print(f"\n## Barge-in: a user talks over Jarvis ({len(ROOMS)} rooms, {len(VOICES)} voices, levels {levels} dBFS)\n")
    for room in ROOMS:
        frames: queue.Queue = queue.Queue(maxsize=4000)
        delay = rng.choice([0.04, 0.08, 0.12])
        sim = SimulatedDuplex(Laptop(room, delay_s=delay, seed=rng.randrange(1 << 30)), frames)
        got = {"barge": queue.Queue(), "heard": queue.Queue(), "spoken": queue.Queue(), "first": queue.Queue()}
        p = VoicePipeline(asr, piper_voice(), sim.device, VoiceOptions(hands_free=True, headset=False), echo=EchoCanceller(),
                          on_barge_in=lambda: got["barge"].put(sim.clock), on_heard=got["heard"].put,
                          on_spoken=lambda r, t, i: got["spoken"].put(i), on_first_audio=lambda r, t: got["first"].put(r))
        p.frames = frames
        p.start()
        sim.start()
        try:
            for t in range(trials_per_room):
                for q in got.values():
                    while not q.empty():
                        q.get_nowait()
                said_log.clear()
                name, speaker = VOICES[t % len(VOICES)]
                level = levels[(t // len(VOICES)) % len(levels)]
                command = COMMANDS[rng.randrange(len(COMMANDS))]
                said = speaker(command)
                onset = int(np.flatnonzero(np.abs(said) > 0.01 * np.max(np.abs(said)))[0])
                reply = p.begin_reply()
                p.say(reply, long_reply)
                p.end_reply(reply)
                got["first"].get(timeout=30)
                time.sleep(rng.uniform(1.5, 4.0))
                at = sim.say(said, level_db=level)
                try:
                    barged = got["barge"].get(timeout=3.0)
                    time.sleep(0.5)  # until the device has played its last block
                    stopped = sim.stopped_playing_after(at + onset)
                    # a barge-in before the user spoke was a self-interruption, not a detection
                    latency = None if stopped is None or barged < at + onset else stopped / SAMPLE_RATE
                except queue.Empty:
                    latency = None
                    p.interrupt()
                try:
                    heard = got["heard"].get(timeout=15).text
                except queue.Empty:
                    heard = ""
                errors, words = wer(command, heard)
                rows.append((room.name, name, level, latency, errors, words, command, heard))
                if latency is None or not heard:
                    notes.append((f"{room.name}, {name}, {level} dBFS, said at {(at + onset) / SAMPLE_RATE:.2f} s",
                                  list(said_log)))
                alone.append(np.concatenate([np.zeros(SAMPLE_RATE // 3, np.float32), sim.laptop.voice(said, level),
                                             np.zeros(SAMPLE_RATE // 2, np.float32)]))
                time.sleep(0.5)
        finally:
            p.close()
            sim.close()
    logger.removeHandler(handler)
    detected = [r for r in rows if r[3] is not None]
    fast = [r for r in detected if r[3] <= 0.3]
    print("| room | voice | level | stopped after | WER | said | heard |")
    print("|---|---|---|---|---|---|---|")
    for room, name, level, latency, errors, words, command, heard in rows:
        print(f"| {room} | {name} | {level} | {'missed' if latency is None else f'{latency * 1000:.0f} ms'} | "
              f"{errors}/{words} | {command} | {heard} |")
    for trial, lines in notes:
        print(f"\n{trial}, missed or nothing heard; the pipeline's log:")
        for line in lines[:12]:
            print("   ", line)
    lat = [r[3] for r in detected]
    print(f"\nStopped within 300 ms: {len(fast)}/{len(rows)} ({100 * len(fast) / len(rows):.0f} %); detected at all: "
          f"{len(detected)}/{len(rows)}; latency median {1000 * statistics.median(lat):.0f} ms, "
          f"worst {1000 * max(lat):.0f} ms" if lat else "\nnone detected")
    print(f"WER of what was said over him: {sum(r[4] for r in rows) / max(1, sum(r[5] for r in rows)):.3f} "
          f"({sum(r[4] for r in rows)} errors in {sum(r[5] for r in rows)} words)")
    # the same words in the same room with Jarvis silent: what whisper makes of them without any echo
    base = [wer(r[6], asr.transcribe(a).text) for r, a in zip(rows, alone)]
    print(f"WER of the same words said with Jarvis silent (the room and whisper alone): "
          f"{sum(e for e, _ in base) / max(1, sum(n for _, n in base)):.3f}")
    for name, _ in VOICES:
        sub = [(r, b) for r, b in zip(rows, base) if r[1] == name]
        print(f"   {name}: over him {sum(r[4] for r, _ in sub) / max(1, sum(r[5] for r, _ in sub)):.2f}, "
              f"alone {sum(b[0] for _, b in sub) / max(1, sum(b[1] for _, b in sub)):.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="erle,self,starts,barge")
    ap.add_argument("--self-minutes", type=float, default=60.0)
    ap.add_argument("--pauses", type=float, default=0.0,
                    help="self: the share of his pauses that last 1.2-4 s (he begins anew after silence)")
    ap.add_argument("--trials", type=int, default=10, help="barge-in trials per room")
    ap.add_argument("--starts", type=int, default=100, help="fresh cancellers for the starts part")
    ap.add_argument("--asr", default="tiny.en", help="whisper model: tiny.en (the default), base, or a folder")
    ap.add_argument("--quick", action="store_true", help="3 minutes of self-talk, 5 trials a room")
    args = ap.parse_args()
    parts = set(args.parts.split(","))
    if args.quick:
        args.self_minutes, args.trials = 3.0, 5
    replies = replies_audio()
    asr = None
    if parts & {"self", "starts", "barge"}:
        from jarvis_desktop.voice.asr import AsrOptions, WhisperTranscriber

        asr = WhisperTranscriber(AsrOptions(model=args.asr))
    if "erle" in parts:
        erle_part(replies, (0.02, 0.08, 0.15))
    if "self" in parts:
        self_part(replies, args.self_minutes, asr, pauses=args.pauses)
    if "starts" in parts:
        starts_part(replies, args.starts, asr)
    if "barge" in parts:
        barge_part(asr, (-30, -24), args.trials)


if __name__ == "__main__":
    main()
