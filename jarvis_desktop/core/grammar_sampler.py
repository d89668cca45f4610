"""Greedy decoding under a GBNF grammar that checks the likeliest tokens first.

llama.cpp's grammar sampler checks every token of the vocabulary against the grammar at every
step: for Gemma's 262,144 tokens that was about 0.02 s a token, a quarter of a second for a tool
call.  Greedy decoding under a grammar picks the likeliest token the grammar allows, so the
tokens can be tried in order of their logits instead, each alone against the grammar: the
first one allowed is the same choice, usually found among the first few.  Only where none of
the ``TOP`` likeliest is allowed (a model that never learnt the call syntax) is the whole
vocabulary checked, as llama.cpp would.

Used for tool calls (ChatEngine.stream with a grammar): a call is written greedily and without a
repetition penalty (its arguments are facts, not style).
"""

from __future__ import annotations

import ctypes

import numpy as np

__all__ = ["GrammarGreedy", "TOP"]

TOP = 64
_TOKEN_DATA = np.dtype([("id", "<i4"), ("logit", "<f4"), ("p", "<f4")])


class GrammarGreedy:
    """A llama.cpp custom sampler's ``apply``: selects the likeliest token ``grammar`` allows.

    It owns a grammar sampler of its own, advanced by the token chosen at each step (accepted
    at the next step, or never if the reply ends there)."""

    def __init__(self, vocab, grammar_text: str, root: str = "root"):
        import llama_cpp

        self._llama = llama_cpp
        self._grammar = llama_cpp.llama_sampler_init_grammar(vocab, grammar_text.encode(), root.encode())
        if not self._grammar:
            raise ValueError("llama.cpp could not parse the grammar")
        self._pending: int | None = None
        self.full_checks = 0  # steps where no likely token was allowed and the whole vocabulary was checked

    def close(self) -> None:
        if self._grammar:
            self._llama.llama_sampler_free(self._grammar)
            self._grammar = None

    def __del__(self):
        self.close()

    def _allows(self, token: int) -> bool:
        llama_cpp = self._llama
        one = llama_cpp.llama_token_data(id=token, logit=0.0, p=0.0)
        array = llama_cpp.llama_token_data_array(data=ctypes.pointer(one), size=1, selected=-1, sorted=False)
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(array))
        return one.logit != -np.inf

    def apply(self, cur_p) -> None:
        if self._pending is not None:  # the token chosen last step was taken: the grammar moves on
            self._llama.llama_sampler_accept(self._grammar, self._pending)
            self._pending = None
        array = cur_p.contents
        n = int(array.size)
        view = np.frombuffer((ctypes.c_char * (n * _TOKEN_DATA.itemsize)).from_address(
            ctypes.addressof(array.data.contents)), dtype=_TOKEN_DATA, count=n)
        logits = view["logit"]
        top = np.argpartition(-logits, min(TOP, n - 1))[:TOP]
        chosen = next((int(i) for i in top[np.argsort(-logits[top], kind="stable")]
                       if self._allows(int(view["id"][i]))), None)
        if chosen is None:  # none of the likeliest is allowed: check them all, as llama.cpp does
            self.full_checks += 1
            self._llama.llama_sampler_apply(self._grammar, cur_p)
            chosen = int(np.argmax(view["logit"]))
        array.selected = chosen
        self._pending = int(view["id"][chosen])
