"""Trainable rows for the chat-turn tokens, at the cost of a few vectors rather than a vocabulary.

A base with no chat tuning (Gemma 3 270M pt) has barely trained embeddings for its turn tokens:
LoRA on the linear layers alone did not make it *produce* ``<end_of_turn>`` within 3 epochs, so
the tune never stopped.  Training those few rows fixes it.  PEFT's ``trainable_token_indices``
does that by rebuilding the whole (262,144 x 640) matrix with ``index_copy`` on every forward,
for the input embedding and again for the tied output layer, and back-propagating into both:
a quarter of each CPU step.  Here a delta per token is added where it matters instead:

* input side: ``embeddings += onehot(ids) @ delta_in`` (times the embedding scale, if any);
* output side: ``logits[..., ids] += hidden @ delta_out.T``.

For tied weights (Gemma) one delta serves both sides, exactly like editing the shared row.
``merge_turn_tokens`` folds the deltas into the weights when the adapter is merged.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

__all__ = ["TurnTokens", "FILE_NAME", "merge_turn_tokens"]

FILE_NAME = "turn_tokens.safetensors"


class TurnTokens(nn.Module):
    def __init__(self, token_ids: list[int], hidden: int, tied: bool, embed_scale: float = 1.0):
        super().__init__()
        self.register_buffer("token_ids", torch.tensor(sorted(token_ids), dtype=torch.long))
        self.tied = tied
        self.embed_scale = float(embed_scale)
        self.delta_in = nn.Parameter(torch.zeros(len(token_ids), hidden))
        self.delta_out = None if tied else nn.Parameter(torch.zeros(len(token_ids), hidden))
        self._hooks = []

    def out_delta(self) -> torch.Tensor:
        return self.delta_in if self.tied else self.delta_out

    @classmethod
    def attach(cls, model, token_ids: list[int]) -> "TurnTokens":
        """Build the module for ``model`` (a PeftModel or plain model) and hook it in."""
        base = model.get_base_model() if hasattr(model, "get_base_model") else model
        emb, head = base.get_input_embeddings(), base.get_output_embeddings()
        tied = head is not None and head.weight is emb.weight
        scale = getattr(emb, "embed_scale", 1.0)
        scale = float(scale.item() if torch.is_tensor(scale) else scale)
        module = cls(token_ids, emb.weight.shape[1], tied, scale).to(emb.weight.device)
        base.add_module("jarvis_turn_tokens", module)  # so the optimizer and .to() see it
        module._hooks = [emb.register_forward_hook(module._embedding_hook),
                         head.register_forward_hook(module._head_hook)]
        return module

    def _embedding_hook(self, layer, args, output):
        ids = args[0] if args else None
        if ids is None:
            return output
        onehot = (ids.unsqueeze(-1) == self.token_ids).to(self.delta_in.dtype)
        return output + (onehot @ self.delta_in * self.embed_scale).to(output.dtype)

    def _head_hook(self, layer, args, output):
        hidden = args[0]
        extra = hidden.to(self.delta_in.dtype) @ self.out_delta().t()
        return output.index_add(-1, self.token_ids, extra.to(output.dtype))

    def save(self, folder: Path) -> None:
        from safetensors.torch import save_file

        tensors = {"token_ids": self.token_ids.cpu(), "delta_in": self.delta_in.detach().float().cpu()}
        if not self.tied:
            tensors["delta_out"] = self.delta_out.detach().float().cpu()
        save_file(tensors, str(Path(folder) / FILE_NAME))

    def load(self, folder: Path) -> None:
        from safetensors.torch import load_file

        saved = load_file(str(Path(folder) / FILE_NAME))
        if saved["token_ids"].tolist() != self.token_ids.tolist():
            raise ValueError(f"{folder}: turn tokens {saved['token_ids'].tolist()} differ from "
                             f"{self.token_ids.tolist()}")
        with torch.no_grad():
            self.delta_in.copy_(saved["delta_in"])
            if not self.tied:
                self.delta_out.copy_(saved["delta_out"])


def merge_turn_tokens(model, adapter: Path) -> bool:
    """Add a saved adapter's turn-token deltas to ``model``'s weights; False if it has none."""
    from safetensors.torch import load_file

    path = Path(adapter) / FILE_NAME
    if not path.is_file():
        return False
    saved = load_file(str(path))
    ids = saved["token_ids"]
    emb, head = model.get_input_embeddings(), model.get_output_embeddings()
    with torch.no_grad():
        emb.weight[ids] += saved["delta_in"].to(emb.weight.dtype)
        if "delta_out" in saved and head is not None and head.weight is not emb.weight:
            head.weight[ids] += saved["delta_out"].to(head.weight.dtype)
    return True
