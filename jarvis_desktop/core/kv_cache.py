"""Reusing llama.cpp's KV cache where a prompt repeats what the cache holds with a few changes.

A follow-up turn's prompt normally starts with the whole cache (the last prompt and reply) and
llama-cpp-python evaluates only the new tokens.  Two everyday changes break that start:

- **the clock**: the system prompt states the time to the minute (persona.context_sentence),
  so a message sent in a new minute differs from the cache a few tokens into the prompt;
- **dropped turns**: when the conversation outgrows the context, the oldest turns go.

Without help llama.cpp then evaluates everything after the first difference again: seconds on
two cores once a conversation is long.  Here the cache is *spliced* instead: the cells of what
the prompt no longer holds are removed, the kept runs moved to their new positions (the keys'
RoPE rotation follows them: llama.cpp's context shift), and a few changed tokens in between
(the new minute) evaluated in place, in a second sequence that sees only what comes before
them.  So a turn evaluates its new tokens plus the changed ones.

The kept cells are not exactly what a fresh evaluation gives: above the first layer they were
computed in view of the old tokens.  The rotation itself is exact to float noise.  Measured
on Gemma 3 270M Q4_K_M (benchmarks/kv_splice_quality.py, 30 turns, a new minute each, 4
overflows): greedy replies the same as a fresh evaluation's in 27 of 29 spliced turns, the
first token's KL at most 0.036 nats; reusing the cache without any splice gives 11 of 12 and
0.024 (the quantized model's float noise between batch shapes).  That holds where the kept run
is at least as long as what is cut (the engine drops a quarter of the context at a time,
llama.cpp's own shift drops half; at 0.6 times, 1 reply in 4 was the same) and a changed span
is short (the clock): longer cuts or changes are evaluated afresh.

Plain numpy and llama.cpp calls on a ``llama_cpp.Llama``; the engine owns the locking.
"""

from __future__ import annotations

import bisect
import ctypes
from dataclasses import dataclass

__all__ = ["SHIFT_MIN", "SHIFT_SLACK", "FRESH_MAX", "CachedText", "read_cache", "align", "splice",
           "check_window", "common_start", "Spliced"]

SHIFT_MIN = 16     # fewest tokens a reused run must have (a splice re-rotates every moved key)
SHIFT_SLACK = 8    # cached tokens after the last reused run that may be given up (a trimmed reply)
FRESH_MAX = 32     # most changed tokens evaluated in place (the clock, a name); more: afresh
FRESH_BYTES = 160  # the same in text, where the prompt is aligned with the cache's tokens
KEY_BYTES = 32     # text a reused run is looked up by
SEQ_SIDE = 1       # the second sequence changed tokens are evaluated in (see _decode_side)


@dataclass(frozen=True)
class CachedText:
    """What the KV cache holds, as text: its bytes, its token ids, and where each token starts
    (one offset more: the end)."""

    data: bytes
    ids: list[int]
    offsets: list[int]


@dataclass(frozen=True)
class Spliced:
    """What a splice did: tokens cut out of the cache, and changed tokens evaluated in place."""

    cut: int = 0
    fresh: int = 0


def read_cache(llm, piece) -> CachedText:
    """The cache of ``llm`` as text; ``piece(token) -> bytes`` gives a token's text."""
    ids = [int(t) for t in llm._input_ids]
    pieces = [piece(t) for t in ids]
    offsets = [0]
    for p in pieces:
        offsets.append(offsets[-1] + len(p))
    return CachedText(b"".join(pieces), ids, offsets)


def align(text: str, cache: CachedText, tokenize, reuse_runs: bool = True) -> tuple[list[int], int]:
    """Tokens for ``text`` that are the cache's own wherever the text repeats what it holds.

    Re-tokenizing a sampled reply need not give back the tokens the model sampled, and the
    cache can be reused only where the tokens are the same.  The shared start comes first (a
    reply the template trimmed loses only its changed end); then, with ``reuse_runs``, each
    later run of at least SHIFT_MIN cached tokens that the text goes on with after at most
    FRESH_BYTES changed bytes (a new minute in the system prompt, dropped turns); the rest is
    tokenized by ``tokenize(bytes) -> list[int]``.  Returns the tokens and how many of them
    are the cache's."""
    data, cached, ids, offsets = text.encode(), cache.data, cache.ids, cache.offsets
    head = _within(offsets, _common(data, cached))  # tokens [0, head) are shared
    tokens, p, q, reused = list(ids[:head]), offsets[head], head, head
    starts = {o: i for i, o in enumerate(offsets[:-1])}
    while reuse_runs and p < len(data) and q < len(ids):
        found = _next_run(data, p, cache, q, starts)
        if found is None:
            break
        skip, start, end = found
        fresh = tokenize(data[p:p + skip]) if skip else []
        tokens += fresh + ids[start:end]
        p, q, reused = p + skip + offsets[end] - offsets[start], end, reused + end - start
    return tokens + (tokenize(data[p:]) if p < len(data) else []), reused


def _next_run(data: bytes, p: int, cache: CachedText, q: int, starts: dict[int, int]):
    """The next run of the cache (from token ``q`` on) that ``data[p:]`` goes on with, after the
    fewest changed bytes: (bytes skipped, first token, end token), the longest run where the
    text is found more than once; None if there is none of at least SHIFT_MIN tokens."""
    cached, offsets = cache.data, cache.offsets
    for skip in range(max(0, min(FRESH_BYTES, len(data) - p - KEY_BYTES)) + 1):
        rest, best = data[p + skip:], None
        at = cached.find(rest[:KEY_BYTES], offsets[q])
        while at >= 0:
            if at in starts:
                start, end = starts[at], _within(offsets, at + _common(rest, cached[at:]))
                if end - start >= SHIFT_MIN and (best is None or end - start > best[2] - best[1]):
                    best = (skip, start, end)
            at = cached.find(rest[:KEY_BYTES], at + 1)
        if best is not None:
            return best
    return None


def splice(llm, tokens: list[int]) -> Spliced:
    """Make the cache of ``llm`` start with ``tokens`` as far as it can be had cheaply.

    The plan: the shared start stays; then runs of at least SHIFT_MIN cached tokens, each after
    at most a few changed tokens (FRESH_MAX in all), the last one reaching the end of the
    cache (give or take SHIFT_SLACK); what lies between in the cache is cut.  The kept runs
    must outnumber what is cut (see the module's note on quality).  Returns what was done;
    ``Spliced()`` where nothing is gained or allowed (then llama-cpp-python reuses the shared
    start only).  A llama.cpp call that refuses part-way empties the cache: the prompt is then
    evaluated afresh, never against a half-spliced cache."""
    import llama_cpp
    import numpy as np

    ids, new = llm._input_ids, np.asarray(tokens, dtype=llm._input_ids.dtype)
    n, keep = len(ids), _run(ids, new)
    if keep >= n or keep >= len(new) - SHIFT_MIN:
        return Spliced()
    blocks = _plan(ids, new, keep)
    if not blocks:
        return Spliced()
    kept = sum(m for _, _, m in blocks)
    last_cache_end = blocks[-1][0] + blocks[-1][2]
    cut = n - keep - kept - (n - last_cache_end)  # cells between the reused runs
    fresh = blocks[-1][1] + blocks[-1][2] - keep - kept
    if last_cache_end < n - SHIFT_SLACK or kept < cut or fresh > FRESH_MAX or (cut == 0 and fresh == 0):
        return Spliced()
    mem = llama_cpp.llama_get_memory(llm.ctx)
    if mem is None or not llama_cpp.llama_memory_can_shift(mem) or llama_cpp.llama_n_seq_max(llm.ctx) <= SEQ_SIDE:
        return Spliced()  # e.g. M-RoPE models, or a sliding-window cache smaller than the context
    try:
        _apply(llm, mem, new, keep, blocks)
    except _Refused:
        llm.reset()  # trust none of it: evaluate the prompt afresh
        return Spliced()
    return Spliced(cut, fresh)


def check_window(llm, tokens: list[int]) -> None:
    """Start afresh where the cache lacks what the prompt's reused start needs.

    A sliding-window cache (Gemma 3) frees cells that fell out of the window; llama.cpp keeps
    the positions [pos_min, pos_max] of a sequence whole.  New tokens after a reused start of
    r tokens attend to the last n_swa positions before r: if they are gone, reusing the start
    would attend to nothing there.  (llama-cpp-python does not check this.)"""
    import llama_cpp
    import numpy as np

    n_swa = llama_cpp.llama_model_n_swa(llm.model)
    if n_swa <= 0 or llm.n_tokens == 0:
        return
    reuse = _run(llm._input_ids, np.asarray(tokens, dtype=llm._input_ids.dtype))
    reuse -= reuse == len(tokens)  # all cached: llama-cpp-python evaluates the last one again
    mem = llama_cpp.llama_get_memory(llm.ctx)
    if mem is not None and llama_cpp.llama_memory_seq_pos_min(mem, 0) > max(0, reuse - n_swa):
        llm.reset()


class _Refused(Exception):
    pass


def _plan(ids, new, keep: int) -> list[tuple[int, int, int]]:
    """Runs of the cache the prompt goes on with after its shared start: (cache start, prompt
    start, length), in order, each at least SHIFT_MIN long and after at most FRESH_MAX new
    tokens; the fewest new tokens first, then the longest run."""
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    blocks, p, q = [], keep, keep
    while p + SHIFT_MIN <= len(new) and q + SHIFT_MIN <= len(ids):
        windows = sliding_window_view(ids[q:], SHIFT_MIN)
        found = None
        for skip in range(min(FRESH_MAX, len(new) - p - SHIFT_MIN) + 1):
            starts = np.flatnonzero((windows == new[p + skip:p + skip + SHIFT_MIN]).all(axis=1)) + q
            if len(starts):
                runs = [(_run(ids[j:], new[p + skip:]), -int(j)) for j in starts]
                m, j = max(runs)
                found = (-j, p + skip, m)
                break
        if found is None:
            break
        blocks.append(found)
        p, q = found[1] + found[2], found[0] + found[2]
    return blocks


def _apply(llm, mem, new, keep: int, blocks: list[tuple[int, int, int]]) -> None:
    """Carry out a plan: cut what lies between the runs, move each run to its place, evaluate
    the changed tokens in place."""
    import llama_cpp

    n, seq = llm.n_tokens, 0
    # Cut everything after the shared start that no run keeps.
    edges, at = [], keep
    for start, _, m in blocks:
        if start > at:
            edges.append((at, start))
        at = start + m
    edges.append((at, n))
    for a, b in edges:
        if b > a and not llama_cpp.llama_memory_seq_rm(mem, seq, a, b):
            raise _Refused
    # Move the runs: those going down in order, those going up in reverse, so that a run never
    # lands on one not yet moved (seq_add moves whatever lies in a range of positions).
    down = [(s, d - s, m) for s, d, m in blocks if d < s]
    up = [(s, d - s, m) for s, d, m in blocks if d > s]
    for s, delta, m in down + up[::-1]:
        llama_cpp.llama_memory_seq_add(mem, seq, s, s + m, delta)
    # The changed tokens between the runs, each span seeing only what precedes it.
    at = keep
    for _, d, m in blocks:
        if d > at:
            _decode_side(llm, mem, new[at:d], at)
        at = d + m
    llm.input_ids[:at] = new[:at]
    llm.n_tokens = at
    llm._requires_eval = True  # the last logits are not those of this prompt


def _decode_side(llm, mem, tokens, pos: int) -> None:
    """Evaluate ``tokens`` at positions [pos, pos + len) into the cache while later cells of the
    sequence already exist: llama.cpp decodes a sequence only at its end, so the tokens go
    into a second sequence holding the cells before ``pos``, and their cells then join the
    first one."""
    import llama_cpp

    side = SEQ_SIDE
    llama_cpp.llama_memory_seq_rm(mem, side, -1, -1)
    llama_cpp.llama_memory_seq_cp(mem, 0, side, 0, pos)
    batch = llama_cpp.llama_batch_init(len(tokens), 0, 1)
    try:
        batch.n_tokens = len(tokens)
        for i, tok in enumerate(tokens):
            batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = int(tok), pos + i, 1, False
            batch.seq_id[i][0] = side
        if llama_cpp.llama_decode(llm.ctx, batch) != 0:
            raise _Refused
    finally:
        llama_cpp.llama_batch_free(batch)
    llama_cpp.llama_memory_seq_cp(mem, side, 0, pos, pos + len(tokens))
    llama_cpp.llama_memory_seq_rm(mem, side, -1, -1)


def _common(a: bytes, b: bytes) -> int:
    """Length of the common start of ``a`` and ``b`` (by bisection: slices compare in C)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _within(offsets: list[int], at: int) -> int:
    """How many tokens (starting at ``offsets``) lie whole in the first ``at`` bytes; a token
    that shows no text is left out at the end: the text cannot tell whether it is there."""
    return bisect.bisect_left(offsets, offsets[bisect.bisect_right(offsets, at) - 1])


def common_start(cache_ids, tokens) -> int:
    """How many of ``tokens`` the cache (its token ids, a numpy array) starts with."""
    import numpy as np

    return _run(cache_ids, np.asarray(tokens, dtype=cache_ids.dtype))


def _run(a, b) -> int:
    """Length of the common start of two numpy token arrays."""
    n = min(len(a), len(b))
    diff = (a[:n] != b[:n]).nonzero()[0]
    return int(diff[0]) if len(diff) else n


def piece_reader(llm):
    """``piece(token) -> bytes``: a token's text as the cache is read back (special tokens
    included), memoised for the model's life."""
    import llama_cpp

    vocab, pieces = llama_cpp.llama_model_get_vocab(llm.model), {}

    def piece(token: int) -> bytes:
        got = pieces.get(token)
        if got is None:
            buf = ctypes.create_string_buffer(64)
            n = llama_cpp.llama_token_to_piece(vocab, token, buf, len(buf), 0, True)
            if n < 0:  # a longer piece: -n bytes
                buf = ctypes.create_string_buffer(-n)
                n = llama_cpp.llama_token_to_piece(vocab, token, buf, len(buf), 0, True)
            got = pieces[token] = buf.raw[:max(n, 0)]
        return got

    return piece
