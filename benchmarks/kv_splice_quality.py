"""How close a spliced KV cache comes to evaluating the prompt afresh (jarvis_desktop/core/kv_cache.py).

    python benchmarks/kv_splice_quality.py [MODEL.gguf] [--n-ctx 2048] [--turns 30] [--threads 2]

One conversation, one message a minute (so the system prompt's clock changes every turn) and
long enough to drop old turns several times.  At every turn the engine answers from its
spliced cache; the same prompt is then evaluated afresh by a second engine.  Printed: per
turn, what the splice did (tokens cut, changed tokens evaluated in place), whether the greedy
replies are the same, and the KL divergence of the first reply token's distribution (nats).
The model: as benchmarks/long_conversation.py finds it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def first_token_distribution(eng):
    """The distribution of the reply's first token (softmax of the last prompt token's logits)."""
    import llama_cpp
    import numpy as np

    llm = eng._llm  # read right after the first token: the last decode was the prompt's
    logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm.ctx, -1), shape=(llm.n_vocab(),))
    logits = logits.astype(np.float64)
    p = np.exp(logits - logits.max())
    return p / p.sum()


def answer(eng, messages):
    pieces = eng.stream(messages)
    first = next(pieces, "")
    dist = first_token_distribution(eng)
    return first + "".join(pieces), dist


def main() -> None:
    import numpy as np

    from benchmarks.long_conversation import QUESTIONS, find_model, with_template
    from jarvis_desktop.core.engine import ChatEngine, EngineConfig
    from jarvis_desktop.core.persona import system_prompt

    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", type=Path, nargs="?")
    ap.add_argument("--n-ctx", type=int, default=2048)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--turns", type=int, default=30)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--fixed-clock", action="store_true",
                    help="the same minute all along: what reusing the cache costs without a splice (the floor)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jarvis-splice-"))
    try:
        gguf, origin = (args.gguf, str(args.gguf)) if args.gguf else find_model(work)
        gguf = with_template(gguf, work)
        config = EngineConfig(n_ctx=args.n_ctx, max_tokens=args.max_tokens, n_threads=args.threads,
                              temperature=0.0, seed=0)
        spliced, fresh = ChatEngine(config), ChatEngine(config)
        spliced.load(gguf)
        fresh.load(gguf)
        start = datetime(2025, 3, 14, 9, 30)
        messages = [{"role": "system", "content": ""}]
        rows = []
        for i in range(args.turns):
            messages[0] = {"role": "system", "content": system_prompt("sir", start + timedelta(minutes=0 if args.fixed_clock else i))}
            messages.append({"role": "user", "content": QUESTIONS[i % len(QUESTIONS)]})
            reply, p = answer(spliced, messages)
            s = spliced.last_stats
            fresh._llm.reset()
            fresh._segments = []
            again, q = answer(fresh, messages)
            kl = float((p * (np.log(np.maximum(p, 1e-300)) - np.log(np.maximum(q, 1e-300)))).sum())
            rows.append((i + 1, s.dropped_turns, s.shifted_tokens, s.refreshed_tokens, s.cached_tokens, reply == again, kl))
            messages.append({"role": "assistant", "content": reply})
        spliced.close()
        fresh.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n# Spliced KV cache against a fresh evaluation: {origin}, n_ctx {args.n_ctx}, {args.turns} turns, "
          f"{'a fixed clock' if args.fixed_clock else 'one message a minute'}, greedy, {time.strftime('%Y-%m-%d')}")
    print("turn  dropped  cut  changed  cached  same reply  KL first token")
    for r in rows:
        print(f"{r[0]:4d} {r[1]:8d} {r[2]:4d} {r[3]:8d} {r[4]:7d}  {'yes' if r[5] else 'NO':>10}  {r[6]:.5f}")
    spliced_rows = [r for r in rows[1:] if r[2] or r[3] or args.fixed_clock]
    same = sum(r[5] for r in spliced_rows)
    print(f"{'turns after the first' if args.fixed_clock else 'spliced turns'}: {len(spliced_rows)}; same greedy reply as a fresh evaluation: {same} of {len(spliced_rows)}; "
          f"KL of the first token: max {max((r[6] for r in spliced_rows), default=0):.5f} nats")


if __name__ == "__main__":
    main()
