"""The memory development set (assets/data/dev/memory_dev.jsonl): facts a user asks Jarvis to keep
("pair": the tell, the words a right answer holds, two paraphrased asks from a later conversation)
and questions about things never told ("unknown"), on which the memory search's thresholds are
tuned.  It must not be the held-out set (assets/data/eval/memory_heldout.jsonl), or the thresholds
would be fitted to the data that judges them; so no text may copy, or nearly copy, a held-out one,
and an unknown question must not simply repeat a stored fact's ask, or it would not be unknown."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache

from jarvis_desktop.core.paths import asset
from tests.dev_checks import near_copies, plain

PATH = asset("data", "dev", "memory_dev.jsonl")
HELDOUT = asset("data", "eval", "memory_heldout.jsonl")
KINDS = ("pair", "unknown")
KEYS = {"pair": {"id", "kind", "tell", "fact_words", "asks"}, "unknown": {"id", "kind", "ask"}}
ID_PATTERN = {"pair": r"d\d{3,}", "unknown": r"u\d{3,}"}
MIN_PAIRS, MIN_UNKNOWN = 100, 50
ASKS_PER_PAIR = 2
FACT_WORDS = range(1, 4)
# Nothing kept in memory may be a secret: Jarvis's notes are stored in plain text.
SECRET = re.compile(r"\b(?:password|passcode|pin|pin number|cvv|api key|card number|one[- ]time code|sort code)\b", re.I)


@lru_cache(maxsize=1)
def rows() -> tuple[dict, ...]:
    with open(PATH, encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


def pairs() -> list[dict]:
    return [r for r in rows() if r["kind"] == "pair"]


def unknowns() -> list[dict]:
    return [r for r in rows() if r["kind"] == "unknown"]


def _texts(row: dict) -> list[str]:
    """Everything a user says in a row: the tell and asks of a pair, the question of an unknown."""
    return [row["tell"], *row["asks"]] if row["kind"] == "pair" else [row["ask"]]


def test_the_file_is_one_object_per_line_ending_with_a_newline():
    raw = PATH.read_text(encoding="utf-8")
    assert raw.endswith("\n"), f"{PATH} must end with a newline"
    for n, line in enumerate(raw.splitlines(), 1):
        row = json.loads(line)
        assert isinstance(row, dict), f"{PATH}:{n}: not an object"
        assert row.get("kind") in KINDS, f"{PATH}:{n}: kind {row.get('kind')!r}, not one of {KINDS}"
        assert set(row) == KEYS[row["kind"]], f"{PATH}:{n}: keys {sorted(row)}, {sorted(KEYS[row['kind']])} wanted"
        assert isinstance(row["id"], str) and re.fullmatch(ID_PATTERN[row["kind"]], row["id"]), \
            f"{PATH}:{n}: id {row['id']!r} does not match {ID_PATTERN[row['kind']]!r}"
        if row["kind"] == "pair":
            assert isinstance(row["asks"], list) and isinstance(row["fact_words"], list), \
                f"{PATH}:{n}: asks and fact_words must be lists"
        for text in _texts(row):
            assert isinstance(text, str) and text.strip() == text != "", \
                f"{PATH}:{n}: {text!r} must be a non-empty string without surrounding spaces"


def test_ids_and_texts_are_unique():
    ids = Counter(r["id"] for r in rows())
    assert not [i for i, n in ids.items() if n > 1], f"ids used twice: {[i for i, n in ids.items() if n > 1]}"
    texts = Counter(plain(t) for r in rows() for t in _texts(r))
    assert not [t for t, n in texts.items() if n > 1], f"texts said twice: {[t for t, n in texts.items() if n > 1]}"


def test_there_are_enough_pairs_and_unknowns():
    kinds = Counter(r["kind"] for r in rows())
    assert kinds["pair"] >= MIN_PAIRS and kinds["unknown"] >= MIN_UNKNOWN, \
        f"{dict(kinds)}: at least {MIN_PAIRS} pairs and {MIN_UNKNOWN} unknowns wanted"


def test_each_pair_has_two_asks_and_fact_words_taken_from_its_tell():
    for p in pairs():
        assert len(p["asks"]) == ASKS_PER_PAIR, f"{p['id']}: {len(p['asks'])} asks, {ASKS_PER_PAIR} wanted"
        assert len(p["fact_words"]) in FACT_WORDS, \
            f"{p['id']}: {len(p['fact_words'])} fact words, {FACT_WORDS.start}-{FACT_WORDS.stop - 1} wanted"
        for word in p["fact_words"]:
            assert isinstance(word, str) and word == word.lower().strip() != "", \
                f"{p['id']}: fact word {word!r} must be lower case, non-empty, without surrounding spaces"
            assert word in p["tell"].lower(), f"{p['id']}: fact word {word!r} is not in the tell {p['tell']!r}"


def test_no_text_holds_a_secret():
    found = [f"{r['id']}: {t!r}" for r in rows() for t in _texts(r) if SECRET.search(t)]
    assert not found, "secrets have no place in memory, so none in its dev set:\n" + "\n".join(found)


def test_no_unknown_question_nearly_copies_a_pairs_ask():
    asks = [q for p in pairs() for q in p["asks"]]
    copies = [f"{row_id} {text!r} nearly copies {other!r}"
              for row_id, text, other in near_copies([(u["id"], u["ask"]) for u in unknowns()], asks)]
    assert not copies, "unknown questions too close to a stored fact's ask:\n" + "\n".join(copies)


def test_nothing_nearly_copies_the_held_out_set():
    with open(HELDOUT, encoding="utf-8") as f:
        held = [json.loads(line) for line in f if line.strip()]
    theirs = [t for r in held for t in ([r["tell"], *r["asks"]] if r.get("kind") == "pair" else [r["ask"]])]
    assert theirs, f"{HELDOUT} was read but gave no texts"
    # A held-out text is never quoted, nor kept where a failing assertion would show it: whoever
    # rewrites the row need not, and should not, read the eval set.
    copies = [f"{row_id} {text!r} nearly copies a held-out text"
              for row_id, text, _ in near_copies([(r["id"], t) for r in rows() for t in _texts(r)], theirs)]
    del held, theirs
    assert not copies, "dev texts too close to held-out ones (reword these rows):\n" + "\n".join(copies)


def test_no_message_the_model_is_trained_on_copies_a_held_out_memory_text():
    """The held-out memory set judges recall on asks the model never saw: "where did I leave the
    car?" was a training row word for word."""
    held = [t for line in HELDOUT.read_text(encoding="utf-8").splitlines()
            for t in _texts(json.loads(line))]
    trained = []
    for path in sorted(asset("data", "persona").glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            trained += [(f"{path.name}:{n}", m["content"].split("]\n", 1)[-1])
                        for m in json.loads(line)["messages"] if m["role"] == "user"]
    assert near_copies(trained, held) == []
