"""The assistant-only head computes exactly the loss transformers computes on all logits."""

from __future__ import annotations

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from trainer.data import tokenize_chat
from trainer.fast_loss import assistant_only_loss


def test_matches_the_full_logits_loss(tiny_base):
    tok = AutoTokenizer.from_pretrained(tiny_base)
    model = AutoModelForCausalLM.from_pretrained(tiny_base, dtype=torch.float32)
    chats = [
        [{"role": "user", "content": "Hello Jarvis"}, {"role": "assistant", "content": "Good day, sir."}],
        [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Two plus two?"},
         {"role": "assistant", "content": "Four."}, {"role": "user", "content": "Thanks"},
         {"role": "assistant", "content": "My pleasure, madam."}],
    ]
    rows = [tokenize_chat(tok, c) for c in chats]
    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.full((2, width), tok.pad_token_id)
    attn = torch.zeros((2, width), dtype=torch.long)
    labels = torch.full((2, width), -100)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        ids[i, :n] = torch.tensor(r["input_ids"])
        attn[i, :n] = 1
        labels[i, :n] = torch.tensor([t if m else -100 for t, m in zip(r["input_ids"], r["assistant_masks"])])
    reference = model(input_ids=ids, attention_mask=attn, labels=labels).loss
    ours = assistant_only_loss(model, ids, attn, labels)
    assert torch.allclose(ours, reference, atol=1e-5), (ours, reference)
    ours.backward()
    assert model.lm_head.weight.grad is not None and model.lm_head.weight.grad.abs().sum() > 0
