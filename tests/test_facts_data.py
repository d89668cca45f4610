"""The facts bank for R-Tuning (assets/data/facts/bank.jsonl) and its held-out set
(assets/data/eval/facts_heldout.jsonl).

The bank holds short factual questions with the accepted short answers a grader looks for and
Jarvis's reply, fact first; a probe of the base model decides which replies are taught and which
become an honest "I'm not certain".  The held-out set asks other facts, never taught, to measure
whether the fine-tune answers what it knows and admits what it does not.  Checked here: shapes,
that every reply opens with its answer, that no fact (nor near copy of a question) is shared
between the two files, and that no held-out question nearly copies a persona training message.
Failures name file:line so the row is quick to find."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from jarvis_desktop.core.paths import asset, assets_dir

BANK = asset("data", "facts", "bank.jsonl")
HELDOUT = asset("data", "eval", "facts_heldout.jsonl")
DEV = asset("data", "dev", "facts_dev.jsonl")  # to choose by (tools/cues.py), never trained on nor gated by
PERSONA = asset("data", "persona")
ROOT = assets_dir().parent

MIN_BANK, HELDOUT_ROWS = 280, 80
FACT_FIRST_WORDS = 8  # an answer must appear within the reply's opening words
MAX_REPLY_WORDS = 30  # the fact and at most one short clause
NEAR_COPY_JACCARD = 0.5  # word-bigram (or content-word) overlap that counts as the same question
HONORIFIC = "{honorific}"
# American spellings that would slip past a quick read; replies are British.
AMERICAN = {"color", "colors", "favorite", "center", "theater", "meter", "meters", "liter", "liters",
            "gray", "realize", "organize", "recognize", "aluminum", "flavor", "neighbor", "honor"}
# Words that say nothing about which fact is asked; what is left names the fact.
STOPWORDS = set("""a an the of in on at to for from by with and or is are was were be what whats which who
whos whom where when how many much does do did that this it its it's there their they you your i me my
hey jarvis please tell quick question called call name s""".split())


@lru_cache(maxsize=None)
def rows(path: Path) -> tuple[tuple[int, dict], ...]:
    """(line number, row) for each line of a JSONL file."""
    with open(path, encoding="utf-8") as f:
        return tuple((n, json.loads(line)) for n, line in enumerate(f, 1))


def _where(path: Path, n: int) -> str:
    """file:line, the file relative to the repository when it lies inside it."""
    return f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}:{n}"


def _plain(text: str) -> str:
    """Lower case, apostrophes and punctuation dropped, single spaces."""
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.findall(r"[a-z0-9\u00c0-\u024f+]+", text))


def _bigrams(text: str) -> set[tuple[str, ...]]:
    words = _plain(text).split()
    return {tuple(words[i:i + 2]) for i in range(len(words) - 1)} or {tuple(words)}


def _content(text: str) -> set[str]:
    return {w for w in _plain(text).split() if w not in STOPWORDS}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _answers(row: dict) -> set[str]:
    return {_plain(a) for a in row["answers"]}


def _same_fact(a: dict, b: dict) -> bool:
    """Two rows ask the same fact when they share an accepted answer and their questions overlap
    (word bigrams, or the words left once the question words are dropped)."""
    if not _answers(a) & _answers(b):
        return False
    return (_jaccard(_bigrams(a["question"]), _bigrams(b["question"])) >= NEAR_COPY_JACCARD
            or _jaccard(_content(a["question"]), _content(b["question"])) >= NEAR_COPY_JACCARD)


def _persona_user_messages() -> list[tuple[str, str]]:
    """(file:line, text) of every user turn of the persona dataset: what the fine-tune is taught."""
    found = []
    for path in sorted(PERSONA.glob("*.jsonl")):
        if path.name == "facts.jsonl":  # made from the bank: the same-fact test above covers it
            continue
        for n, row in rows(path):
            for m in row.get("messages", []):
                if m.get("role") == "user" and isinstance(m.get("content"), str):
                    found.append((_where(path, n), m["content"]))
    return found


def _check_common(path: Path, keys: set[str], id_pattern: str) -> None:
    raw = path.read_text(encoding="utf-8")
    assert raw.endswith("\n"), f"{_where(path, raw.count(chr(10)) + 1)}: the file must end with a newline"
    for n, row in rows(path):
        where = _where(path, n)
        assert isinstance(row, dict) and set(row) == keys, f"{where}: keys must be {sorted(keys)}, not {sorted(row)}"
        assert isinstance(row["id"], str) and re.fullmatch(id_pattern, row["id"]), f"{where}: id {row['id']!r}"
        q = row["question"]
        assert isinstance(q, str) and q == q.strip() and q, f"{where}: question must be non-empty, no outer spaces"
        answers = row["answers"]
        assert isinstance(answers, list) and answers, f"{where}: answers must be a non-empty list"
        assert all(isinstance(a, str) and a.strip() == a and a for a in answers), f"{where}: an empty answer {answers}"
        assert len({a.lower() for a in answers}) == len(answers), f"{where}: an answer is listed twice {answers}"


def test_the_bank_has_its_shape():
    _check_common(BANK, {"id", "question", "answers", "reply"}, r"f\d{3,}")
    assert len(rows(BANK)) >= MIN_BANK, f"{BANK}: {len(rows(BANK))} questions, at least {MIN_BANK} wanted"


def test_the_held_out_set_has_its_shape():
    _check_common(HELDOUT, {"id", "question", "answers"}, r"h\d{3,}")
    assert len(rows(HELDOUT)) == HELDOUT_ROWS, f"{HELDOUT}: {len(rows(HELDOUT))} questions, {HELDOUT_ROWS} wanted"


def test_the_development_set_has_its_shape():
    _check_common(DEV, {"id", "question", "answers"}, r"d\d{3,}")
    assert len(rows(DEV)) >= 100, f"{DEV}: {len(rows(DEV))} questions, at least 100 wanted"


def test_ids_are_unique_across_the_files():
    seen: dict[str, str] = {}
    for path in (BANK, HELDOUT, DEV):
        for n, row in rows(path):
            assert row["id"] not in seen, f"{_where(path, n)}: id {row['id']} already used at {seen[row['id']]}"
            seen[row["id"]] = _where(path, n)


def test_each_reply_states_its_fact_first_with_the_honorific():
    for n, row in rows(BANK):
        where, reply = _where(BANK, n), row["reply"]
        assert isinstance(reply, str) and reply == reply.strip() and reply, f"{where}: empty reply"
        assert reply.count(HONORIFIC) == 1, f"{where}: the reply needs {HONORIFIC} exactly once: {reply!r}"
        assert not re.search(r"\{(?!honorific\})", reply), f"{where}: an unknown placeholder in {reply!r}"
        opening = " ".join(reply.split()[:FACT_FIRST_WORDS]).lower()
        assert any(a.lower() in opening for a in row["answers"]), \
            f"{where}: none of {row['answers']} in the reply's first {FACT_FIRST_WORDS} words: {reply!r}"
        assert len(reply.split()) <= MAX_REPLY_WORDS, f"{where}: reply longer than {MAX_REPLY_WORDS} words: {reply!r}"
        assert reply[-1] in ".!", f"{where}: the reply should end as a sentence: {reply!r}"


def test_replies_use_british_spelling():
    for n, row in rows(BANK):
        american = set(_plain(row["reply"]).split()) & AMERICAN
        assert not american, f"{_where(BANK, n)}: American spelling {sorted(american)} in {row['reply']!r}"


def test_no_question_is_asked_twice():
    for path in (BANK, HELDOUT):
        seen: dict[str, int] = {}
        for n, row in rows(path):
            key = _plain(row["question"])
            assert key not in seen, f"{_where(path, n)}: the same question as line {seen[key]}: {row['question']!r}"
            seen[key] = n
    bank = {_plain(r["question"]): n for n, r in rows(BANK)}
    for n, row in rows(HELDOUT):
        key = _plain(row["question"])
        assert key not in bank, f"{_where(HELDOUT, n)}: also asked at {_where(BANK, bank[key])}"


def test_no_fact_is_asked_twice_within_a_file():
    for path in (BANK, HELDOUT, DEV):
        listed = rows(path)
        for i, (n, a) in enumerate(listed):
            for m, b in listed[i + 1:]:
                assert not _same_fact(a, b), \
                    f"{_where(path, m)}: asks the fact of line {n} again: {b['question']!r} / {a['question']!r}"


def test_no_development_fact_is_in_the_bank_or_the_held_out_set():
    for n, dev in rows(DEV):
        for path in (BANK, HELDOUT):
            for m, other in rows(path):
                assert not _same_fact(dev, other), \
                    f"{_where(DEV, n)} asks the fact of {_where(path, m)}: {dev['question']!r} / {other['question']!r}"


def test_no_held_out_fact_is_in_the_bank():
    for n, held in rows(HELDOUT):
        for m, taught in rows(BANK):
            assert not _same_fact(held, taught), \
                f"{_where(HELDOUT, n)} asks the fact of {_where(BANK, m)}: {held['question']!r} / {taught['question']!r}"


def test_no_held_out_question_nearly_copies_a_persona_message():
    taught = [(where, text, _bigrams(text)) for where, text in _persona_user_messages()]
    assert len(taught) > 100, f"{PERSONA}: only {len(taught)} user messages were read"
    for n, row in rows(HELDOUT):
        mine = _bigrams(row["question"])
        for where, text, theirs in taught:
            assert _jaccard(mine, theirs) < NEAR_COPY_JACCARD, \
                f"{_where(HELDOUT, n)}: {row['question']!r} nearly copies {where}: {text!r}"


def test_no_question_is_for_a_tool():
    """Sums, conversions, the time and date and this computer belong to the tools, not to recall."""
    tool_like = re.compile(r"\d\s*[-+*/x×]\s*\d|\b(convert|what time|todays date|what day is it|"
                           r"my (computer|battery|disk|cpu))\b")
    for path in (BANK, HELDOUT):
        for n, row in rows(path):
            assert not tool_like.search(_plain(row["question"]) + " " + row["question"].lower()), \
                f"{_where(path, n)}: a tool answers this: {row['question']!r}"


def test_questions_vary_in_style():
    """Typed (capital and question mark) and spoken (lower case, no punctuation) both appear."""
    for path in (BANK, HELDOUT):
        kinds = Counter("typed" if r["question"][0].isupper() and r["question"].endswith("?")
                        else "spoken" if re.fullmatch(r"[a-z0-9 +]+", r["question"]) else "other"
                        for _, r in rows(path))
        assert kinds["typed"] >= len(rows(path)) // 4 and kinds["spoken"] >= len(rows(path)) // 4, f"{path}: {kinds}"
