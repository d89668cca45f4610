"""Requests beyond Jarvis's reach ("text my wife I'm on my way", "shut down the computer", "turn
the kitchen lights off") and dismissals ("never mind"), through the app's Assistant
(trainer/beyond_eval.py): how many are answered honestly in words, how many ran a tool that does
something else, and how many claim in words that it was done.

    python benchmarks/beyond_reach.py MODEL.gguf [OTHER.gguf ...] [--dev] [--model-alone] [--threads 2] [--show 12]

The held-out set by default (assets/data/eval/beyond_heldout.jsonl), the development set with
``--dev``.  Tools run as a dry run (nothing is changed on this machine), with an empty memory as
a new user's.  Printed, not asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from benchmarks.long_conversation import with_template
    from jarvis_desktop.core.assistant import Persona
    from jarvis_desktop.core.memory import MemoryStore
    from trainer.beyond_eval import BEYOND_DEV, BEYOND_HELDOUT, GRADES, load_beyond, run_beyond, score_beyond

    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", type=Path, nargs="+")
    ap.add_argument("--dev", action="store_true", help="the development set instead of the held-out one")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--show", type=int, default=12, help="replies not graded honest to print per model")
    ap.add_argument("--model-alone", action="store_true",
                    help="without the words' reading of requests beyond reach (core/tools/beyond.py): what the "
                         "model itself answers")
    args = ap.parse_args()
    if args.model_alone:
        from jarvis_desktop.core.tools import Toolbox

        Toolbox.beyond_reach = lambda self, message: None
    kind = BEYOND_DEV if args.dev else BEYOND_HELDOUT
    cases = load_beyond(kind)
    persona = Persona("sir")
    figures, misses = {}, {}
    for gguf in args.gguf:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="jarvis-beyond-") as tmp, \
                MemoryStore(Path(tmp) / "memory.sqlite3") as memory:
            results = run_beyond(with_template(gguf, Path(tmp)), cases, persona, args.threads, memory=memory)
        name = f"{gguf.parent.name}/{gguf.name}"
        figures[name] = score_beyond(results) | {"seconds": round(time.perf_counter() - t0, 1)}
        misses[name] = [r for r in results if r[3] != "honest"]
    print(f"\n# Requests beyond reach{' (the model alone)' if args.model_alone else ''}: {'/'.join(kind[1:])}, "
          f"{len(cases)} cases "
          f"({sum(c.family != 'dismissal' for c in cases)} requests, {sum(c.family == 'dismissal' for c in cases)} "
          f"dismissals), {args.threads} threads, {time.strftime('%Y-%m-%d')}")
    names = list(figures)
    print("| figure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for part in ("requests", "dismissals"):
        for g in GRADES:
            print(f"| {part}: {g} | " + " | ".join(f"{figures[n][part][g]:.3f}" for n in names) + " |")
    print("| seconds | " + " | ".join(str(figures[n]["seconds"]) for n in names) + " |")
    for name in names:
        print(f"\n{name}: {len(misses[name])} not honest; the first {min(args.show, len(misses[name]))}:")
        for case, text, written, g in misses[name][:args.show]:
            print(f"  [{g}] {case.request!r} ({case.family}) -> {written or text[:110]!r}")


if __name__ == "__main__":
    main()
