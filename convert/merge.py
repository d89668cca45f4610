"""Merge a LoRA adapter into its base and save a plain HF folder (safetensors).

The merged folder carries what llama.cpp's converter and the verifier need: the tokenizer
(with ``tokenizer.model`` when the base has one), the chat template, and the end-of-turn
token as EOS so llama.cpp and transformers both stop at the end of a reply.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from jarvis_desktop.core.errors import ModelError

__all__ = ["merge_adapter", "read_sft_meta"]


def read_sft_meta(adapter: Path) -> dict:
    meta_file = Path(adapter) / "jarvis_sft.json"
    if not meta_file.is_file():
        raise ModelError(
            f"{adapter} is not a finished Jarvis adapter (no jarvis_sft.json): the fine-tune did "
            "not complete; run `jarvis-train sft` again (it resumes from its last checkpoint)"
        )
    return json.loads(meta_file.read_text())


def merge_adapter(adapter: Path, out: Path) -> Path:
    """Fold the adapter's LoRA weights into the base; write ``out`` (fp32 on CPU, else fp16)."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from convert.turn_tokens import merge_turn_tokens

    adapter, out = Path(adapter), Path(out)
    meta = read_sft_meta(adapter)
    base_path = Path(meta["base_path"])
    if not (base_path / "config.json").is_file():
        raise ModelError(f"the adapter's base {base_path} is gone; prepare it again with the same --base")
    dtype = torch.float16 if meta.get("device") == "cuda" else torch.float32
    model = AutoModelForCausalLM.from_pretrained(base_path, dtype=dtype)
    model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    merge_turn_tokens(model, adapter)
    tokenizer = AutoTokenizer.from_pretrained(adapter)

    eot = meta["end_of_turn"]
    eot_id = tokenizer.convert_tokens_to_ids(eot)
    eos_ids = [eot_id] + [i for i in _as_list(model.generation_config.eos_token_id) if i != eot_id]
    tokenizer.eos_token = eot
    model.config.eos_token_id = eot_id
    model.generation_config.eos_token_id = eos_ids

    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(partial, safe_serialization=True)
    tokenizer.save_pretrained(partial)
    if (base_path / "tokenizer.model").is_file():  # the converter prefers SentencePiece vocab
        shutil.copy2(base_path / "tokenizer.model", partial / "tokenizer.model")
    (partial / "jarvis_sft.json").write_text(json.dumps(meta, indent=2))
    shutil.rmtree(out, ignore_errors=True)
    partial.rename(out)
    return out


def _as_list(value) -> list[int]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]
