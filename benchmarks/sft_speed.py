"""Seconds per optimizer step of the Gemma 3 270M LoRA fine-tune, by precision and loss head.

    python benchmarks/sft_speed.py [--steps 8] [--base gemma-3-270m]
    python benchmarks/sft_speed.py --prefix [--batches 12]

--prefix times the loss (forward and backward, LoRA on, fp32) of real batches of the persona
dataset with the rows' shared opening (the system prompt) run once per batch against each row
run whole, alternating batch by batch, and prints the largest difference in loss and gradient.

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
sys.path.insert(0, str(ROOT))
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


def prefix(base_name: str, batches: int) -> None:
    import random
    import time

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    from jarvis_desktop.core.assistant import Persona
    from trainer.data import load_examples
    from trainer.fast_loss import assistant_only_loss, shared_prefix
    from trainer.presets import resolve_base
    from trainer.sft import build_rows, load_tokenizer
    from trainer.sft_config import SFTOptions, default_data

    opts = SFTOptions(base=base_name)
    base = resolve_base(opts.base)
    tok = load_tokenizer(base)
    persona = Persona.from_file(opts.honorific, opts.persona)
    examples = [ex for path in default_data() for ex in load_examples(Path(path))]
    random.Random(0).shuffle(examples)
    rows = build_rows(examples[:4 * (batches + 1)], tok, persona, opts.max_length)
    model = AutoModelForCausalLM.from_pretrained(base.path, dtype=torch.float32)
    model = get_peft_model(model, LoraConfig(r=opts.lora_r, lora_alpha=opts.lora_alpha,
                                             target_modules=base.preset.lora_targets, task_type="CAUSAL_LM"))
    for name, param in model.named_parameters():  # a trained adapter's B is not zero
        if "lora_B" in name:
            torch.nn.init.normal_(param, std=0.02)
    probe = next(p for n, p in model.named_parameters() if "lora_A" in n)
    import trainer.fast_loss as fast_loss

    stock = fast_loss.decode_sharing_prefix
    whole = lambda decoder, ids, mask: decoder(input_ids=ids, attention_mask=mask, use_cache=False).last_hidden_state
    seconds = {"whole": [], "shared": []}
    tokens = shared = 0
    worst_loss = worst_grad = 0.0
    for b in range(batches + 1):  # the first batch warms up and is not counted
        batch = rows[4 * b:4 * b + 4]
        width = max(len(r["input_ids"]) for r in batch)
        ids = torch.full((len(batch), width), tok.pad_token_id)
        mask = torch.zeros_like(ids)
        labels = torch.full_like(ids, -100)
        for i, r in enumerate(batch):
            n = len(r["input_ids"])
            ids[i, :n], mask[i, :n] = torch.tensor(r["input_ids"]), 1
            labels[i, :n] = torch.tensor([t if m else -100 for t, m in zip(r["input_ids"], r["assistant_masks"])])
        got = {}
        for way in (("whole", "shared") if b % 2 else ("shared", "whole")):
            fast_loss.decode_sharing_prefix = stock if way == "shared" else whole
            model.zero_grad()
            t = time.perf_counter()
            loss = assistant_only_loss(model, ids, mask, labels)
            loss.backward()
            if b:
                seconds[way].append(time.perf_counter() - t)
            got[way] = (float(loss), probe.grad.clone())
        fast_loss.decode_sharing_prefix = stock
        if b:
            tokens += int(mask.sum())
            shared += shared_prefix(ids, mask)
        worst_loss = max(worst_loss, abs(got["whole"][0] - got["shared"][0]))
        worst_grad = max(worst_grad, float((got["whole"][1] - got["shared"][1]).norm() / got["whole"][1].norm()))
    w, s_ = sum(seconds["whole"]), sum(seconds["shared"])
    print(f"# shared system prompt, {base.label}, {batches} batches of 4 real rows (fp32, LoRA r{opts.lora_r}), "
          f"{torch.get_num_threads()} threads")
    print(f"tokens a batch {tokens / batches:.0f}, shared opening {shared / batches:.0f} tokens a batch")
    print(f"forward+backward: each row whole {w / batches:.2f} s, opening once {s_ / batches:.2f} s "
          f"({w / s_:.2f}x)")
    print(f"largest difference: loss {worst_loss:.2e}, gradient (relative) {worst_grad:.2e}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--base", default="gemma-3-270m")
    ap.add_argument("--prefix", action="store_true", help="time the shared system prompt against whole rows")
    ap.add_argument("--batches", type=int, default=12)
    args = ap.parse_args()
    if args.prefix:
        prefix(args.base, args.batches)
        return
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
