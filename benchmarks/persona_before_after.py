"""Before/after: the Gemma 3 270M base against the Jarvis fine-tune, on the held-out prompts.

    python benchmarks/persona_before_after.py                 # fine-tunes first (jarvis-train sft, ~20 min)
    python benchmarks/persona_before_after.py --tuned T.gguf  # an existing tuned GGUF (e.g. models/v1)

The base is converted exactly like a tune (HF -> GGUF F16 -> Q8_0, with the preset's chat
template embedded), so the two differ only by the fine-tune.  Both are scored by
``jarvis-train eval`` (greedy, seeded); the Markdown table and report are printed/written.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def sh(*cmd: str) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--tuned", type=Path, help="tuned GGUF (default: fine-tune now)")
    ap.add_argument("--out", type=Path, default=None, help="report folder")
    ap.add_argument("--max-tokens", type=int, default=160)
    args = ap.parse_args()
    from trainer.presets import resolve_base

    work = Path(tempfile.mkdtemp(prefix="jarvis-before-after-"))
    base = resolve_base("gemma-3-270m").path
    base_gguf = work / "base-Q8_0.gguf"
    sh(str(BIN / "jarvis-convert"), "gguf", str(base), "--out", str(work / "base-F16.gguf"))
    sh(str(BIN / "jarvis-convert"), "quantize", str(work / "base-F16.gguf"), "--out", str(base_gguf), "--type", "Q8_0")
    tuned = args.tuned
    if tuned is None:
        t0 = time.monotonic()
        sh(str(BIN / "jarvis-train"), "sft", "--output", str(work / "sft"), "--progress", "json")
        sh(str(BIN / "jarvis-convert"), "merge", str(work / "sft" / "adapter"), "--out", str(work / "merged"))
        sh(str(BIN / "jarvis-convert"), "gguf", str(work / "merged"), "--out", str(work / "tuned-F16.gguf"))
        tuned = work / "tuned-Q8_0.gguf"
        sh(str(BIN / "jarvis-convert"), "quantize", str(work / "tuned-F16.gguf"), "--out", str(tuned), "--type", "Q8_0")
        print(f"fine-tune + conversion: {time.monotonic() - t0:.0f} s", flush=True)
    out = args.out or work / "report"
    sh(str(BIN / "jarvis-train"), "eval", str(tuned), "--name", "Jarvis fine-tune", "--against", str(base_gguf),
       "--against-name", "Gemma 3 270M base", "--max-tokens", str(args.max_tokens), "--out", str(out),
       "--progress", "json")
    print(f"\n# machine: {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}; report in {out}")


if __name__ == "__main__":
    main()
