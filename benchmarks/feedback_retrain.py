"""A retrain that learns from simulated ratings, against the model it replaces.

    JARVIS_HOME=DIR python benchmarks/feedback_retrain.py [--ratings 32] [--no-retrain] [-- extra retrain flags]

DIR must already hold a current model (e.g. after a plain `jarvis-train retrain`).  The
script writes simulated ratings into DIR's interaction log the way a user would leave them:
replies that address the user ("sir") rated 👍, the same replies with the address stripped
rated 👎 with the proper reply typed as a correction (prompts and replies from the persona
dataset's training split).  Then it runs `jarvis-train retrain` (export -> sft -> prefs ->
... -> eval against the current model -> gate) and prints the candidate's figures next to
the current model's.  Printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def strip_address(text: str) -> str:
    text = re.sub(r",\s*\{honorific\}(?=[.,!?;:])", "", text)
    text = re.sub(r"\{Honorific\},?\s*", "", text)
    return re.sub(r"\s*\{honorific\}\s*", " ", text).strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--ratings", type=int, default=32, help="rated turns to simulate (half good, half bad)")
    ap.add_argument("--no-retrain", action="store_true",
                    help="only write the ratings (for another benchmark's retrain: retrain_contention.py whole)")
    ap.add_argument("--score-current-in-run", action="store_true",
                    help="leave the current model's substance scores to the timed retrain (they are cached "
                         "when it was promoted, so a user's retrain reads them; the first run after an update "
                         "of the answering code does not)")
    ap.add_argument("extra", nargs="*", help="more jarvis-train retrain flags (after --)")
    args = ap.parse_args()

    from jarvis_desktop.core.registry import Registry
    from jarvis_desktop.core.interactions import InteractionLog
    from trainer.data import load_examples, split_examples
    from trainer.sft_config import default_data

    current = Registry().current()
    if current is None:
        sys.exit("no current model in this JARVIS_HOME: run `jarvis-train retrain` first")
    train, _held = split_examples([ex for p in default_data() for ex in load_examples(Path(p))])
    pairs = [(ex.messages[0]["content"], ex.messages[1]["content"]) for ex in train
             if len(ex.messages) == 2 and "{honorific}" in ex.messages[1]["content"]]
    pairs = pairs[:: max(1, len(pairs) // max(1, args.ratings // 2))][: args.ratings // 2]
    log = InteractionLog()
    for prompt, reply in pairs:
        good = reply.replace("{honorific}", "sir").replace("{Honorific}", "Sir")
        bad = strip_address(reply)
        log.rate(log.add_turn(log.new_conversation(), prompt, good, current.name), 1)
        log.rate(log.add_turn(log.new_conversation(), prompt, bad, current.name), -1, good)
    log.close()
    print(f"simulated {2 * len(pairs)} ratings ({len(pairs)} good, {len(pairs)} bad with corrections) "
          f"against {current.name}", flush=True)
    if args.no_retrain:
        return
    if not args.score_current_in_run:
        primed = time.monotonic()
        _score_current(current)
        print(f"scored {current.name} on tool calls and facts first, as its own retrain left it scored "
              f"({time.monotonic() - primed:.0f} s, not timed)", flush=True)
    t0 = time.monotonic()
    done = subprocess.run([str(BIN / "jarvis-train"), "retrain", "--progress", "json", *args.extra],
                          capture_output=True, text=True, env=dict(os.environ))
    seconds = time.monotonic() - t0
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    for x in lines:
        if x["stage"] in ("export", "prefs", "done", "error") and x.get("message"):
            print(f"  [{x['stage']}] {x['message']}")
    if done.returncode != 0:
        sys.exit(done.stderr[-2000:])
    reg = Registry()
    cand = reg.versions()[-1]
    meta = cand.meta
    ours, theirs = meta["evaluation"]["metrics"], meta["evaluation"]["against"]["metrics"]
    print(f"\n# retrain with {2 * len(pairs)} simulated ratings: {seconds / 60:.1f} min; "
          f"stages {meta['timings_s']}")
    print(f"{'metric':18} {current.name + ' (before)':>14} {cand.name + ' (after)':>14}")
    for key in ("persona_score", "address_rate", "overuse_rate", "clean_stop_rate", "disclaimer_rate",
                "american_rate", "degenerate_rate", "words_median", "math_exact"):
        print(f"{key:18} {theirs.get(key)!s:>14} {ours.get(key)!s:>14}")
    held = meta["evaluation"].get("rated_down")
    if held:
        print(f"win rate on {held['prompts']} held-out prompts rated down: {held['win_rate']} "
              f"({held['wins']} wins, {held['ties']} ties, {held['losses']} losses)")
    print(f"\ngate: {'promoted' if meta['gate']['promoted'] else 'not promoted'} ({meta['gate']['reason']})")
    print(f"feedback: {json.dumps({k: v for k, v in meta['feedback'].items() if k != 'source'})}")


def _score_current(current) -> None:
    """The current model's substance scores in its folder, where the retrain that promoted it
    left them: under the same code and data a user's next retrain reads them from there."""
    from trainer.evaluate import eval_persona
    from trainer.progress import Progress
    from trainer.retrain import _substance

    with open(os.devnull, "w") as quiet:
        _substance(current.gguf, eval_persona("sir"), Progress("json", quiet), current.name, current.path)


if __name__ == "__main__":
    main()
