"""Tool calling on the held-out requests (assets/data/eval/tools_heldout.jsonl): routing,
arguments, false calls on chat, result fidelity, overall and per tool (trainer/tool_eval.py).

    python benchmarks/tool_routing.py MODEL.gguf [OTHER.gguf ...] [--threads 2] [--limit N] [--calibrate]
                                      [--memory-of assets/data/dev/memory_dev.jsonl] [--cases REQUESTS.jsonl]

Each model answers every request alone through the app's Assistant (tools on, skills off,
greedy, at the evaluation's clock), with its own call threshold (its meta.json's; with
``--calibrate``, measured first on the development set as a retrain does, and both the
default threshold's and the calibrated one's figures are printed).  Printed, not asserted; goals (issue 14): routing >= 0.97,
false calls on chat <= 0.02, arguments >= 0.95, fidelity 1.00.
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
    from trainer.router_calibration import calibrate
    from trainer.tool_eval import conversation_before, last_kind, load_cases, run_cases, same_arguments, score_cases

    ap = argparse.ArgumentParser()
    ap.add_argument("gguf", type=Path, nargs="+")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--limit", type=int, default=0, help="only the first N requests")
    ap.add_argument("--show", type=int, default=8, help="wrong answers to print per model")
    ap.add_argument("--calibrate", action="store_true",
                    help="also score each model at the call threshold calibrated on the development set")
    ap.add_argument("--memory-of", type=Path, default=None, metavar="MEMORY_SET",
                    help="score with a memory holding the facts this memory set's tells give (e.g. "
                         "assets/data/dev/memory_dev.jsonl: 100 facts), as a user's memory would, searched "
                         "by meaning where `jarvis-convert setup` made the embedding model")
    ap.add_argument("--after", type=int, default=0, metavar="N",
                    help="ask each request after N earlier turns of the same conversation (development "
                         "requests answered first and kept as the app keeps them: a request to a read-only "
                         "tool and a chat, by turns), instead of alone")
    ap.add_argument("--cases", type=Path, default=None, metavar="REQUESTS",
                    help="another set of requests in the held-out set's form (e.g. "
                         "assets/data/eval/pastime_heldout.jsonl: jokes, riddles and facts asked for)")
    args = ap.parse_args()
    before = conversation_before(args.after) if args.after else None
    memory = None
    if args.memory_of:
        from jarvis_desktop.core.embedder import default_embedder
        from trainer.tool_eval import memory_holding

        folder = Path(tempfile.mkdtemp(prefix="jarvis-routing-memory-"))
        memory = memory_holding(args.memory_of, folder / "memory.sqlite3", default_embedder())
    cases = load_cases(args.cases)
    cases = cases[:args.limit] if args.limit else cases
    scores, wrong, misread = {}, {}, {}
    parts = {}  # with --after: each model's figures split by what came just before
    calibrated = {}
    for gguf in args.gguf:
        work = Path(os.environ.get("TMPDIR", "/tmp"))
        model = with_template(gguf, work)
        name = f"{gguf.parent.name}/{gguf.name}" if gguf.name == "model.gguf" else gguf.name  # a registry version
        if name in scores:  # two homes' v1: the whole path, or the second would overwrite the first
            name = str(gguf)
        runs = [(name, None)]
        if args.calibrate:
            calibrated[name] = calibrate(model, Persona("sir"), n_threads=args.threads)
            runs.append((f"{name} @{calibrated[name]['call_threshold']}", calibrated[name]["call_threshold"]))
        for label, threshold in runs:
            t0 = time.perf_counter()
            results = run_cases(model, cases, Persona("sir"), n_threads=args.threads, call_threshold=threshold,
                                memory=memory, before=before)
            scores[label] = {**score_cases(results), "seconds": round(time.perf_counter() - t0, 1)}
            if before:
                for kind in ("tool", "chat"):  # what the turn just before was
                    part = [r for i, r in enumerate(results) if last_kind(i, args.after) == kind]
                    parts[f"{label} after {kind}"] = score_cases(part)
            wrong[label] = [r for r in results if (r.called is None) != (r.case.call is None)
                            or (r.called and r.case.call and r.tool != r.case.call.split("{")[0][5:])]
            misread[label] = [r for r in results if r.called and r.case.call and r not in wrong[label]
                              and not same_arguments(r.case.call, r.called, r.case.request)]
    for name, cal in calibrated.items():
        print(f"\n{name}: call threshold {cal['call_threshold']} on the development set ({cal['dev']})")
    if before:
        print(f"\nEach request after {args.after} earlier turn(s) of its conversation "
              f"(e.g. {before(0)!r} before the first); '... after tool/chat': those whose turn just before "
              "was a tool request or a chat")
    print(f"\n# Tool routing on {len(cases)} requests of {(args.cases or Path('tools_heldout.jsonl')).name} ({sum(c.kind == 'tool' for c in cases)} tool, "
          f"{sum(c.kind == 'chat' for c in cases)} chat), {args.threads} threads, {time.strftime('%Y-%m-%d')}"
          + (f", with a memory of {len(memory.facts())} facts ({args.memory_of.name})" if memory else ""))
    keys = ["routing_accuracy", "false_call_rate", "missed_call_rate", "argument_accuracy", "model_argument_accuracy", "result_fidelity",
            "invalid_calls", "seconds"]
    shown = {**scores, **parts}
    print("| figure | " + " | ".join(shown) + " |\n|---|" + "---|" * len(shown))
    for key in keys:
        print(f"| {key} | " + " | ".join(str(s.get(key, "")) for s in shown.values()) + " |")
    tools = sorted({t for s in scores.values() for t in s["per_tool"]})
    print("\n| tool (routed / arguments of requests) | " + " | ".join(scores) + " |\n|---|" + "---|" * len(scores))
    for tool in tools:
        cells = []
        for s in scores.values():
            row = s["per_tool"].get(tool, {"requests": 0, "routed": 0, "arguments": 0})
            cells.append(f"{row['routed']}/{row['arguments']} of {row['requests']}")
        print(f"| {tool} | " + " | ".join(cells) + " |")
    for name, rows in wrong.items():
        print(f"\n{name}: {len(rows)} routed wrong; the first {min(args.show, len(rows))}:")
        for r in rows[:args.show]:
            print(f"  {r.case.request!r}: expected {r.case.call or 'prose'}, got {r.called or repr(r.reply[:70])}")
        rows = misread[name]
        print(f"\n{name}: {len(rows)} routed right with arguments read wrongly; the first {min(args.show, len(rows))}:")
        for r in rows[:args.show]:
            print(f"  {r.case.request!r}: expected {r.case.call}, got {r.called} (written {r.written})")


if __name__ == "__main__":
    main()
