"""SFTTrainer whose loss runs the output layer only where there is something to learn, in chunks.

A small model's output layer dominates its cost: Gemma 3 270M's 262,144 x 640 head costs
more per token than its whole 18-layer body.  TRL's fused head scores only labelled
positions on CUDA/XPU (Triton) but every position elsewhere, in fp32.  Here the backbone
runs once, and the head runs only on the hidden states of the positions whose next token is
an assistant token (with the persona prompt and the user's words masked out, a fraction of
the sequence).

Even there, materialising (positions x 262,144) fp32 logits and their softmax gradient was
a third of a CPU step (memory-bound log_softmax and its backward).  ``chunked_head_loss``
computes the same cross-entropy a chunk of rows at a time, and each chunk's gradient while
its logits are at hand, so the big tensors stay cache-sized, are never stored and never
recomputed (the idea of "fused linear cross-entropy" kernels, in plain PyTorch).  The loss is the same
token-summed cross-entropy, divided by the token count of the whole accumulated batch, as
Trainer expects.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager, nullcontext

import torch
from trl import SFTTrainer

__all__ = ["AssistantOnlyHeadTrainer", "assistant_only_loss", "chunked_head_loss", "compact_preference_head"]

log = logging.getLogger(__name__)

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
    """The loss and, in the same pass over each chunk, its gradient (scaled in the backward).

    The loss is linear in the incoming gradient (a scalar), so the gradient with respect to
    the hidden rows can be computed while each chunk's logits are at hand, instead of
    recomputing them in the backward pass: one 262k-wide matmul per row saved out of three.
    """

    @staticmethod
    def forward(ctx, hidden, weight, targets, extra_ids, extra_w, cap, chunk):
        want_h = ctx.needs_input_grad[0]
        want_extra = extra_w is not None and ctx.needs_input_grad[4]
        n = hidden.shape[0]
        with torch.autocast(hidden.device.type, enabled=False):
            loss = torch.zeros((), dtype=torch.float32, device=hidden.device)
            grad_h = torch.empty(hidden.shape, dtype=torch.float32, device=hidden.device) if want_h else None
            grad_extra = torch.zeros(extra_w.shape, dtype=torch.float32, device=hidden.device) \
                if want_extra else None
            for s in range(0, n, chunk):
                h = hidden[s:s + chunk]
                tgt = targets[s:s + chunk]
                rows = torch.arange(len(h), device=h.device)
                logits, t = _chunk_logits(h, weight, extra_ids, extra_w, cap)
                top = logits.amax(-1, keepdim=True)
                picked = logits[rows, tgt]
                g = torch.exp_(logits.sub_(top))  # in place: the chunk's only 262k-wide buffer
                total = g.sum(-1, keepdim=True)
                loss += (top.squeeze(1) + total.squeeze(1).log() - picked).sum()
                if not (want_h or want_extra):
                    continue
                # d(lse - logit[target]) / d logits = softmax - onehot(target)
                g.div_(total)
                g[rows, tgt] -= 1
                if cap:
                    g.mul_(1 - t * t)  # through cap * tanh(x / cap)
                if want_h:
                    grad_h[s:s + chunk] = (g.to(weight.dtype) @ weight).float()
                if extra_w is not None:
                    g_extra = g[:, extra_ids]
                    if want_h:
                        grad_h[s:s + chunk] += g_extra @ extra_w.float()
                    if want_extra:
                        grad_extra += g_extra.t() @ h.float()
        ctx.save_for_backward(grad_h, grad_extra)
        ctx.h_dtype = hidden.dtype
        ctx.extra_dtype = extra_w.dtype if extra_w is not None else None
        return loss

    @staticmethod
    def backward(ctx, grad_out):
        grad_h, grad_extra = ctx.saved_tensors
        gh = (grad_h * grad_out).to(ctx.h_dtype) if grad_h is not None else None
        ge = (grad_extra * grad_out).to(ctx.extra_dtype) if grad_extra is not None else None
        return gh, None, None, None, ge, None, None


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
    cpu_bf16 = False  # set by use_cpu_bf16_autocast

    def use_cpu_bf16_autocast(self) -> None:
        """bf16 base on the CPU: run the LoRA matmuls in bf16 too, under autocast.

        Trainer does not autocast on the CPU here, so PEFT casts every adapted layer's input
        to the fp32 adapter weights and the result back: two activation-sized copies per
        layer each way, a tenth of a step.  Under autocast only the small adapter weights are
        cast; the adapter parameters (and the optimizer) stay fp32.
        """
        self.cpu_bf16 = True
        for module in self.model.modules():
            if hasattr(module, "cast_input_dtype_enabled"):
                module.cast_input_dtype_enabled = False

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if return_outputs:  # evaluation that wants logits: the stock path
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        autocast = torch.autocast("cpu", dtype=torch.bfloat16) if self.cpu_bf16 else nullcontext()
        with autocast:
            loss = assistant_only_loss(model, inputs["input_ids"], inputs.get("attention_mask"),
                                       inputs["labels"], num_items_in_batch)
        if self.args.average_tokens_across_devices and num_items_in_batch is not None:
            loss = loss * self.accelerator.num_processes
        return loss


@contextmanager
def compact_preference_head():
    """Within it, TRL's KTO/DPO score only the completion positions through the head on the CPU too.

    TRL's fused head (``trl.trainer.utils.add_fused_lm_head``) projects only the positions
    whose label is not -100 where Triton runs; elsewhere it projects *every* position (to keep
    tile shapes fixed for compilers) and masks the result.  A preference row is mostly prompt
    (persona, chat before the rated reply) and each KTO step runs four such forwards (policy,
    its KL pairs, and the reference's), so on 2 CPU cores the 262k-wide head over prompt
    positions was three quarters of the stage (190 of 253 s on 58 ratings).  The per-position
    log-probabilities are the same either way (each row is scored alone); only which rows are
    computed changes.  TRL's choice is read from one module-level function, swapped here and
    restored after; if a TRL release renames it, this does nothing and the stage is as slow as
    before, never wrong.
    """
    import trl.trainer.utils as trl_utils

    stock = getattr(trl_utils, "_use_triton", None)
    if stock is None:
        log.info("TRL has no _use_triton in trl.trainer.utils: the preference head runs on every position")
        yield False
        return
    trl_utils._use_triton = lambda device: True  # "compact": only the labelled positions
    try:
        yield True
    finally:
        trl_utils._use_triton = stock
