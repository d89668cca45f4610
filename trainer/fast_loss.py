"""SFTTrainer whose loss runs the output layer only where there is something to learn, in chunks.

A small model's output layer dominates its cost: Gemma 3 270M's 262,144 x 640 head costs
more per token than its whole 18-layer body.  TRL's fused head scores only labelled
positions on CUDA/XPU (Triton) but every position elsewhere, in fp32.  Here the backbone
runs once, and the head runs only on the hidden states of the positions whose next token is
an assistant token (with the persona prompt and the user's words masked out, a fraction of
the sequence).

Even there, materialising (positions x 262,144) fp32 logits and their softmax gradient was
a third of a CPU step (memory-bound log_softmax and its backward).  ``chunked_head_loss``
computes the same cross-entropy a chunk of rows at a time and recomputes each chunk's
logits in the backward pass, so the big tensors stay cache-sized and are never stored (the
idea of "fused linear cross-entropy" kernels, in plain PyTorch).  The loss is the same
token-summed cross-entropy, divided by the token count of the whole accumulated batch, as
Trainer expects.
"""

from __future__ import annotations

import torch
from trl import SFTTrainer

__all__ = ["AssistantOnlyHeadTrainer", "assistant_only_loss", "chunked_head_loss"]

CHUNK_ROWS = 128  # 128 x 262,144 fp32 logits = 128 MB per chunk; smaller chunks made the matmuls slower


def _chunk_logits(h, weight, extra_ids, extra_w, cap):
    """fp32 logits of rows ``h``; the pre-softcap values are returned for the backward."""
    raw = (h.to(weight.dtype) @ weight.t()).float()
    if extra_w is not None:
        raw.index_add_(1, extra_ids, h.float() @ extra_w.float().t())
    if cap:
        t = torch.tanh(raw / cap)
        return t * cap, t
    return raw, None


class _ChunkedHeadCE(torch.autograd.Function):
    @staticmethod
    def forward(ctx, hidden, weight, targets, extra_ids, extra_w, cap, chunk):
        with torch.autocast(hidden.device.type, enabled=False):
            lse = torch.empty(hidden.shape[0], dtype=torch.float32, device=hidden.device)
            picked = torch.empty_like(lse)
            for s in range(0, hidden.shape[0], chunk):
                logits, _ = _chunk_logits(hidden[s:s + chunk], weight, extra_ids, extra_w, cap)
                lse[s:s + chunk] = torch.logsumexp(logits, -1)
                picked[s:s + chunk] = logits.gather(1, targets[s:s + chunk, None]).squeeze(1)
        ctx.save_for_backward(hidden, weight, targets, extra_ids, extra_w, lse)
        ctx.cap, ctx.chunk = cap, chunk
        return (lse - picked).sum()

    @staticmethod
    def backward(ctx, grad_out):
        hidden, weight, targets, extra_ids, extra_w, lse = ctx.saved_tensors
        cap, chunk = ctx.cap, ctx.chunk
        grad_h = torch.empty_like(hidden)
        grad_extra = torch.zeros_like(extra_w, dtype=torch.float32) if extra_w is not None else None
        with torch.autocast(hidden.device.type, enabled=False):
            for s in range(0, hidden.shape[0], chunk):
                h = hidden[s:s + chunk]
                logits, t = _chunk_logits(h, weight, extra_ids, extra_w, cap)
                # d(lse - logit[target]) / d logits = softmax - onehot(target)
                g = torch.exp_(logits.sub_(lse[s:s + chunk, None]))
                g[torch.arange(len(h), device=h.device), targets[s:s + chunk]] -= 1
                g.mul_(grad_out)
                if cap:
                    g.mul_(1 - t * t)  # through cap * tanh(x / cap)
                gh = (g.to(weight.dtype) @ weight).float()
                if extra_w is not None:
                    g_extra = g[:, extra_ids]
                    gh += g_extra @ extra_w.float()
                    grad_extra += g_extra.t() @ h.float()
                grad_h[s:s + chunk] = gh.to(grad_h.dtype)
        if grad_extra is not None:
            grad_extra = grad_extra.to(extra_w.dtype)
        return grad_h, None, None, None, grad_extra, None, None


def chunked_head_loss(hidden, weight, targets, extra_ids=None, extra_w=None, cap=None,
                      chunk: int = CHUNK_ROWS):
    """Summed cross-entropy of ``softcap(hidden @ weight.T)`` (plus extra columns) vs targets.

    ``weight`` is the frozen output layer; ``extra_w`` (trainable) adds ``hidden @ extra_w.T`` to
    the columns ``extra_ids`` (the turn-token rows, trainer/turn_tokens.py).
    """
    return _ChunkedHeadCE.apply(hidden, weight.detach(), targets, extra_ids, extra_w, cap, chunk)


def assistant_only_loss(model, input_ids, attention_mask, labels, num_items_in_batch=None):
    """Next-token cross-entropy over labelled positions, projecting only those through the head."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = base.get_decoder()(input_ids=input_ids, attention_mask=attention_mask,
                                use_cache=False).last_hidden_state
    targets = labels[:, 1:]
    mask = targets != -100
    picked = hidden[:, :-1][mask]  # (n_labelled, hidden)
    cap = getattr(base.config.get_text_config(), "final_logit_softcapping", None)
    turn = getattr(base, "jarvis_turn_tokens", None)
    extra_ids = extra_w = None
    if turn is not None:
        extra_ids, extra_w = turn.token_ids, turn.out_delta()
    total = chunked_head_loss(picked, base.get_output_embeddings().weight, targets[mask],
                              extra_ids, extra_w, cap)
    count = num_items_in_batch if num_items_in_batch is not None else mask.sum().clamp(min=1)
    return total / count


class AssistantOnlyHeadTrainer(SFTTrainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if return_outputs:  # evaluation that wants logits: the stock path
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        loss = assistant_only_loss(model, inputs["input_ids"], inputs.get("attention_mask"),
                                   inputs["labels"], num_items_in_batch)
        if self.args.average_tokens_across_devices and num_items_in_batch is not None:
            loss = loss * self.accelerator.num_processes
        return loss
