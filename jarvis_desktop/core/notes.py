"""Notes: what the user told Jarvis that bears on a message, put before it in the model's prompt.

``Assistant.messages`` sends ``with_notes(text, notes_for(memory, text))``; the training data
(``trainer/data/memory_context.jsonl``) holds messages in the same form, and the memory's search
model is tuned on them (``convert/embedder.py``), so serving and training read notes alike.

    with_notes("where is the car", ["your car is parked on level 3"])
    # '[Noted: your car is parked on level 3]\nwhere is the car'
"""

from __future__ import annotations

import logging

__all__ = ["NOTES_MAX", "NOTES_CHARS", "NOTES_NEAR", "NOTES_MEANT", "NOTES_OPEN", "NOTES_CLOSE",
           "notes_for", "with_notes", "notes_of", "count_notes", "without_notes"]

log = logging.getLogger(__name__)

# Notes from the memory in a message's prompt: the facts holding two of its words (any one of
# a short message), a few dozen tokens at most, so the first token comes about as quickly as without them
# (benchmarks/memory_recall.py).
NOTES_MAX, NOTES_CHARS = 2, 160
# With an embedding model, a note must also be near the message in meaning (cosine similarity):
# words alone brought in facts that merely share two words with it, prompt tokens that slowed
# the first token and bore on nothing or misled.  On the development memory set (100 facts and
# 1,000 made-up ones, its 250 questions) this keeps 101 of the 101 notes of the fact asked
# about, 40 of 123 of other facts and 19 of 30 made-up ones (at 0.40: 100, 33, 15).
NOTES_NEAR = 0.35
# The fact nearest in meaning is a note from NOTES_MEANT whatever words it shares: a question
# is seldom put in the words the fact was told in ("what neck size should I buy a work shirt in"
# for "I'm a sixteen inch collar in shirts").  On the development memory set (100 facts) the
# fact asked about is then in the prompt for 174 of its 200 questions (108 by words alone), and
# 57 of 538 other requests of the development sets get a note (0.40: 181 and 92; 0.50: 160, 37),
# many of them requests of the memory's own tools.
NOTES_MEANT = 0.45
NOTES_OPEN, NOTES_CLOSE = "[Noted: ", "]\n"


def with_notes(text: str, notes: list[str]) -> str:
    """The message as the model reads it: ``[Noted: your car is parked on level 3]`` and the
    message on the next line; the message alone without notes."""
    return f"{NOTES_OPEN}{'; '.join(notes)}{NOTES_CLOSE}{text}" if notes else text


def notes_of(content: str) -> list[str]:
    """The kept facts in the notes of a message ``with_notes`` made ([]: none)."""
    if not (content.startswith(NOTES_OPEN) and NOTES_CLOSE in content):
        return []
    return content[len(NOTES_OPEN):].split(NOTES_CLOSE, 1)[0].split("; ")


def count_notes(content: str) -> int:
    """How many facts the notes of a message ``with_notes`` made hold (0: none)."""
    return len(notes_of(content))


def without_notes(content: str) -> str:
    """The user's own words of a message ``with_notes`` made."""
    if content.startswith(NOTES_OPEN) and NOTES_CLOSE in content:
        return content.split(NOTES_CLOSE, 1)[1]
    return content


def notes_for(store, text: str) -> list[str]:
    """The facts of ``store`` (a MemoryStore, or None) most relevant to ``text`` that fit the
    notes' budget, as Jarvis would say them ("your car is parked on level 3"); [] without a
    memory or a match, and where the search fails (the memory must never cost a reply)."""
    if store is None:
        return []
    try:
        found = store.search(text, limit=NOTES_MAX * 3, at_least=2)
        if store.embedder is not None:
            worded = {fact.id for fact in found}
            near = store.similar(text, top=1, also=worded)
            if near:  # [] where the embedder failed: by words alone
                found = [fact for fact, score in near
                         if score >= NOTES_MEANT or fact.id in worded and score >= NOTES_NEAR]
    except Exception:  # the memory must never cost the user a reply
        log.exception("memory search failed")
        return []
    found = found[:NOTES_MAX]
    notes, used = [], 0
    for fact in found:
        used += len(fact.text) + 2
        if used > NOTES_CHARS:
            break
        notes.append(fact.spoken)
    return notes
