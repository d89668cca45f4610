"""SFTTrainer whose loss runs the output layer only where there is something to learn.

A small model's output layer dominates its cost: Gemma 3 270M's 262,144 x 640 head costs
more per token than its whole 18-layer body.  TRL's fused head scores only labelled
positions on CUDA/XPU (Triton) but every position elsewhere, in fp32.  Here the backbone
runs once, and the head runs on the hidden states of the positions whose next token is an
assistant token: with the persona prompt and the user's words masked out that is a
fraction of the sequence.  The loss is the same token-summed cross-entropy (divided by the
token count of the whole accumulated batch, as Trainer expects).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from trl import SFTTrainer

__all__ = ["AssistantOnlyHeadTrainer", "assistant_only_loss"]


def assistant_only_loss(model, input_ids, attention_mask, labels, num_items_in_batch=None):
    """Next-token cross-entropy over labelled positions, projecting only those through the head."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    hidden = base.get_decoder()(input_ids=input_ids, attention_mask=attention_mask,
                                use_cache=False).last_hidden_state
    targets = labels[:, 1:]
    mask = targets != -100
    picked = hidden[:, :-1][mask]  # (n_labelled, hidden)
    logits = base.get_output_embeddings()(picked).float()
    cap = getattr(base.config.get_text_config(), "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    total = F.cross_entropy(logits, targets[mask], reduction="sum")
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
