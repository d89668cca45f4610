"""Everyday requests Jarvis should simply do (an opinion, advice, a suggestion, a couplet, small
talk), through the app's Assistant (trainer/chat_eval.py): how many are refused as if they were
facts he cannot know ("I'm not certain of that, sir, and I'd rather not guess").

    python benchmarks/chat_refusals.py MODEL.gguf [OTHER.gguf ...] [--dev] [--threads 2] [--show 12]

The held-out set by default (assets/data/eval/chat_heldout.jsonl), the development set with
``--dev``.  Tools run as a dry run, with an empty memory as a new user's.  Printed, not asserted;
the replies not graded answered are printed to read.
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
    from trainer.chat_eval import CHAT_DEV, CHAT_HELDOUT, GRADES, KINDS, load_chat, run_chat, score_chat

    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", type=Path, nargs="+")
    ap.add_argument("--dev", action="store_true", help="the development set instead of the held-out one")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--show", type=int, default=12, help="replies not graded answered to print per model")
    args = ap.parse_args()
    kind = CHAT_DEV if args.dev else CHAT_HELDOUT
    cases = load_chat(kind)
    figures, misses = {}, {}
    for gguf in args.gguf:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="jarvis-chat-") as tmp:
            results = run_chat(with_template(gguf, Path(tmp)), cases, Persona("sir"), args.threads)
        name = f"{gguf.parent.name}/{gguf.name}"
        figures[name] = score_chat(results) | {"seconds": round(time.perf_counter() - t0, 1)}
        misses[name] = [r for r in results if r[2] != "answered"]
    print(f"\n# Everyday requests refused: {'/'.join(kind[1:])}, {len(cases)} requests, {args.threads} threads, "
          f"{time.strftime('%Y-%m-%d')}")
    names = list(figures)
    print("| figure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for g in GRADES:
        print(f"| all: {g} | " + " | ".join(f"{figures[n]['all'][g]:.3f}" for n in names) + " |")
    for k in KINDS:
        print(f"| {k} ({figures[names[0]][k]['n']}): refused | "
              + " | ".join(f"{figures[n][k]['refused']:.3f}" for n in names) + " |")
    print("| seconds | " + " | ".join(str(figures[n]["seconds"]) for n in names) + " |")
    for name in names:
        print(f"\n{name}: {len(misses[name])} not answered; the first {min(args.show, len(misses[name]))}:")
        for case, text, g in misses[name][:args.show]:
            print(f"  [{g}] {case.request!r} ({case.kind}) -> {text[:110]!r}")


if __name__ == "__main__":
    main()
