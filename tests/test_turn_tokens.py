"""Turn-token rows: the hooked deltas act exactly like editing the rows, and merge folds them in."""

from __future__ import annotations

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from trainer.sft import turn_token_ids
from convert.turn_tokens import TurnTokens, merge_turn_tokens


def _tied_and_untied(tiny_base):
    untied = AutoModelForCausalLM.from_pretrained(tiny_base, dtype=torch.float32)
    tied = AutoModelForCausalLM.from_pretrained(tiny_base, dtype=torch.float32, tie_word_embeddings=True)
    tied.tie_weights()
    return {"untied": untied, "tied": tied}


def test_hooked_deltas_equal_merged_rows(tiny_base, tmp_path):
    tok = AutoTokenizer.from_pretrained(tiny_base)
    ids = turn_token_ids(tok, "<|im_end|>")
    assert tok.convert_tokens_to_ids("<|im_end|>") in ids and tok.bos_token_id not in ids
    text = tok.apply_chat_template([{"role": "user", "content": "Hello Jarvis"},
                                    {"role": "assistant", "content": "Good day, sir."}], tokenize=False)
    batch = torch.tensor([tok(text, add_special_tokens=False)["input_ids"]])
    for kind, model in _tied_and_untied(tiny_base).items():
        turn = TurnTokens.attach(model, ids)
        assert turn.tied == (kind == "tied")
        torch.manual_seed(0)
        with torch.no_grad():
            turn.delta_in.normal_(std=0.5)
            if turn.delta_out is not None:
                turn.delta_out.normal_(std=0.5)
        hooked = model(batch).logits
        folder = tmp_path / kind
        folder.mkdir()
        turn.save(folder)

        fresh = _tied_and_untied(tiny_base)[kind]
        before = fresh(batch).logits
        assert merge_turn_tokens(fresh, folder)
        merged = fresh(batch).logits
        assert not torch.allclose(before, hooked, atol=1e-3), kind  # the deltas do something
        assert torch.allclose(merged, hooked, atol=1e-4), (kind, (merged - hooked).abs().max())


def test_only_the_deltas_get_gradients(tiny_base):
    model = AutoModelForCausalLM.from_pretrained(tiny_base, dtype=torch.float32)
    for p in model.parameters():
        p.requires_grad_(False)
    tok = AutoTokenizer.from_pretrained(tiny_base)
    turn = TurnTokens.attach(model, turn_token_ids(tok, "<|im_end|>"))
    text = tok.apply_chat_template([{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Sir."},
                                    {"role": "user", "content": "Bye"}], tokenize=False)
    batch = torch.tensor([tok(text, add_special_tokens=False)["input_ids"]])
    model(batch, labels=batch).loss.backward()
    assert turn.delta_in.grad is not None and turn.delta_in.grad.abs().sum() > 0
    assert turn.delta_out.grad.abs().sum() > 0
    assert model.get_input_embeddings().weight.grad is None
