"""Second claims in factual replies: of the held-out and development facts a model answers right,
how many go on after the honorific with a number or a name (a claim nobody probed: "Zagreb, sir,
on the River Plate").  Printed, not asserted; one run, greedy, through the app's path.

    python benchmarks/facts_second_claims.py MODEL.gguf [MODEL.gguf ...] [--threads 2] [--wrong]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def second_claim(text: str, honorific: str = "sir") -> bool:
    """Whether ``text`` says a number or a name after its honorific (the courtesy's "I" apart)."""
    parts = re.split(rf"\b{re.escape(honorific)}\b", text, maxsplit=1)
    tail = parts[1] if len(parts) > 1 else ""
    # a capital that opens a sentence ("sir. Happy to help") names nothing
    named = [w for w in re.findall(r"(?<![.!?] )(?<![.!?])\b[A-Z][a-z]+", tail.strip(" ")) if w != "I"]
    return bool(re.search(r"\d", tail) or named)


def main() -> None:
    from trainer.evaluate import eval_persona
    from trainer.facts import HELDOUT, load_facts
    from trainer.tool_eval import run_facts

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("models", nargs="+", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--wrong", action="store_true", help="print the answers judged wrong too")
    args = ap.parse_args()
    facts = load_facts(kind=HELDOUT) + load_facts(kind=("data", "dev", "facts_dev.jsonl"))
    for model in args.models:
        results = run_facts(model, facts, eval_persona("sir"), n_threads=args.threads, max_tokens=48)
        right = [(f, t) for f, t, g in results if g == "right"]
        claims = [(f.question, t) for f, t in right if second_claim(t)]
        wrong = sum(g == "wrong" for _f, _t, g in results)
        print(f"{model}: {len(results)} facts, right {len(right)}, wrong {wrong}; "
              f"right with a second claim {len(claims)}")
        for question, text in claims:
            print(f"    {question!r} -> {text!r}")
        if args.wrong:
            for f, text, _g in (r for r in results if r[2] == "wrong"):
                print(f"    wrong: {f.question!r} -> {text!r}")


if __name__ == "__main__":
    main()
