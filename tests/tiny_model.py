"""A tiny but real Llama for tests and benchmarks: a SentencePiece tokenizer trained on a
few lines (with ChatML turn tokens) and a 2-layer LlamaForCausalLM, saved as an HF folder.

SentencePiece rather than a BPE tokenizer.json because llama.cpp's converter accepts any
``tokenizer.model``, while for tokenizer.json it needs a pre-tokenizer it already knows.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

__all__ = ["build_tiny_llama"]

_TEXT = """Good morning, sir. The kettle is on and your calendar is clear until ten.
Certainly, madam. Two plus two is four, and seven times six is forty-two.
The capital of France is Paris; the Thames flows through London.
I am afraid I cannot reach the internet, sir, but I can help with what is on this machine.
Python lists are ordered and mutable; tuples are ordered and immutable.
Shall I set a timer for the tea, madam? Three minutes should do nicely.
Hello Jarvis, how are you today? Very well, thank you for asking.
What time is it? Who are you? I am Jarvis, your personal assistant, running locally.
Goodnight, sir. I shall keep an eye on things while you rest.
"""


def build_tiny_llama(out: Path, vocab_size: int = 320, hidden: int = 256, seed: int = 0) -> Path:
    """Write a random-initialised 2-layer Llama with a trained tokenizer to ``out``."""
    import sentencepiece as spm
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from trainer.chat_templates import CHATML

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        corpus.write_text(_TEXT * 3)
        spm.SentencePieceTrainer.train(
            input=str(corpus), model_prefix=str(Path(tmp) / "sp"), vocab_size=vocab_size,
            model_type="bpe", byte_fallback=True, character_coverage=1.0,
            control_symbols=["<|im_start|>", "<|im_end|>"], add_dummy_prefix=False,
            unk_id=0, bos_id=1, eos_id=2, pad_id=3, minloglevel=2, num_threads=1,
        )
        (out / "tokenizer.model").write_bytes((Path(tmp) / "sp.model").read_bytes())
    # transformers builds its fast tokenizer from tokenizer.model when loading a folder.
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "LlamaTokenizer", "bos_token": "<s>", "eos_token": "</s>",
        "unk_token": "<unk>", "pad_token": "<pad>", "legacy": False, "add_bos_token": True,
        "add_prefix_space": False,
    }))
    tokenizer = AutoTokenizer.from_pretrained(out)
    tokenizer.chat_template = CHATML
    tokenizer.save_pretrained(out)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=vocab_size, hidden_size=hidden, intermediate_size=hidden * 2,
        num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
        max_position_embeddings=512, rms_norm_eps=1e-5, tie_word_embeddings=False,
        bos_token_id=1, eos_token_id=2, pad_token_id=3,
    )
    LlamaForCausalLM(config).save_pretrained(out)
    (out / "tiny.json").write_text(json.dumps({"seed": seed, "vocab_size": vocab_size}))
    return out
