"""Time and peak memory of each retrain stage, and logit agreement per quant type.

    python benchmarks/pipeline.py --model tiny                 # seconds, on the tiny test Llama
    python benchmarks/pipeline.py --model gemma                # the default: Gemma 3 270M, all data, 3 epochs
    python benchmarks/pipeline.py --model gemma --max-steps 10 # a quick look

Each stage runs as its own process (the real CLI commands), so its peak RSS is its own
(os.wait4).  Figures are printed, never asserted: machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


class _Popen(subprocess.Popen):
    """Popen that reaps with wait4 so the child's own rusage is kept."""

    rusage = None

    def _try_wait(self, wait_flags):
        pid, status, self.rusage = os.wait4(self.pid, wait_flags)
        return pid, status


def timed(name: str, cmd: list[str], env: dict) -> dict:
    t0 = time.monotonic()
    proc = _Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    seconds = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit(f"stage {name} failed (exit {proc.returncode}):\n{err[-3000:]}")
    rss = proc.rusage.ru_maxrss / 1024 if proc.rusage else float("nan")
    return {"stage": name, "seconds": round(seconds, 1), "peak_rss_mb": round(rss), "stdout": out}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=("tiny", "gemma"), default="tiny")
    ap.add_argument("--max-steps", type=int, default=-1)
    ap.add_argument("--quants", default="F16,Q8_0,Q5_K_M,Q4_K_M")
    ap.add_argument("--data", nargs="+", default=None)
    ap.add_argument("--extra", nargs=argparse.REMAINDER, default=[], help="more jarvis-train sft flags")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="jarvis-bench-"))
    env = dict(os.environ, JARVIS_HOME=str(work / "home"))
    if args.model == "tiny":
        from tests.tiny_model import build_tiny_llama

        base = build_tiny_llama(work / "tiny")
        data = ROOT / "tests" / "data"
        flags = ["--base", str(base), "--data", str(data / "tiny_chat.jsonl"), "--persona",
                 str(data / "tiny_persona.txt"), "--learning-rate", "5e-3", "--micro-batch-size", "4",
                 "--max-steps", str(args.max_steps if args.max_steps > 0 else 60), "--precision", "fp32"]
        quant_default = "Q8_0"
    else:
        flags = ["--base", "gemma-3-270m", "--max-steps", str(args.max_steps)]
        if args.data:
            flags += ["--data", *args.data]
        quant_default = "Q8_0"
    flags += args.extra

    stages = []
    stages.append(timed("sft", [str(BIN / "jarvis-train"), "sft", *flags, "--output", str(work / "sft"),
                               "--progress", "json"], env))
    sft_lines = [json.loads(x) for x in stages[-1]["stdout"].splitlines() if x.startswith("{")]
    steps = max((x["step"] for x in sft_lines if x["stage"] == "sft"), default=0)
    stages.append(timed("merge", [str(BIN / "jarvis-convert"), "merge", str(work / "sft" / "adapter"),
                                  "--out", str(work / "merged")], env))
    stages.append(timed("gguf", [str(BIN / "jarvis-convert"), "gguf", str(work / "merged"),
                                 "--out", str(work / "F16.gguf")], env))
    agreement = []
    for q in args.quants.split(","):
        path = work / "F16.gguf"
        if q != "F16":
            path = work / f"{q}.gguf"
            stages.append(timed(f"quantize {q}", [str(BIN / "jarvis-convert"), "quantize", str(work / "F16.gguf"),
                                                  "--out", str(path), "--type", q], env))
            qrep = json.loads(stages[-1]["stdout"])
        else:
            qrep = {"note": "", "size_mb": round(path.stat().st_size / 1e6, 1)}
        proc = _Popen([str(BIN / "jarvis-convert"), "verify", str(work / "merged"), str(path), "--type", q],
                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t0 = time.monotonic()
        out, err = proc.communicate()
        secs = time.monotonic() - t0
        try:  # verify prints its figures on failure too
            rep = json.loads(out)
        except ValueError:
            rep = {}
        verdict = "pass" if proc.returncode == 0 else "FAIL: " + err.strip().splitlines()[-1][:160]
        if q == quant_default:
            stages.append({"stage": f"verify {q}", "seconds": round(secs, 1),
                           "peak_rss_mb": round(proc.rusage.ru_maxrss / 1024) if proc.rusage else 0})
        agreement.append((q, qrep.get("size_mb"), rep.get("top1_agreement"), rep.get("p99_abs_logit_delta"),
                          rep.get("max_abs_logit_delta"), rep.get("mean_kl_divergence"), rep.get("clean_stops"), verdict, qrep.get("note", "")))

    print(f"\n# Jarvis pipeline benchmark: {args.model}  ({platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')})")
    print(f"SFT optimizer steps: {steps}\n")
    print(f"{'stage':18} {'seconds':>8} {'peak RSS MB':>12}")
    for s in stages:
        print(f"{s['stage']:18} {s['seconds']:>8} {s['peak_rss_mb']:>12}")
    chain = sum(s["seconds"] for s in stages if not s["stage"].startswith("quantize") or quant_default in s["stage"])
    print(f"{'chain (' + quant_default + ')':18} {round(chain, 1):>8}")
    print(f"\n{'type':7} {'MB':>7} {'top-1':>7} {'p99|dlogit|':>12} {'max|dlogit|':>12} {'mean KL':>9} {'stops':>6}  verdict")
    for q, mb, top1, p99, delta, kl, stops, verdict, note in agreement:
        print(f"{q:7} {mb!s:>7} {top1!s:>7} {p99!s:>12} {delta!s:>12} {kl!s:>9} {stops!s:>6}  {verdict}")
        if note:
            print(f"        note: {note}")
    print(f"\n(work folder: {work})")


if __name__ == "__main__":
    main()
