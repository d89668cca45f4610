"""``jarvis-train prefs``: preference tuning from the user's ratings, on top of the SFT model.

Input is what a retrain exports from the interaction log (trainer/feedback.py):

- ``kto.jsonl``: every rated turn, ``{"prompt": [messages], "completion": [assistant], "label": bool}``
  (unpaired: a thumbs-up or a thumbs-down on its own);
- ``dpo.jsonl``: every thumbs-down with a correction, ``{"prompt", "chosen", "rejected"}``.

The model trained is the merged SFT model (an HF folder); a fresh LoRA adapter goes on top
and the same model with the adapter switched off is the reference, so the preference step
moves the persona from where SFT left it, not from the raw base.  KTO is the default: it
uses every rating.  DPO is used (``--method auto``) once there are enough corrected pairs.
With too little feedback nothing is trained, and the reason says how much there is.
"""

from __future__ import annotations

import bisect
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError, DataError, JarvisError
from jarvis_desktop.core.assistant import Persona
from trainer.data import fill_honorific, training_system
from trainer.progress import Progress

__all__ = ["PrefsOptions", "NotEnoughFeedback", "load_preferences", "kto_weights", "run_prefs", "fit_context",
           "PREFS_META"]

PREFS_META = "jarvis_prefs.json"
_KINDS = {"kto": ("prompt", "completion", "label"), "dpo": ("prompt", "chosen", "rejected")}


class NotEnoughFeedback(JarvisError):
    """Too few ratings to learn from: nothing was trained (not a failure)."""


@dataclass
class PrefsOptions:
    model: str                    # merged SFT model folder (policy and reference)
    data: str                     # kto.jsonl or dpo.jsonl; for --method auto, a folder with both
    method: str = "auto"          # auto | kto | dpo
    honorific: str = "sir"
    persona: str = ""             # persona prompt file (default assets/persona.txt)
    output: str = ""
    min_ratings: int = 16         # KTO: rated turns needed, with at least one of each kind
    min_pairs: int = 32           # DPO (auto): corrected pairs needed to prefer DPO over KTO
    beta: float = 0.1
    # 2e-5 for one epoch: on Gemma 270M with 32 simulated ratings, 5e-5 for 2 epochs (with
    # duplicated SFT rows) overshot: the address over-used in 31% of replies (README).
    learning_rate: float = 2e-5
    epochs: float = 1.0
    max_steps: int = -1
    batch_size: int = 4           # KTO needs at least 2 per pass for its KL estimate
    lora_r: int = 16
    lora_alpha: int = 32
    max_length: int = 256
    precision: str = "auto"
    qlora: str = "auto"
    seed: int = 42
    threads: int = 0              # CPU threads for torch (0: the cores other processes leave free)
    # KTO: the user's corrections (dpo.jsonl's chosen side) join as desirable replies.  On for a
    # warm retrain with no fine-tune, where the corrections have no other way in.
    corrections: bool = False

    def __post_init__(self):
        if self.method not in ("auto", "kto", "dpo"):
            raise ConfigError(f"method must be auto, kto or dpo, not {self.method!r}")
        if self.batch_size < 2:
            raise ConfigError("batch_size must be at least 2 (KTO estimates its KL term within a batch)")


# --- data --------------------------------------------------------------------------------------
def _check_messages(path: Path, line: int, field: str, value, last_role: str | None) -> None:
    if not isinstance(value, list) or not value:
        raise DataError(path, line, f'"{field}" must be a non-empty list of chat messages')
    for i, m in enumerate(value):
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant", "system") \
                or not isinstance(m.get("content"), str) or not m["content"].strip():
            raise DataError(path, line, f'"{field}" message {i + 1} needs a role (user/assistant) and non-empty text')
    if last_role and value[-1]["role"] != last_role:
        raise DataError(path, line, f'"{field}" must end with a {last_role} message')


def load_preferences(path: Path) -> tuple[str, list[dict]]:
    """Read a KTO or DPO JSONL file; returns (kind, rows).  Errors name file:line."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "no such file",
                        "export the ratings first (the app's History window: Export for training…)")
    kind, rows = None, []
    with path.open(encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise DataError(path, n, f"not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise DataError(path, n, "each line must be a JSON object")
            this = next((k for k, keys in _KINDS.items() if set(keys) <= set(row)), None)
            if this is None:
                raise DataError(path, n, 'expected {"prompt", "completion", "label"} (KTO) or '
                                         '{"prompt", "chosen", "rejected"} (DPO)')
            if kind is not None and this != kind:
                raise DataError(path, n, f"a {this.upper()} row in a {kind.upper()} file: keep one kind per file")
            kind = this
            _check_messages(path, n, "prompt", row["prompt"], "user")
            if this == "kto":
                _check_messages(path, n, "completion", row["completion"], "assistant")
                if not isinstance(row["label"], bool):
                    raise DataError(path, n, '"label" must be true (good reply) or false (bad reply)')
            else:
                for field in ("chosen", "rejected"):
                    _check_messages(path, n, field, row[field], "assistant")
            rows.append(row)
    if kind is None:
        raise NotEnoughFeedback(f"{path} holds no ratings yet")
    return kind, rows


def kto_weights(desirable: int, undesirable: int) -> tuple[float, float]:
    """(desirable_weight, undesirable_weight) so that weighted counts are balanced.

    TRL's KTO guidance: desirable_weight * n_desirable / (undesirable_weight * n_undesirable)
    should lie in [1, 4/3].  Keeping the undesirable weight at 1 and aiming at the middle of
    that range (1.15) balances users who mostly rate thumbs-up (the common case) or thumbs-down.
    """
    if desirable < 1 or undesirable < 1:
        raise NotEnoughFeedback(f"KTO needs both kinds of rating (now {desirable} good, {undesirable} bad)")
    return round(1.15 * undesirable / desirable, 4), 1.0


def _fill(messages: list[dict], honorific: str) -> list[dict]:
    return [{"role": m["role"], "content": fill_honorific(m["content"], honorific)} for m in messages]


def _with_persona(messages: list[dict], persona: Persona) -> list[dict]:
    """The persona's system prompt, as the app builds it, in place of any system message the row carries."""
    turns = _fill([m for m in messages if m["role"] != "system"], persona.honorific)
    return [{"role": "system", "content": training_system(persona, turns)}, *turns]


def _tokens(tokenizer, messages: list[dict]) -> int:
    text = tokenizer.apply_chat_template(messages, tokenize=False)
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def fit_context(prompt: list[dict], answers: list[list[dict]], tokenizer, max_length: int) -> list[dict]:
    """``prompt`` (system, then user/assistant turns ending with the user's message) without its
    oldest turns, so that it and each answer fit in ``max_length`` tokens.  A reply rated late in
    a long conversation carries the whole conversation before it; the trainer would otherwise
    drop every such row (a retrain after a 100-turn chat had none left: "num_samples=0").  The
    system prompt and the user's last message are always kept; bisection finds how many turns
    to drop, so a long conversation costs a few tokenizations, not one per turn."""
    head, turns = prompt[:1], prompt[1:]

    def fits(drop: int) -> bool:
        kept = head + turns[2 * drop:]
        return all(_tokens(tokenizer, kept + a) <= max_length for a in answers)

    pairs = (len(turns) - 1) // 2  # user/assistant pairs before the last user message
    if pairs <= 0 or fits(0):
        return prompt
    drops = range(1, pairs + 1)  # all of them at most: the user's last message always stays
    drop = drops[min(bisect.bisect_left(drops, True, key=fits), pairs - 1)]
    return head + turns[2 * drop:]


def _choose(opts: PrefsOptions) -> tuple[str, Path, list[dict]]:
    """Pick the method and file; raise NotEnoughFeedback (saying how much there is) if too little."""
    data = Path(opts.data)
    if data.is_dir():
        kto, dpo = data / "kto.jsonl", data / "dpo.jsonl"
        pairs = load_preferences(dpo)[1] if dpo.is_file() and dpo.stat().st_size else []
        if opts.method == "dpo" or (opts.method == "auto" and len(pairs) >= opts.min_pairs):
            if not pairs:
                raise NotEnoughFeedback(f"no corrected replies in {dpo}: DPO needs thumbs-down with corrections")
            return "dpo", dpo, pairs
        data = kto
    kind, rows = load_preferences(data)
    if opts.method not in ("auto", kind):
        raise ConfigError(f"{data} holds {kind.upper()} rows but --method {opts.method} was asked for")
    if kind == "dpo":
        if len(rows) < (opts.min_pairs if opts.method == "auto" else 1):
            raise NotEnoughFeedback(f"{len(rows)} corrected pairs; DPO (auto) needs {opts.min_pairs}")
        return "dpo", data, rows
    rated = len(rows)
    if opts.corrections and Path(opts.data).is_dir():
        dpo = Path(opts.data) / "dpo.jsonl"
        if dpo.is_file() and dpo.stat().st_size:
            rows = rows + [{"prompt": r["prompt"], "completion": r["chosen"], "label": True}
                           for r in load_preferences(dpo)[1]]
    good = sum(r["label"] for r in rows)
    bad = len(rows) - good
    if rated < opts.min_ratings or not good or not bad:
        raise NotEnoughFeedback(f"{rated} rated replies ({good} good, {bad} bad); preference tuning needs "
                                f"{opts.min_ratings}, with at least one of each")
    return "kto", data, rows


# --- training ------------------------------------------------------------------------------------
def run_prefs(opts: PrefsOptions, progress: Progress | None = None) -> Path:
    """Train a preference adapter on ``opts.model``; returns its folder (mergeable by
    ``convert.merge.merge_adapter``).  NotEnoughFeedback if there is too little to learn from."""
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback

    from convert.merge import read_sft_meta
    from trainer.cores import FollowFreeCores
    from trainer.fast_loss import compact_preference_head
    from trainer.sft import _device_and_precision, _new_run_dir, _ProgressCallback, load_kwargs

    progress = progress or Progress("bar")
    model_dir = Path(opts.model)
    if not (model_dir / "config.json").is_file():
        raise ConfigError(f"{model_dir} is not a merged model folder (no config.json): run the SFT and "
                          "merge stages first")
    sft_meta = read_sft_meta(model_dir)
    method, data_path, rows = _choose(opts)
    progress.update("prefs", message=f"{method.upper()} on {len(rows)} rows from {data_path.name}")
    persona = Persona.from_file(opts.honorific, opts.persona)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.unk_token or tokenizer.eos_token
    if method == "kto":
        records = [{"prompt": _with_persona(r["prompt"], persona),
                    "completion": _fill(r["completion"], opts.honorific), "label": r["label"]} for r in rows]
        good = sum(r["label"] for r in rows)
        desirable_w, undesirable_w = kto_weights(good, len(rows) - good)
    else:
        records = [{"prompt": _with_persona(r["prompt"], persona),
                    "chosen": _fill(r["chosen"], opts.honorific),
                    "rejected": _fill(r["rejected"], opts.honorific)} for r in rows]
    answers = ("completion",) if method == "kto" else ("chosen", "rejected")
    for r in records:  # a reply late in a long conversation carries all of it: keep what fits
        r["prompt"] = fit_context(r["prompt"], [r[a] for a in answers], tokenizer, opts.max_length)
    cuda, precision, qlora = _device_and_precision(opts, model_dir)
    out = Path(opts.output) if opts.output else _new_run_dir().with_name(time.strftime("prefs-%Y%m%d-%H%M%S"))
    out.mkdir(parents=True, exist_ok=True)
    progress.update("load", message=f"loading {model_dir.name}")
    model = AutoModelForCausalLM.from_pretrained(model_dir, **load_kwargs(precision, qlora))
    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    targets = [t for t in ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
               if t in present]
    if not targets:
        raise ConfigError(f"{model_dir}: no attention/MLP projection layers found for LoRA")
    lora = LoraConfig(r=opts.lora_r, lora_alpha=opts.lora_alpha, lora_dropout=0.0,
                      target_modules=targets, task_type="CAUSAL_LM")
    common = dict(output_dir=str(out / "checkpoints"), per_device_train_batch_size=opts.batch_size,
                  learning_rate=opts.learning_rate, num_train_epochs=opts.epochs, max_steps=opts.max_steps,
                  lr_scheduler_type="cosine", warmup_steps=0.1, logging_steps=1, save_strategy="no",
                  seed=opts.seed, data_seed=opts.seed, bf16=precision == "bf16", fp16=precision == "fp16",
                  use_cpu=not cuda, gradient_checkpointing=qlora, max_length=opts.max_length, beta=opts.beta,
                  report_to=[], disable_tqdm=True, dataloader_num_workers=0)
    if method == "kto":
        from trl import KTOConfig, KTOTrainer

        args = KTOConfig(**common, desirable_weight=desirable_w, undesirable_weight=undesirable_w)
        trainer_cls = KTOTrainer
    else:
        from trl import DPOConfig, DPOTrainer

        args = DPOConfig(**common)
        trainer_cls = DPOTrainer
    trainer = trainer_cls(model=model, args=args, train_dataset=Dataset.from_list(records),
                          processing_class=tokenizer, peft_config=lora,
                          callbacks=[_ProgressCallback(progress, TrainerCallback, stage="prefs")])
    if not cuda and opts.threads:
        import torch

        torch.set_num_threads(opts.threads)
    elif not cuda:  # torch's threads follow the cores other processes leave free (trainer/cores.py)
        trainer.add_callback(FollowFreeCores(TrainerCallback))
    from transformers.trainer_callback import PrinterCallback

    trainer.remove_callback(PrinterCallback)
    t0 = time.monotonic()
    with compact_preference_head():  # the head on the reply's positions only (trainer/fast_loss.py)
        result = trainer.train()
    adapter = out / "adapter"
    trainer.model.save_pretrained(adapter)
    tokenizer.save_pretrained(adapter)
    rewards = {k: round(float(v), 4) for k, v in (trainer.state.log_history[-2] if len(trainer.state.log_history) > 1
                                                  else {}).items() if "rewards" in k or "kl" in k}
    meta = {
        # what convert.merge needs: the adapter sits on the merged SFT model
        **{k: sft_meta[k] for k in ("end_of_turn", "preset", "quant") if k in sft_meta},
        "base": f"{sft_meta.get('base', '?')} + SFT",
        "base_path": str(model_dir.resolve()),
        "device": "cuda" if cuda else "cpu",
        "method": method,
        "rows": len(rows),
        "data": str(data_path),
        "weights": {"desirable": desirable_w, "undesirable": undesirable_w} if method == "kto" else None,
        "config": asdict(opts),
        "precision": precision,
        "qlora": qlora,
        "train_loss": round(float(result.training_loss), 4),
        "steps": int(result.global_step),
        "seconds": round(time.monotonic() - t0, 1),
        "last_rewards": rewards,
    }
    (adapter / PREFS_META).write_text(json.dumps(meta, indent=2))
    (adapter / "jarvis_sft.json").write_text(json.dumps(meta, indent=2))  # written last: adapter complete
    return adapter
