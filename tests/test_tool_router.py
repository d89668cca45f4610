"""Routing a reply to a tool by the probability of calling (core/tools/router.py), on plain
logits and through the Assistant on the tiny real model."""

from __future__ import annotations

import math

import numpy as np

from jarvis_desktop.core.tools.router import CALL_THRESHOLD, call_probability, route

STARTS = frozenset({3, 4})  # the tokens that begin "call:" in this made-up vocabulary of 10


def logits_for(p: dict[int, float]) -> np.ndarray:
    """Logits whose softmax gives ``p`` (the rest of the mass spread evenly)."""
    rest = (1 - sum(p.values())) / (10 - len(p))
    return np.log(np.array([p.get(i, rest) for i in range(10)], dtype=np.float64)).astype(np.float32)


def test_the_probability_of_calling_sums_every_token_that_begins_a_call():
    assert math.isclose(call_probability(logits_for({3: 0.2, 4: 0.25}), STARTS), 0.45, rel_tol=1e-5)
    assert call_probability(logits_for({3: 0.2}), frozenset()) == 0.0


def test_a_call_sampled_from_a_spread_of_prose_becomes_prose():
    # "call" is the single likeliest token (0.3) but prose has 0.7 of the mass between 8 words
    logits, seen = logits_for({3: 0.3}), {}
    assert route(logits, 3, STARTS, seen=seen) == int(np.argmax(np.where(np.isin(np.arange(10), [3, 4]), -np.inf,
                                                                          logits)))
    assert math.isclose(seen["p_call"], 0.3 + 0.7 / 9, rel_tol=1e-5)


def test_prose_sampled_where_a_call_is_likelier_becomes_a_call():
    logits = logits_for({3: 0.35, 4: 0.3, 0: 0.34})
    assert route(logits, 0, STARTS) == 3  # the likeliest start of a call


def test_a_token_that_agrees_with_the_decision_is_kept():
    assert route(logits_for({3: 0.8}), 3, STARTS) is None
    assert route(logits_for({0: 0.9}), 0, STARTS) is None
    assert CALL_THRESHOLD == 0.5  # calling when it is likelier than not
