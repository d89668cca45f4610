"""Whether a reply is a tool call: decided on the probability of calling, not on one token.

The fine-tune opens a reply with ``call:`` or with prose.  Sampling (or greedy decoding) picks
the single likeliest first token, and for chat that merely names a subject ("Is 16 GB of RAM
enough for video editing?") that token is often "call" even when the model puts most of its
probability on prose, spread over many different first words.  On the v1 fine-tune's held-out
requests, greedy decoding called a tool on 25 % of chat; deciding by the total probability of
the tokens that begin a call (call when it is at least ``CALL_THRESHOLD``: calling is likelier
than not) called on 5 % of chat, and missed 7.6 % of tool requests instead of 3.0 %.

``route`` is the engine's ``first`` hook (ChatEngine.stream): it sees the first step's logits
and the token sampled, and swaps that token where it goes against the decision.

Where the line falls is a property of each fine-tune: a retrain calibrates it on a development
set that is neither trained on nor the gate's held-out set (trainer/router_calibration.py,
``choose_threshold``) and records it in the version's ``meta.json`` ("router"), which
``threshold_for`` reads; a model without one uses ``CALL_THRESHOLD``.

In two minds: below the line but not far below it (``UNSURE_FLOOR``), a request whose words the
app reads as a whole request for a tool that only computes or sets a reminder ("remind me to
ring the garage in forty five minutes", "seven loads at 55 minutes a go, total time":
tools/slots_whole.py, ``read_in_full``), or a question the user's memory surely answers ("How do I take
my tea?" beside "I take my tea strong with one sugar": ``Toolbox.read_in_full``), gets a call
after all, and the call runs only if it is to one of those tools; otherwise it is set aside
unsaid and the reply is prose, as it would have been.
On the v1 fine-tune's development set this made no false call (the chats in that band that the
readers read in full were answered with calls to other tools), and on an independent set of
217 spoken requests it answered 5 of the 6 the line had sent to prose.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import numpy as np

__all__ = ["CALL_THRESHOLD", "THRESHOLD_BOUNDS", "UNSURE_FLOOR", "NEVER", "call_probability", "choose_threshold",
           "route", "threshold_for"]

log = logging.getLogger(__name__)

CALL_THRESHOLD = 0.5
# A calibrated threshold stays within these: a few hundred dev requests are too few to trust a
# line that calls on nearly everything or on nearly nothing.
THRESHOLD_BOUNDS = (0.2, 0.9)
# Below its line, a model with at least this probability of calling is in two minds (above).
UNSURE_FLOOR = 0.25
NEVER = float("inf")  # a threshold no probability reaches: the reply is prose


def call_probability(logits: np.ndarray, starts: frozenset[int]) -> float:
    """The probability (softmax of ``logits``) that the reply begins a call: the sum over
    ``starts``, the tokens that spell a start of ``call:`` (ChatEngine.starting_tokens)."""
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z - z.max())
    ids = np.fromiter(starts, dtype=np.int64, count=len(starts))
    return float(p[ids].sum() / p.sum()) if len(ids) else 0.0


def route(logits: np.ndarray, token: int, starts: frozenset[int], threshold: float = CALL_THRESHOLD,
          seen: dict | None = None) -> int | None:
    """The token the reply should begin with instead of ``token``, or None to keep it.

    Calling is likelier than ``threshold`` but prose was sampled: the likeliest start of a
    call.  Calling is less likely but a call was sampled: the likeliest other token.  ``seen``
    (optional) gets ``p_call``."""
    p_call = call_probability(logits, starts)
    if seen is not None:
        seen["p_call"] = p_call
    calls = token in starts
    if p_call >= threshold and not calls:
        return max(starts, key=lambda t: logits[t])
    if p_call < threshold and calls:
        z = np.array(logits, dtype=np.float32)
        z[np.fromiter(starts, dtype=np.int64, count=len(starts))] = -np.inf
        return int(np.argmax(z))
    return None


def threshold_for(gguf: Path | str | None) -> float:
    """The call threshold calibrated for the model ``gguf`` (its ``meta.json``'s
    router.call_threshold, within THRESHOLD_BOUNDS), else CALL_THRESHOLD.  Asked before every
    reply: the file is read again only when it changed (a stat, not a parse, per reply)."""
    if gguf is None:
        return CALL_THRESHOLD
    meta = Path(gguf).parent / "meta.json"
    try:
        st = meta.stat()
    except OSError:
        return CALL_THRESHOLD
    return _threshold_in(meta, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=8)
def _threshold_in(meta: Path, mtime_ns: int, size: int) -> float:
    try:
        value = json.loads(meta.read_text())["router"]["call_threshold"]
    except (OSError, ValueError, KeyError, TypeError):  # none beside it, not calibrated, or damaged
        return CALL_THRESHOLD
    if not isinstance(value, (int, float)) or not THRESHOLD_BOUNDS[0] <= value <= THRESHOLD_BOUNDS[1]:
        log.warning("%s: router.call_threshold %r is not a number within %s; using %s",
                    meta, value, THRESHOLD_BOUNDS, CALL_THRESHOLD)
        return CALL_THRESHOLD
    return float(value)


def choose_threshold(tool_p: list[float], chat_p: list[float]) -> tuple[float, dict]:
    """The threshold that best separates requests needing a tool (``tool_p``: each one's
    probability of calling) from chat (``chat_p``): fewest missed calls plus false calls, each
    as a share of its own kind (so neither kind's size weighs), kept within THRESHOLD_BOUNDS.
    Candidates are the midpoints between neighbouring probabilities; of equally good ones, the
    nearest CALL_THRESHOLD.  Returns (threshold, figures at it and at CALL_THRESHOLD)."""
    if not tool_p or not chat_p:
        raise ValueError("calibrating the router needs requests of both kinds (tool and chat)")
    tools, chats = np.sort(np.asarray(tool_p, float)), np.sort(np.asarray(chat_p, float))
    lo, hi = THRESHOLD_BOUNDS
    points = np.unique(np.concatenate([tools, chats, [lo, hi]]).clip(lo, hi))
    candidates = np.unique(np.concatenate([(points[:-1] + points[1:]) / 2, [CALL_THRESHOLD]]))

    def rates(t: float) -> tuple[float, float]:
        missed = np.searchsorted(tools, t, side="left") / len(tools)  # p < t: not called
        false = (len(chats) - np.searchsorted(chats, t, side="left")) / len(chats)  # p >= t: called
        return float(missed), float(false)

    best = min(candidates, key=lambda t: (round(sum(rates(t)), 9), abs(t - CALL_THRESHOLD)))
    missed, false = rates(best)
    missed0, false0 = rates(CALL_THRESHOLD)
    return round(float(best), 4), {"tool": len(tools), "chat": len(chats),
                                   "missed": round(missed, 4), "false_calls": round(false, 4),
                                   "missed_at_default": round(missed0, 4), "false_calls_at_default": round(false0, 4)}
