"""Seconds per optimizer step of the Gemma 3 270M LoRA fine-tune, by precision and loss head.

    python benchmarks/sft_speed.py [--steps 8] [--base gemma-3-270m]

Runs the same steps (same data, seed, batch) with fp32 and bf16, each with TRL's stock loss
("full": every position through the 262k-word output layer) and ours ("assistant": only the
reply positions).  Prints s/step (first step excluded: warm-up) and the loss after the last
step, so "faster" can be checked against "still trains the same".  Printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(base: str, steps: int, precision: str, head: str, work: Path) -> dict:
    out = work / f"{precision}-{head}"
    cmd = [str(BIN / "jarvis-train"), "sft", "--base", base, "--max-steps", str(steps),
           "--precision", precision, "--head", head, "--output", str(out), "--progress", "json",
           "--save-steps", "100000", "--learning-rate", "2e-4"]
    env = dict(os.environ, JARVIS_HOME=str(work / "home"))
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(done.stderr[-2000:])
    meta = json.loads((out / "adapter" / "jarvis_sft.json").read_text())
    lines = [json.loads(x) for x in done.stdout.splitlines() if x.startswith('{"stage": "sft"')]
    losses = [float(x["message"].split()[-1]) for x in lines if x["message"].startswith("loss")]
    return {"seconds": meta["seconds"], "losses": losses}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--base", default="gemma-3-270m")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jarvis-sft-speed-"))
    rows = []
    for precision in ("fp32", "bf16"):
        for head in ("full", "assistant"):
            one = run(args.base, 1, precision, head, work / "one")
            many = run(args.base, args.steps, precision, head, work)
            per_step = (many["seconds"] - one["seconds"]) / (args.steps - 1)
            rows.append((precision, head, per_step, many["losses"][0], many["losses"][-1]))
            print(f"{precision:5} {head:9} {per_step:6.2f} s/step   loss {many['losses'][0]:.3f} -> "
                  f"{many['losses'][-1]:.3f}", flush=True)
    ref = next(r for r in rows if r[0] == "fp32" and r[1] == "full")[2]
    print(f"\n# SFT speed, {args.base}, {args.steps} steps, batch 4 (micro-batch auto), "
          f"{os.cpu_count()} threads")
    print(f"{'precision':9} {'head':9} {'s/step':>7} {'vs fp32/full':>12} {'loss first':>10} {'loss last':>9}")
    for precision, head, per_step, first, last in rows:
        print(f"{precision:9} {head:9} {per_step:7.2f} {ref / per_step:11.2f}x {first:10.3f} {last:9.3f}")


if __name__ == "__main__":
    main()
