"""The CUDA fine-tune paths: QLoRA (4-bit NF4, bitsandbytes) vs bf16 LoRA, on a GPU.

    python benchmarks/sft_gpu.py --shape-of ~/.cache/jarvis/bases/gemma-3-270m [--steps 40]

1. The tiny test Llama goes through ``run_sft`` with QLoRA on the GPU (the chat data of the
   tests), then is merged: shows the 4-bit path trains (loss falls, adapter weights move) and
   merges.
2. A model of the default base's exact shape (its config and tokenizer; weights initialised at
   random when the real ones are not at hand) trains on the persona dataset with QLoRA and
   with bf16 LoRA: seconds per optimizer step, peak GPU memory, loss.  Speed and memory depend
   on the shape, not on the weights' values.

Printed, not asserted.  Needs CUDA, bitsandbytes and the training extras.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _run(base: Path, data: list[str], out: Path, qlora: str, steps: int, **kw) -> dict:
    import torch

    from trainer.progress import Progress
    from trainer.sft import run_sft
    from trainer.sft_config import SFTOptions

    torch.cuda.reset_peak_memory_stats()
    log = open(out.with_suffix(".jsonl"), "w")
    opts = SFTOptions(base=str(base), data=data, output=str(out), max_steps=steps, qlora=qlora,
                      save_steps=100000, **kw)
    t0 = time.monotonic()
    adapter = run_sft(opts, Progress("json", stream=log))
    wall = time.monotonic() - t0
    meta = json.loads((adapter / "jarvis_sft.json").read_text())
    log.close()
    losses = [float(json.loads(x)["message"].split()[-1]) for x in open(out.with_suffix(".jsonl"))
              if '"stage": "sft"' in x and '"loss ' in x]
    return {"qlora": meta["qlora"], "precision": meta["precision"], "steps": meta["steps"],
            "train_s": meta["seconds"], "wall_s": round(wall, 1),
            "s_per_step": round(meta["seconds"] / max(1, meta["steps"]), 3),
            "peak_gpu_mb": round(torch.cuda.max_memory_allocated() / 2**20),
            "loss_first": losses[0] if losses else None, "loss_last": losses[-1] if losses else None,
            "adapter": str(adapter)}


def _shape_copy(src: Path, dst: Path) -> Path:
    """An HF folder with ``src``'s config and tokenizer and, without real weights, random ones."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM

    dst.mkdir(parents=True, exist_ok=True)
    for name in os.listdir(src):
        if not name.endswith(".safetensors") and (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    if (src / "model.safetensors").is_file():
        shutil.copy2(src / "model.safetensors", dst / "model.safetensors")
        return dst
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(AutoConfig.from_pretrained(src), dtype=torch.bfloat16)
    model.save_pretrained(dst)
    (dst / "RANDOM_WEIGHTS").write_text("weights initialised at random: timings only\n")
    return dst


def main() -> None:
    import torch

    ap = argparse.ArgumentParser()
    ap.add_argument("--shape-of", type=Path, required=True, help="HF folder of the default base (weights optional)")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--dry-run-on-cpu", action="store_true", help="check the plumbing without a GPU (LoRA only)")
    args = ap.parse_args()
    dry = args.dry_run_on_cpu
    if not torch.cuda.is_available() and not dry:
        sys.exit("needs a CUDA GPU")
    if dry:  # stand-ins so the script runs through on a CPU
        torch.cuda.reset_peak_memory_stats = lambda: None
        torch.cuda.max_memory_allocated = lambda: 0
        torch.cuda.get_device_name = lambda i: "CPU dry run"
    from safetensors.torch import load_file

    from convert.merge import merge_adapter
    from tests.tiny_model import build_tiny_llama
    from trainer.sft_config import default_data

    work = Path(tempfile.mkdtemp(prefix="jarvis-gpu-"))
    os.environ["JARVIS_HOME"] = str(work / "home")
    print(f"# {torch.cuda.get_device_name(0)}, torch {torch.__version__}", flush=True)

    tiny = build_tiny_llama(work / "tiny")
    tiny_data = [str(ROOT / "tests" / "data" / "tiny_chat.jsonl")]
    res = _run(tiny, tiny_data, work / "tiny-qlora", "off" if dry else "on", 6 if dry else 60, learning_rate=5e-3,
               micro_batch_size=4, persona=str(ROOT / "tests" / "data" / "tiny_persona.txt"))
    lora = load_file(str(Path(res["adapter"]) / "adapter_model.safetensors"))
    moved = sum(float(v.float().abs().sum()) for k, v in lora.items() if "lora_B" in k)
    merged = merge_adapter(Path(res["adapter"]), work / "tiny-merged")
    print(f"tiny Llama, QLoRA: {res['steps']} steps, loss {res['loss_first']} -> {res['loss_last']}, "
          f"sum|lora_B| {moved:.3f} (0 at init), merged into {merged.name}: "
          f"{sorted(p.name for p in merged.glob('*.safetensors'))}", flush=True)

    shape = _shape_copy(args.shape_of, work / "base-shape")
    real = not (shape / "RANDOM_WEIGHTS").exists()
    rows = []
    for qlora, precision in ((("off", "bf16"),) if dry else (("on", "bf16"), ("off", "bf16"))):
        r = _run(shape, default_data(), work / f"shape-{qlora}", qlora, args.steps, precision=precision)
        rows.append(r)
        print(json.dumps({k: v for k, v in r.items() if k != "adapter"}), flush=True)
    print(f"\n# {args.shape_of.name} shape ({'real' if real else 'random'} weights), persona data, "
          f"batch 4 (2 x 2), {args.steps} steps")
    print(f"{'method':12} {'s/step':>7} {'peak GPU MB':>12} {'loss first':>10} {'loss last':>9}")
    for r in rows:
        name = "QLoRA NF4" if r["qlora"] else f"LoRA {r['precision']}"
        print(f"{name:12} {r['s_per_step']:7.3f} {r['peak_gpu_mb']:12} {r['loss_first']!s:>10} {r['loss_last']!s:>9}")


if __name__ == "__main__":
    main()
