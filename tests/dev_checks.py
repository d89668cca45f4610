"""Checks the development sets' tests share: a dev text must not copy, or nearly copy, a text
the model is trained on or judged by."""

from __future__ import annotations

import difflib
import re

# SequenceMatcher ratio of two plain texts at which one counts as a copy of the other.
NEAR_COPY_RATIO = 0.9


def plain(text: str) -> str:
    """Lower case, apostrophes and punctuation dropped, single spaces: "What's 5%?" -> "whats 5"."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", "")))


def near_copies(mine: list[tuple[str, str]], theirs: list[str],
                ratio: float = NEAR_COPY_RATIO) -> list[tuple[str, str, str]]:
    """(id, text, other) for each of ``mine`` (id, text) whose plain text nearly copies one of ``theirs``."""
    plain_mine = [(row_id, text, plain(text)) for row_id, text in mine]
    matcher = difflib.SequenceMatcher(autojunk=False)
    found = []
    for other in theirs:
        matcher.set_seq2(plain(other))  # seq2 is the one SequenceMatcher indexes: index each text once
        for row_id, text, mine_plain in plain_mine:
            matcher.set_seq1(mine_plain)
            # real_quick_ratio and quick_ratio bound ratio from above: the cheap ones rule most out
            if matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio and matcher.ratio() >= ratio:
                found.append((row_id, text, other))
    return found
