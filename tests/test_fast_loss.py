"""The assistant-only chunked head computes exactly the loss and gradients of the full logits."""

from __future__ import annotations

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from trainer.data import tokenize_chat
from trainer.fast_loss import assistant_only_loss, chunked_head_loss
from trainer.sft import turn_token_ids
from convert.turn_tokens import TurnTokens


def _batch(tok):
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
    return ids, attn, labels


def test_matches_the_full_logits_loss_and_gradients(tiny_base):
    tok = AutoTokenizer.from_pretrained(tiny_base)
    ids, attn, labels = _batch(tok)
    results = []
    for ours in (False, True):
        model = AutoModelForCausalLM.from_pretrained(tiny_base, dtype=torch.float32)
        turn = TurnTokens.attach(model, turn_token_ids(tok, "<|im_end|>"))
        torch.manual_seed(0)
        with torch.no_grad():  # non-zero rows, so their gradient paths are exercised too
            turn.delta_in.normal_(std=0.3)
            turn.delta_out.normal_(std=0.3)
        if ours:  # the head's hook is not used: the chunked loss adds the turn rows itself
            loss = assistant_only_loss(model, ids, attn, labels)
        else:
            loss = model(input_ids=ids, attention_mask=attn, labels=labels).loss
        loss.backward()
        layer = model.model.layers[0].mlp.down_proj.weight.grad.clone()
        results.append((loss.detach(), layer, turn.delta_in.grad.clone(), turn.delta_out.grad.clone()))
    (ref, *ref_grads), (got, *got_grads) = results
    assert torch.allclose(got, ref, atol=1e-5), (got, ref)
    for a, b in zip(got_grads, ref_grads):
        assert b.abs().sum() > 0
        assert torch.allclose(a, b, atol=1e-5, rtol=1e-4), (a - b).abs().max()


def test_chunked_head_with_softcap_matches_naive():
    torch.manual_seed(1)
    hidden = torch.randn(70, 48, dtype=torch.float32, requires_grad=True)
    weight = torch.randn(500, 48, dtype=torch.float32)
    extra_ids = torch.tensor([3, 499])
    extra = torch.randn(2, 48, dtype=torch.float32, requires_grad=True)
    targets = torch.randint(0, 500, (70,))
    targets[:5] = 499
    got = chunked_head_loss(hidden, weight, targets, extra_ids, extra, cap=30.0, chunk=16)
    g_hidden, g_extra = torch.autograd.grad(got, (hidden, extra))
    raw = (hidden @ weight.t()).index_add(1, extra_ids, hidden @ extra.t())
    ref = torch.nn.functional.cross_entropy(torch.tanh(raw / 30.0) * 30.0, targets, reduction="sum")
    r_hidden, r_extra = torch.autograd.grad(ref, (hidden, extra))
    assert torch.allclose(got, ref, rtol=1e-5)
    assert torch.allclose(g_hidden, r_hidden, atol=1e-5) and torch.allclose(g_extra, r_extra, atol=1e-5)


def test_preference_head_scores_only_the_reply_positions_and_the_same_log_probs(tiny_base):
    """KTO/DPO's fused head, compacted to the labelled positions on the CPU: same values and
    gradients as TRL's stock every-position path, from fewer head rows."""
    import trl.trainer.utils as trl_utils
    from trl.trainer.utils import add_fused_lm_head

    from trainer.fast_loss import compact_preference_head

    tok = AutoTokenizer.from_pretrained(tiny_base)
    ids, attn, labels = _batch(tok)
    model = AutoModelForCausalLM.from_pretrained(tiny_base, dtype=torch.float32)
    add_fused_lm_head(model)
    rows = []
    stock_apply = trl_utils._ChunkedLogProbFunction.apply

    def counted(hidden, *args):
        rows.append(hidden.shape[0])
        return stock_apply(hidden, *args)

    trl_utils._ChunkedLogProbFunction.apply = counted
    try:
        results = []
        for compact in (False, True):
            model.zero_grad()
            if compact:
                with compact_preference_head() as active:
                    assert active
                    out = model(input_ids=ids, attention_mask=attn, labels=labels, fused_lm_head=True)
            else:
                out = model(input_ids=ids, attention_mask=attn, labels=labels, fused_lm_head=True)
            logps = out.log_probs
            (logps * (labels[:, 1:] != -100)).sum().backward()
            grad = model.model.layers[0].self_attn.q_proj.weight.grad.clone()
            results.append((logps.detach(), grad))
    finally:
        trl_utils._ChunkedLogProbFunction.apply = stock_apply
    labelled = int((labels[:, 1:] != -100).sum())
    assert rows == [ids.shape[0] * (ids.shape[1] - 1), labelled]
    assert labelled < rows[0] / 2
    (full, g_full), (compact, g_compact) = results
    mask = labels[:, 1:] != -100
    assert torch.allclose(full[mask], compact[mask], atol=1e-5)
    assert torch.allclose(g_full, g_compact, atol=1e-5)
    assert trl_utils._use_triton(torch.device("cpu")) is False  # restored on leaving
