"""Settings of a fine-tuning run: a dataclass whose fields double as CLI flags and config keys.

Defaults are the seed guide's (LoRA r16/alpha32, lr 2e-4, batch 4 with gradient
accumulation), but 2 epochs rather than its 3: the dataset grew to 1,534 examples (tools,
negatives, facts), and 2 passes over it are more steps than 3 were over the 875 before.  A YAML or TOML file (``--config``) overrides defaults, flags
override the file, and the resolved values are saved next to the adapter.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from dataclasses import dataclass, fields
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError
from jarvis_desktop.core.options import option as _f
from jarvis_desktop.core.paths import asset

__all__ = ["SFTOptions", "add_option_flags", "options_from_args", "load_config_file", "repeat_counts"]

def default_data() -> list[str]:
    """The persona dataset shipped in assets/data/persona/ (one JSONL file per category)."""
    return [str(p) for p in sorted(asset("data", "persona").glob("*.jsonl"))]


@dataclass
class SFTOptions:
    base: str = _f("gemma-3-270m", "preset name or local HF model folder")
    data: list = _f(None, "JSONL training files (messages or instruction/response)")
    honorific: str = _f("sir", "how the persona addresses the user: sir, madam or a name")
    persona: str = _f("", "persona prompt file (default assets/persona.txt)")
    output: str = _f("", "folder for the adapter and checkpoints (default: a new run folder)")
    lora_r: int = _f(16, "LoRA rank")
    lora_alpha: int = _f(32, "LoRA alpha")
    # 0 by default: dropout masks on every adapted layer's input were a tenth of a CPU step
    # (benchmarks/sft_speed.py), and a few epochs over a few hundred examples do not overfit much.
    lora_dropout: float = _f(0.0, "LoRA dropout")
    learning_rate: float = _f(2e-4, "peak learning rate")
    # 2: 692 steps over the 1,383 training examples (3 would be 1,038, ~25 min on 2 cores); the
    # persona score of that model was 1.0 (README, "Default retrain").
    epochs: float = _f(2.0, "passes over the data")
    max_steps: int = _f(-1, "stop after this many optimizer steps (-1: use epochs)")
    batch_size: int = _f(4, "examples per optimizer step (micro-batch x accumulation)")
    # 0 (auto): the whole batch in one pass for bases under 1B parameters (on 2 CPU cores a
    # pass of 4 was 1.17x faster per example than 2 x 2 accumulated: bigger matmuls, fewer
    # small LoRA ops), 2 x accumulation for bigger bases, whose activations are big.
    micro_batch_size: int = _f(0, "examples per forward pass, the rest is gradient accumulation "
                               "(0: auto, the whole batch for bases under 1B parameters, else 2)")
    max_length: int = _f(256, "tokens per example; longer ones are cut")
    precision: str = _f("auto", "auto, fp32, bf16 or fp16 (auto: bf16 where it is faster)")
    qlora: str = _f("auto", "auto (on with CUDA for bases of 1B+ parameters), on, off: 4-bit NF4 base weights")
    # 0: on a busy desktop torch's threads wait for the one that shares a core with another
    # process (a step 0.8 s -> 38 s); following the free cores keeps it near one core's speed.
    threads: int = _f(0, "CPU threads for torch (0: as many as other processes leave cores free, "
                      "followed between steps; N: always N)")
    save_steps: int = _f(50, "checkpoint every N steps (an interrupted run resumes from it)")
    seed: int = _f(42, "random seed")
    holdout: float = _f(0.1, "share of each category kept out of training for evaluation (0: train on all)")
    warmup_ratio: float = _f(0.05, "share of steps spent warming the learning rate up")
    init_adapter: str = _f("", "start from this LoRA adapter (a warm start: its weights and turn-token rows) "
                            "instead of a fresh one; it must have been trained on the same base")
    replay: float = _f(1.0, "share of the dataset's examples trained on (a warm start replays a sample; "
                       "rated replies are always all trained on)")
    replay_max: int = _f(0, "most examples of the dataset a replay trains on beside the rated replies (0: no cap)")
    # facts=2: the honest "I'm not certain" answers are few beside 2,167 tool rows and 800 chats
    # that need none; trained twice a pass, facts answered wrongly on the held-out set stayed at
    # 0.113 with the bigger tool data, against 0.150 trained once (README, "Tool data round 2")
    # small_talk=2: beside the facts' ~260 honest refusals, the model refused opinions, advice and
    # small verses too ("what's your favourite colour" -> "I'm not certain of that"); the 150 rows
    # that answer such requests are trained twice as a counterweight (README, "Jokes and small talk")
    repeat: str = _f("facts=2,small_talk=2", "categories trained on more than once a pass, e.g. facts=2 "
                     "(\"\": each once)")
    head: str = _f("assistant", "assistant: run the output layer only on reply positions (fast); "
                   "full: TRL's stock loss over every position (for comparison)")

    def __post_init__(self):
        if not self.data:
            self.data = default_data()
        if isinstance(self.data, str):
            self.data = [self.data]
        if self.batch_size < 1 or self.micro_batch_size < 0:
            raise ConfigError("batch_size must be at least 1 and micro_batch_size at least 0 (auto)")
        if not 0 < self.replay <= 1:
            raise ConfigError(f"replay must be a share above 0 and at most 1, not {self.replay}")
        if self.replay_max < 0:
            raise ConfigError(f"replay_max must be 0 (no cap) or a number of examples, not {self.replay_max}")
        repeat_counts(self.repeat)  # a mistyped --repeat fails here, before a model is loaded
        if self.micro_batch_size and self.batch_size % self.micro_batch_size:
            raise ConfigError(f"batch_size {self.batch_size} must be a multiple of micro_batch_size "
                              f"{self.micro_batch_size}")
        for name, allowed in (("precision", ("auto", "fp32", "bf16", "fp16")),
                              ("qlora", ("auto", "on", "off")), ("head", ("assistant", "full"))):
            if getattr(self, name) not in allowed:
                raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")

    def resolve_micro_batch(self, params: float) -> None:
        """Fill in ``micro_batch_size`` 0 (auto) for a base of ``params`` parameters."""
        if not self.micro_batch_size:
            small = params < 1e9 or self.batch_size % 2
            self.micro_batch_size = self.batch_size if small else 2

    @property
    def grad_accum(self) -> int:
        if not self.micro_batch_size:
            raise ConfigError("micro_batch_size is still auto: call resolve_micro_batch first")
        return self.batch_size // self.micro_batch_size

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=2)


def repeat_counts(spec: str) -> dict[str, int]:
    """"facts=2,tools_negative=3" -> {"facts": 2, "tools_negative": 3}: each example of a category
    named is trained on that many times a pass (``SFTOptions.repeat``)."""
    times: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in (spec or "").split(","))):
        name, _, n = part.partition("=")
        if not name.strip() or not n.strip().isdigit() or int(n) < 1:
            raise ConfigError(f"repeat wants category=times (a whole number from 1), e.g. facts=2, not {part!r}")
        times[name.strip()] = int(n)
    return times


def load_config_file(path: str) -> dict:
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"config file {p} does not exist")
    text = p.read_text()
    try:
        if p.suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text) or {}
    except Exception as exc:
        raise ConfigError(f"{p}: cannot parse config ({exc})") from None
    known = {f.name for f in fields(SFTOptions)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{p}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return data


def add_option_flags(parser: argparse.ArgumentParser) -> None:
    """One ``--flag`` per SFTOptions field (default None, so the config file can fill it)."""
    parser.add_argument("--config", help="YAML or TOML file with any of the settings below")
    for f in fields(SFTOptions):
        flag = "--" + f.name.replace("_", "-")
        kind = {"int": int, "float": float}.get(f.type, str)
        if f.name == "data":
            parser.add_argument(flag, nargs="+", default=None, help=f.metadata["help"])
        else:
            parser.add_argument(flag, type=kind, default=None,
                                help=f"{f.metadata['help']} (default {f.default})")


def options_from_args(args: argparse.Namespace) -> SFTOptions:
    values = load_config_file(args.config) if getattr(args, "config", None) else {}
    for f in fields(SFTOptions):
        v = getattr(args, f.name, None)
        if v is not None:
            values[f.name] = v
    return SFTOptions(**values)
