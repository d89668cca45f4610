"""Where the endpointer ends a command: in quiet (is every command heard whole, or does one end
as a too-short burst, "nothing heard", or split in two?) and over babble 10 dB below the user
(how long after they stop does it end?).  No sound hardware, no whisper: Silero VAD and the
endpointer alone, on the voices of ``wake_bench.py`` (piper at three speeds, twelve espeak-ng
voices), each sentence said ``--renders`` times (piper differs run to run; espeak-ng does not).

    python benchmarks/endpointing.py [--renders 3] [--loudest-of 1,3s]

``--loudest-of``: the settings compared in the one run, on the same audio: ``vad.LOUDEST_OF``, and
``s`` where ``vad.VOICED_BY_SILERO`` (1: the utterance's loudest three-frame level, the floor
deciding what is long enough to be speech, as before 2026-12-04; 3s: the third-loudest, Silero
deciding, now).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

from jarvis_desktop.voice import vad as V  # noqa: E402
from jarvis_desktop.voice.audio import FRAME, SAMPLE_RATE, frames_of  # noqa: E402
from wake_bench import Babble, say, scene, voice_name, voices  # noqa: E402

COMMANDS = ["Lock the screen.", "Open my documents folder.", "What time is it?", "Turn the volume down a bit.",
            "Pause the music.", "Set a timer for ten minutes.", "How much free disk space do I have?",
            "Remind me to call mum at six.", "Next track.", "Hey Jarvis, what time is it?"]
BEFORE, AFTER = 0.5, 4.0


def ends(audio: np.ndarray, loudest_of) -> list[tuple[int, V.Speech]]:
    """The utterance ends in ``audio``: (the sample it was decided at, the event)."""
    V.LOUDEST_OF = int(str(loudest_of).rstrip("s"))
    V.VOICED_BY_SILERO = str(loudest_of).endswith("s")
    vad, ep = V.SileroVad(), V.Endpointer(V.VadOptions())
    return [(i * FRAME, e) for i, f in enumerate(frames_of(audio)) for e in ep.push(f, vad(f)) if e.kind == "end"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--renders", type=int, default=3, help="times each sentence is said by each voice")
    ap.add_argument("--loudest-of", default="1,3s", help="settings to compare (N: vad.LOUDEST_OF; s: VOICED_BY_SILERO)")
    args = ap.parse_args()
    settings = args.loudest_of.split(",")
    rng = np.random.default_rng(0)
    babble = Babble(rng)
    quiet = {k: {"nothing": 0, "split": 0, "cut": 0} for k in settings}
    late = {k: [] for k in settings}
    missed: dict = {k: [] for k in settings}
    n = 0
    for voice in voices():
        for text in COMMANDS:
            for _ in range(args.renders if voice[0] == "piper" else 1):
                speech = say(voice, text)
                loud = np.flatnonzero(np.abs(speech) > 0.01 * np.abs(speech).max())
                began, stopped = int(BEFORE * SAMPLE_RATE) + loud[0], int(BEFORE * SAMPLE_RATE) + loud[-1]
                clean = scene(speech, BEFORE, AFTER, "clean", rng, babble)
                noisy = scene(speech, BEFORE, AFTER, "babble", rng, babble)
                n += 1
                for k in settings:
                    got = ends(clean, k)
                    heard = [e for _, e in got if e.audio is not None]
                    if not heard:
                        quiet[k]["nothing"] += 1
                        missed[k].append(f"{voice_name(voice)}: {text!r}")
                    elif len(heard) > 1:
                        quiet[k]["split"] += 1
                    elif heard[0].start_sample > began or heard[0].start_sample + len(heard[0].audio) < stopped - 2 * FRAME:
                        quiet[k]["cut"] += 1
                    over = [(at, e) for at, e in ends(noisy, k) if e.audio is not None]
                    if over:
                        late[k].append((over[-1][0] - stopped) / SAMPLE_RATE)
    print(f"## {n} commands ({len(voices())} voices), in quiet and over babble 10 dB below\n")
    print("| LOUDEST_OF | quiet: nothing heard | quiet: split in two | quiet: start or end cut off "
          "| babble: end after the user stops, median / 90th pct / max (s) |")
    print("|---|---|---|---|---|")
    for k in settings:
        q, d = quiet[k], np.array(late[k] or [np.nan])
        print(f"| {k} | {q['nothing']}/{n} | {q['split']}/{n} | {q['cut']}/{n} "
              f"| {np.median(d):.2f} / {np.percentile(d, 90):.2f} / {d.max():.2f} |")
    for k in settings:
        for m in missed[k]:
            print(f"   LOUDEST_OF {k}, nothing heard: {m}")


if __name__ == "__main__":
    main()
