"""LoRA / QLoRA supervised fine-tuning of a base into the Jarvis persona, with TRL's SFTTrainer.

Every example gets the persona system prompt; loss falls on assistant turns only, each closed
by the preset's end-of-turn token (so the tuned model stops by itself).  Checkpoints let an
interrupted run resume; the resolved settings are saved with the adapter.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError, DataError
from jarvis_desktop.core.assistant import Persona
from trainer.data import (FEEDBACK_CATEGORY, LAST_ONLY_CATEGORIES, dataset_hash, fill_honorific, load_examples, split_examples,
                          tokenize_chat, training_system)
from trainer.presets import BaseModel, resolve_base
from trainer.progress import Progress
from trainer.sft_config import repeat_counts, SFTOptions
from convert.turn_tokens import FILE_NAME as TURN_FILE
from convert.turn_tokens import TurnTokens

__all__ = ["run_sft", "load_tokenizer", "build_rows", "SFT_META"]

SFT_META = "jarvis_sft.json"


def load_tokenizer(base: BaseModel):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(base.path)
    if base.preset.chat_template:
        tok.chat_template = base.preset.chat_template
    if not tok.chat_template:
        raise ConfigError(f"{base.label} has no chat template and its preset gives none")
    if tok.convert_tokens_to_ids(base.preset.end_of_turn) in (None, tok.unk_token_id):
        raise ConfigError(f"{base.label}: end-of-turn token {base.preset.end_of_turn!r} is not in its vocabulary")
    if tok.pad_token is None:
        tok.pad_token = tok.unk_token or tok.eos_token
    return tok


def build_rows(examples, tokenizer, persona: Persona, max_length: int) -> list[dict]:
    """Tokenized rows (input_ids, assistant_masks) for examples with the persona's system
    prompt, as the app builds it (trainer.data.training_system: with a date and time)."""
    rows = []
    for ex in examples:
        messages = [{"role": m["role"], "content": fill_honorific(m["content"], persona.honorific)}
                    for m in ex.messages if m["role"] != "system"]
        system = training_system(persona, messages)
        # A rated reply from the log comes with the chat before it: only the reply itself is a
        # target (the replies before it may be unrated or rated down); so is a tool request
        # asked after earlier turns (LAST_ONLY_CATEGORIES).
        row = tokenize_chat(tokenizer, [{"role": "system", "content": system}] + messages, max_length,
                            last_only=ex.category in LAST_ONLY_CATEGORIES)
        if any(row["assistant_masks"]):  # a reply cut off entirely by max_length teaches nothing
            rows.append(row)
    return rows


def turn_token_ids(tokenizer, end_of_turn: str) -> list[int]:
    """Ids of the special tokens the chat template writes around turns (not BOS/pad)."""
    sample = [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]
    text = tokenizer.apply_chat_template(sample, tokenize=False)
    ids = set(tokenizer(text, add_special_tokens=False)["input_ids"])
    ids.add(tokenizer.convert_tokens_to_ids(end_of_turn))
    special = set(tokenizer.all_special_ids) | set(tokenizer.added_tokens_decoder)
    skip = {tokenizer.bos_token_id, tokenizer.pad_token_id, tokenizer.unk_token_id}
    markers = [i for i in ids if i in special and i not in skip]
    return sorted(i for i in markers if re.fullmatch(r"<[^<>\s]+>", tokenizer.convert_ids_to_tokens(i) or ""))


QLORA_MIN_PARAMS = 1e9


def estimate_params(model_dir: Path) -> float:
    """Parameter count of an HF folder, from its safetensors headers (no weights are read)."""
    import struct

    total = 0
    sizes = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I8": 1, "U8": 1}
    for f in Path(model_dir).glob("*.safetensors"):
        with open(f, "rb") as fh:
            header = json.loads(fh.read(struct.unpack("<Q", fh.read(8))[0]))
        for name, t in header.items():
            if name != "__metadata__":
                n = 1
                for d in t["shape"]:
                    n *= d
                total += n if t["dtype"] in sizes else 0
    return float(total)


def _device_and_precision(opts: SFTOptions, base_dir: Path | None = None):
    import torch

    cuda = torch.cuda.is_available()
    precision = opts.precision
    if precision == "auto":
        if cuda:
            precision = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
        else:
            precision = "bf16" if _cpu_has_fast_bf16() else "fp32"
    if precision == "fp16" and not cuda:
        raise ConfigError("fp16 training needs a CUDA GPU; use bf16 or fp32 on the CPU")
    # auto: QLoRA on CUDA for bases of 1B parameters and more.  For the 270M default it only
    # costs time: on an H200, 1.04 s/step against 0.34 for bf16 LoRA, to save 0.7 GB
    # (benchmarks/sft_gpu.py).
    big = base_dir is not None and estimate_params(base_dir) >= QLORA_MIN_PARAMS
    qlora = opts.qlora == "on" or (opts.qlora == "auto" and cuda and big)
    if qlora and not cuda:
        raise ConfigError("QLoRA (4-bit) needs a CUDA GPU; on the CPU use --qlora off")
    return cuda, precision, qlora


def load_kwargs(precision: str, qlora: bool) -> dict:
    """``from_pretrained`` arguments for the frozen weights of a LoRA run."""
    import torch

    # bf16 on the CPU: the frozen base is stored in bf16 (autocast would otherwise cast every
    # weight again on every forward); the LoRA weights stay fp32 (PEFT upcasts them).
    if not qlora:
        return {"dtype": torch.bfloat16 if precision == "bf16" else torch.float32}
    from transformers import BitsAndBytesConfig

    compute = torch.bfloat16 if precision == "bf16" else torch.float16
    return {"dtype": compute, "device_map": {"": torch.cuda.current_device()},  # quantize straight onto the GPU
            "quantization_config": BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                                      bnb_4bit_use_double_quant=True,
                                                      bnb_4bit_compute_dtype=compute)}


def _cpu_has_fast_bf16() -> bool:
    # Native bf16 matmuls (AVX512-BF16 or AMX) made LoRA steps ~25% faster than fp32 here;
    # without them bf16 is emulated and slower.
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def run_sft(opts: SFTOptions, progress: Progress | None = None) -> Path:
    """Fine-tune and return the folder holding the LoRA adapter and its metadata."""
    import torch
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    from trainer.fast_loss import AssistantOnlyHeadTrainer
    from trainer.cores import FollowFreeCores

    from datasets import Dataset

    progress = progress or Progress("bar")
    if opts.threads:
        torch.set_num_threads(opts.threads)
    base = resolve_base(opts.base)
    cuda, precision, qlora = _device_and_precision(opts, base.path)
    opts.resolve_micro_batch(estimate_params(base.path))
    out = Path(opts.output) if opts.output else _new_run_dir()
    out.mkdir(parents=True, exist_ok=True)

    progress.update("data", message=f"reading {len(opts.data)} file(s)")
    tokenizer = load_tokenizer(base)
    examples = [ex for path in opts.data for ex in load_examples(Path(path), allow_empty=True)]
    if not examples:
        raise DataError(opts.data[0], None, "the training data is empty",
                        "add at least one example, one JSON object a line")
    examples, heldout = split_examples(examples, opts.holdout)  # kept for `jarvis-train eval`
    examples = repeated(replayed(examples, opts.replay, opts.seed, opts.replay_max), opts.repeat)
    persona = Persona.from_file(opts.honorific, opts.persona)
    rows = build_rows(examples, tokenizer, persona, opts.max_length)
    if not rows:
        raise DataError(opts.data[0], None, "no example has an assistant reply within max_length")
    dataset = Dataset.from_list(rows)

    progress.update("load", message=f"loading {base.label}")
    model = AutoModelForCausalLM.from_pretrained(base.path, **load_kwargs(precision, qlora))
    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    targets = [t for t in base.preset.lora_targets if t in present]
    if not targets:
        raise ConfigError(f"none of the LoRA target modules {base.preset.lora_targets} exist in {base.label}")
    lora = LoraConfig(r=opts.lora_r, lora_alpha=opts.lora_alpha, lora_dropout=opts.lora_dropout,
                      target_modules=targets, task_type="CAUSAL_LM")
    if opts.init_adapter:  # a warm start: the earlier adapter, trained on from where it was
        model, lora = _warm_model(model, Path(opts.init_adapter), base), None

    args = SFTConfig(
        output_dir=str(out / "checkpoints"),
        per_device_train_batch_size=opts.micro_batch_size,
        gradient_accumulation_steps=opts.grad_accum,
        learning_rate=opts.learning_rate,
        num_train_epochs=opts.epochs,
        max_steps=opts.max_steps,
        lr_scheduler_type="cosine",
        warmup_steps=opts.warmup_ratio,  # a float below 1 is a share of all steps
        logging_steps=1,
        save_steps=opts.save_steps,
        save_total_limit=2,
        seed=opts.seed,
        data_seed=opts.seed,
        bf16=precision == "bf16",
        fp16=precision == "fp16",
        use_cpu=not cuda,
        gradient_checkpointing=qlora,  # TRL defaults it on; it only slows a CPU run down
        max_length=opts.max_length,
        train_sampling_strategy="group_by_length",  # similar lengths per batch: little padding
        report_to=[],
        disable_tqdm=True,
        dataloader_num_workers=0,
        save_only_model=False,
    )
    trainer_cls = AssistantOnlyHeadTrainer if opts.head == "assistant" else SFTTrainer
    trainer = trainer_cls(model=model, args=args, train_dataset=dataset, processing_class=tokenizer,
                          peft_config=lora, callbacks=[_ProgressCallback(progress, TrainerCallback)])
    # A base with no chat tuning must learn to *produce* its end-of-turn token: its turn-token
    # rows are trained too (trainer/turn_tokens.py), saved with every checkpoint.
    turn = TurnTokens.attach(trainer.model, turn_token_ids(tokenizer, base.preset.end_of_turn))
    if precision == "bf16" and not cuda and opts.head == "assistant":
        trainer.use_cpu_bf16_autocast()
    trainer.add_callback(_TurnTokenCheckpoints(turn, TrainerCallback))
    if not cuda and not opts.threads:  # torch's threads follow the cores other processes leave free
        trainer.add_callback(FollowFreeCores(TrainerCallback))
    # Trainer prints its log dicts to stdout when tqdm is off; stdout carries our JSON lines.
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)
    resume = _last_checkpoint(out / "checkpoints")
    if resume is not None and (resume / TURN_FILE).is_file():
        turn.load(resume)
    elif opts.init_adapter and (Path(opts.init_adapter) / TURN_FILE).is_file():
        turn.load(Path(opts.init_adapter))
    t0 = time.monotonic()
    result = trainer.train(resume_from_checkpoint=str(resume) if resume else None)
    adapter = out / "adapter"
    trainer.model.save_pretrained(adapter)
    turn.save(adapter)
    tokenizer.save_pretrained(adapter)
    meta = {
        "base": base.label,
        "base_path": str(base.path),
        "preset": base.preset.name,
        "end_of_turn": base.preset.end_of_turn,
        "quant": base.preset.quant,
        "dataset_hash": dataset_hash([Path(p) for p in opts.data]),
        "examples": len(rows),
        "held_out": len(heldout),
        "config": json.loads(opts.to_json()),
        "precision": precision,
        "qlora": qlora,
        "device": "cuda" if cuda else "cpu",
        "train_loss": round(float(result.training_loss), 4),
        "steps": int(result.global_step),
        "seconds": round(time.monotonic() - t0, 1),
        "resumed_from": str(resume) if resume else None,
    }
    (adapter / SFT_META).write_text(json.dumps(meta, indent=2))  # written last: adapter complete
    return adapter


def repeated(examples: list, spec: str) -> list:
    """``examples`` with those of the categories ``spec`` names ("facts=2") that many times over,
    each copy beside its original (group_by_length mixes the batches)."""
    times = repeat_counts(spec)
    return [ex for ex in examples for _ in range(times.get(ex.category, 1))]


def replayed(examples: list, share: float, seed: int, most: int = 0) -> list:
    """The examples a run trains on: all the user's rated replies, and ``share`` of the rest,
    at most ``most`` of them (0: no cap), in the data's order.

    The sample is drawn per category (a fixed sample for a seed): each category keeps its share
    of the whole, to the example, so a warm start never replays by chance fewer of the honest
    "I'm not certain" facts or the chats that need no tool than the dataset holds.  With
    ``most``, the monthly retrain's fine-tune stays the same length however the dataset grows."""
    import random

    rest = [i for i, ex in enumerate(examples) if ex.category != FEEDBACK_CATEGORY]
    if most and len(rest) * share > most:
        share = most / len(rest)
    if share >= 1:
        return list(examples)
    by_category: dict[str, list[int]] = {}
    for i in rest:
        by_category.setdefault(examples[i].category, []).append(i)
    total = max(1, round(len(rest) * share)) if rest else 0
    quotas = {c: len(ids) * share for c, ids in by_category.items()}
    counts = {c: int(q) for c, q in quotas.items()}
    # the examples left over by rounding down go to the categories with the largest remainders
    for c in sorted(quotas, key=lambda c: (counts[c] - quotas[c], c))[:total - sum(counts.values())]:
        counts[c] += 1
    rng = random.Random(seed)
    keep = {i for c in sorted(by_category) for i in rng.sample(by_category[c], counts[c])}
    return [ex for i, ex in enumerate(examples) if ex.category == FEEDBACK_CATEGORY or i in keep]


def _warm_model(model, adapter: Path, base: BaseModel):
    """``model`` with the LoRA adapter of an earlier run, trainable: its base must be ``base``."""
    from peft import PeftModel

    meta_path = adapter / SFT_META
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot warm-start from {adapter}: {meta_path.name} is unreadable ({exc}); "
                          "retrain without --init-adapter") from None
    if Path(meta.get("base_path", "")).resolve() != Path(base.path).resolve():
        raise ConfigError(f"cannot warm-start from {adapter}: it was trained on {meta.get('base')}, not "
                          f"{base.label}; retrain without --init-adapter")
    return PeftModel.from_pretrained(model, str(adapter), is_trainable=True)


def _last_checkpoint(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    found = [p for p in folder.glob("checkpoint-*") if (p / "trainer_state.json").is_file()]
    return max(found, key=lambda p: int(p.name.split("-")[-1]), default=None)


def _new_run_dir() -> Path:
    from jarvis_desktop.core.paths import runs_dir

    return runs_dir() / time.strftime("sft-%Y%m%d-%H%M%S")


def _ProgressCallback(progress: Progress, base_cls, stage: str = "sft"):
    """A TrainerCallback that forwards steps and loss to Progress (built lazily: transformers)."""

    class ProgressCallback(base_cls):
        def __init__(self):
            self.loss = None

        def on_log(self, args, state, control, logs=None, **kw):
            if logs and "loss" in logs:
                self.loss = logs["loss"]

        def on_step_end(self, args, state, control, **kw):
            msg = f"loss {self.loss:.3f}" if self.loss is not None else ""
            progress.update(stage, state.global_step, state.max_steps, msg)

    return ProgressCallback()


def _TurnTokenCheckpoints(turn: TurnTokens, base_cls):
    """Saves the turn-token rows into each checkpoint, so a resumed run continues them too."""

    class TurnTokenCheckpoints(base_cls):
        def on_save(self, args, state, control, **kw):
            folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
            if folder.is_dir():
                turn.save(folder)

    return TurnTokenCheckpoints()
