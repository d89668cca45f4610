"""``jarvis-train retrain``: data -> sft -> merge -> gguf -> quantize -> verify -> eval -> promote.

One at a time (RetrainLock).  Work happens in a run folder; only a verified GGUF reaches the
registry, and only at the very end, so a failure at any stage leaves the current model as it
was.  The run folder is removed on success and on failure; a run killed outright leaves it,
and the next retrain with the same data and settings resumes its fine-tune from the last
checkpoint.

The eval stage is the promotion gate: the candidate is scored on the held-out prompts
(trainer/evaluate.py) against the current model; a candidate that is worse on the persona is
registered with the reason in its meta.json but not made current.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from convert.registry import ModelVersion, Registry
from jarvis_desktop.errors import JarvisError
from jarvis_desktop.paths import runs_dir, write_atomic
from trainer.data import dataset_hash, load_examples, persona_prompt
from trainer.lock import RetrainLock
from trainer.progress import Progress
from trainer.sft_config import SFTOptions

__all__ = ["RetrainOptions", "retrain", "STAGES"]

STAGES = ("data", "sft", "merge", "gguf", "quantize", "verify", "eval", "promote")


@dataclass
class RetrainOptions:
    sft: SFTOptions = field(default_factory=SFTOptions)
    quant: str = ""  # "" = the preset's default (Q8_0 for Gemma 270M, Q4_K_M for 1B+)
    keep_work: bool = False
    gate: bool = True  # False: promote a verified model even if it scores worse (--no-gate)
    eval_max_tokens: int = 160


class InjectedFailure(JarvisError):
    """Raised where JARVIS_FAIL_AT names a stage: lets tests prove every stage fails safely."""


def _stage(progress: Progress, name: str, message: str) -> None:
    progress.update(name, message=message)
    if os.environ.get("JARVIS_FAIL_AT") == name:
        raise InjectedFailure(f"failure injected at stage {name!r} (JARVIS_FAIL_AT)")


def retrain(opts: RetrainOptions, progress: Progress | None = None,
            registry: Registry | None = None) -> ModelVersion:
    """Run the whole chain; return the newly promoted version or raise a JarvisError."""
    from convert.gguf_export import hf_to_gguf, llama_cpp_version
    from convert.merge import merge_adapter
    from convert.quantize import quantize
    from convert.verify import verify
    from trainer.presets import resolve_base
    from trainer.sft import run_sft

    progress = progress or Progress()
    registry = registry or Registry()
    timings: dict[str, float] = {}
    with RetrainLock():
        t = time.monotonic()
        _stage(progress, "data", "checking the training data")
        count = sum(len(load_examples(Path(p))) for p in opts.sft.data)
        data_hash = dataset_hash([Path(p) for p in opts.sft.data])
        key = hashlib.sha256((data_hash + opts.sft.to_json() + opts.quant).encode()).hexdigest()[:12]
        work = runs_dir() / f"retrain-{key}"
        work.mkdir(parents=True, exist_ok=True)
        timings["data"] = time.monotonic() - t
        try:
            t = time.monotonic()
            _stage(progress, "sft", f"fine-tuning {opts.sft.base} on {count} examples")
            base = resolve_base(opts.sft.base)
            sft_opts = SFTOptions(**{**opts.sft.__dict__, "output": str(work / "sft")})
            adapter = run_sft(sft_opts, progress)
            timings["sft"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "merge", "merging the adapter into the base")
            merged = merge_adapter(adapter, work / "merged")
            timings["merge"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "gguf", "converting to GGUF (F16)")
            f16 = hf_to_gguf(merged, work / "model-F16.gguf", "f16")
            timings["gguf"] = time.monotonic() - t

            t = time.monotonic()
            qtype = (opts.quant or base.preset.quant).upper()
            _stage(progress, "quantize", f"quantizing to {qtype}")
            if qtype == "F16":
                final, qreport = f16, {"requested": "F16", "note": ""}
            else:
                final = work / f"model-{qtype}.gguf"
                qreport = quantize(f16, final, qtype)
            timings["quantize"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "verify", "checking the GGUF against the tuned model")
            system = persona_prompt(opts.sft.honorific, Path(opts.sft.persona) if opts.sft.persona else None)
            vreport = verify(merged, final, qtype, system=system)
            timings["verify"] = time.monotonic() - t

            t = time.monotonic()
            _stage(progress, "eval", "scoring the persona on held-out prompts")
            evaluation, decision = _evaluate_and_gate(final, registry, opts, system, progress)
            timings["eval"] = time.monotonic() - t

            _stage(progress, "promote", "registering the new model")
            sft_meta = (adapter / "jarvis_sft.json").read_text()
            sft_meta = json.loads(sft_meta)
            meta = {
                "base": sft_meta["base"],
                "preset": sft_meta["preset"],
                "dataset_hash": data_hash,
                "quant": qtype,
                "config": {"sft": sft_meta["config"], "quant": qtype},
                "training": {k: sft_meta[k] for k in ("train_loss", "steps", "seconds", "precision",
                                                      "qlora", "device", "examples")},
                "conversion": {"quantize": qreport, "llama_cpp_python": llama_cpp_version()},
                "verification": vreport,
                "evaluation": evaluation,
                "gate": decision,
                "timings_s": {k: round(v, 1) for k, v in timings.items()},
            }
            version = registry.add(final, meta)
            if evaluation is not None:  # the next retrain compares against this without re-scoring it
                write_atomic(version.path / f"eval-{evaluation['key']}.json",
                             json.dumps({"key": evaluation["key"], "metrics": evaluation["metrics"]}, indent=2))
            if decision["promoted"]:
                registry.promote(version.name)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        if not opts.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    if decision["promoted"]:
        progress.update("done", message=f"promoted {version.name}: {decision['reason']}",
                        version=version.name, promoted=True, reason=decision["reason"])
    else:
        current = registry.current()
        progress.update("done", message=f"{version.name} not promoted ({decision['reason']}); "
                        f"{current.name if current else 'no model'} stays current",
                        version=version.name, promoted=False, reason=decision["reason"])
    return version


def _evaluate_and_gate(candidate: Path, registry: Registry, opts: RetrainOptions, system: str,
                       progress: Progress) -> tuple[dict, dict]:
    """Score the candidate (and the current model, unless its score for the same prompts is
    cached in its folder); decide whether the candidate may be promoted."""
    from trainer.evaluate import evaluate_model, gate, heldout_prompts

    honorific = opts.sft.honorific
    prompts = heldout_prompts(opts.sft.data, honorific, opts.sft.holdout)
    if not prompts:
        return None, {"promoted": True, "reason": "no held-out prompts to evaluate on (data too small)"}
    cand = evaluate_model(candidate, prompts, honorific, system, opts.eval_max_tokens, progress=progress)
    evaluation = {"key": cand["key"], "prompts": len(prompts), "metrics": cand["metrics"]}
    current = registry.current()
    if current is None:
        return evaluation, {"promoted": True, "reason": "first model"}
    cache = current.path / f"eval-{cand['key']}.json"
    if cache.is_file():
        cur_metrics = json.loads(cache.read_text())["metrics"]
    else:
        cur = evaluate_model(current.gguf, prompts, honorific, system, opts.eval_max_tokens, progress=progress)
        cur_metrics = cur["metrics"]
        write_atomic(cache, json.dumps({"key": cur["key"], "metrics": cur_metrics}, indent=2))
    evaluation["against"] = {"version": current.name, "metrics": cur_metrics}
    if not opts.gate:
        return evaluation, {"promoted": True, "reason": "gate turned off (--no-gate)"}
    ok, reason = gate(cand["metrics"], cur_metrics)
    return evaluation, {"promoted": ok, "reason": reason}
